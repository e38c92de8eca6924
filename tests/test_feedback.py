from mlcourse.exercises.feedback import Feedback, correct, wrong


def test_feedback_is_truthy_only_when_correct_and_reads_well():
    assert correct("fine")
    assert not wrong("w is off by 1")
    assert repr(wrong("w is off by 1")) == "Not yet: w is off by 1"
    assert "Correct" in correct("fine")._repr_markdown_()
    assert Feedback(False, "x").message == "x"
