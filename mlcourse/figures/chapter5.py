"""Chapter 5's figures: the training loop, learning curves, decision boundaries, the learning-rate
demo, fine-tuning and the memory of a training step.

Each ``draw_*`` draws on a figure and returns the numbers its alt text needs; each ``plot_*``
calls it once and builds a :class:`~mlcourse.figures.plot.Plot` from what it returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullLocator

from mlcourse.figures.diagrams import draw_flow
from mlcourse.figures.plot import Plot, fixed_axes, new_figure
from mlcourse.figures.style import INK, MUTED, PALETTE, styled
from mlcourse.mlp import MLP
from mlcourse.training import LR_DEMO, History, describe_learning_rate, learning_rate_run

#: Colour of each class in scatter plots and decision regions (one per class up to datasets.MAX_CLASSES).
CLASS_COLORS: tuple[str, ...] = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["green"],
    PALETTE["purple"],
    PALETTE["vermillion"],
    PALETTE["sky"],
)


# --------------------------------------------------------------------------- data sets


def draw_points(ax, X, y, *, size: float = 14, alpha: float = 0.9) -> None:
    """Scatter 2-D points on ``ax``, coloured by class (``CLASS_COLORS``), with a legend label per class."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),):
        raise ValueError(f"X must have shape (n, 2) and y shape (n,), got {X.shape} and {y.shape}")
    for k in np.unique(y):
        mask = y == k
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=size,
            color=CLASS_COLORS[int(k) % len(CLASS_COLORS)],
            edgecolor="white",
            linewidth=0.4,
            alpha=alpha,
            label=f"class {int(k)}",
            zorder=3,
        )
    ax.set_xlabel("feature $x_1$")
    ax.set_ylabel("feature $x_2$")
    ax.set_aspect("equal", adjustable="datalim")


def plot_datasets(named: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> Plot:
    """Side-by-side scatter plots of several 2-D data sets.

    Parameters
    ----------
    named : sequence of (title, X, y)
        Each panel's title, features of shape (n, 2) and labels of shape (n,).
    """
    if not named:
        raise ValueError("named must hold at least one (title, X, y) data set")
    fig = new_figure(3.2 * len(named), 3.2)
    fig.set_layout_engine("none")  # fixed margins: constrained layout would cost a third of the render
    margins = {"left": 0.6 / (3.2 * len(named)), "right": 0.995, "bottom": 0.155, "top": 0.92, "wspace": 0.3}
    with styled():
        axes = fig.subplots(1, len(named), squeeze=False, gridspec_kw=margins)[0]
        for ax, (title, X, y) in zip(axes, named, strict=True):
            draw_points(ax, X, y, size=10)
            ax.set_title(title)
        axes[0].legend(loc="lower left", fontsize=8)
    parts = "; ".join(f"{title}: {len(y)} points in {len(np.unique(y))} classes" for title, X, y in named)
    return Plot(fig, f"Scatter plots of {len(named)} two-feature data sets, points coloured by class. {parts}.")


# --------------------------------------------------------------------------- the training loop


def plot_training_vs_inference() -> Plot:
    """The source page's "Training vs Inference" diagram: a loop of four steps above one pass."""
    fig = new_figure(8.5, 3.8)
    with styled():
        ax = fig.add_subplot()
        geometry = {"box_width": 1.6, "box_height": 0.62, "gap": 0.5, "fontsize": 10}
        draw_flow(
            ax,
            ["forward pass\n(logits)", "loss\n(how wrong)", "backward pass\n(gradients)", "update\nθ ← θ − η·∇L"],
            y=1.6,
            loop_label="repeat for every mini-batch, epoch after epoch",
            **geometry,
        )
        inference = ["new input x", "forward pass\n(trained θ, fixed)", "prediction"]
        draw_flow(ax, inference, y=0.0, highlight=[1], **geometry)
        for y, name in ((1.6, "Training"), (0.0, "Inference")):
            ax.text(-0.2, y, name, ha="right", va="center", fontsize=12, weight="bold", color=INK)
        right = 3 * geometry["box_width"] + 2 * geometry["gap"]
        ax.text(right + 0.3, 0.0, "no loss, no gradients,\nno update", ha="left", va="center", fontsize=10, color=MUTED)
        ax.update_datalim([(-1.9, 0.0)])
        ax.autoscale_view()
    return Plot(
        fig,
        "Diagram. Training: forward pass (logits), then loss (how wrong), then backward pass "
        "(gradients), then update of the parameters θ by θ minus learning rate times gradient; an arrow "
        "loops back to the forward pass for every mini-batch, epoch after epoch. Inference: a new "
        "input goes through a forward pass with the trained parameters fixed and gives a prediction; "
        "no loss, no gradients, no update.",
    )


def plot_training_curves(history: History, *, title: str = "") -> Plot:
    """Training and validation loss (left) and accuracy (right) against epochs."""
    if not history.val_loss:
        raise ValueError("history has no validation curve: train with X_val and y_val")
    fig = new_figure(9, 3.4)
    fig.set_layout_engine("none")  # fixed margins: constrained layout would cost a third of the render
    margins = {"left": 0.065, "right": 0.995, "bottom": 0.145, "top": 0.86 if title else 0.985, "wspace": 0.165}
    with styled():
        left, right = fig.subplots(1, 2, gridspec_kw=margins)
        left.plot(history.epoch, history.train_loss, color=PALETTE["blue"], label="training loss")
        left.plot(history.epoch, history.val_loss, color=PALETTE["orange"], linestyle="--", label="validation loss")
        left.set_xlabel("epoch")
        left.set_ylabel("mean cross-entropy (nats)")
        left.set_ylim(bottom=0)
        left.legend()
        right.plot(history.epoch, history.train_accuracy, color=PALETTE["blue"], label="training accuracy")
        right.plot(
            history.epoch, history.val_accuracy, color=PALETTE["orange"], linestyle="--", label="validation accuracy"
        )
        right.set_xlabel("epoch")
        right.set_ylabel("accuracy")
        right.set_ylim(0.4, 1.02)
        right.legend(loc="lower right")
        if title:
            fig.suptitle(title)
    h = history
    return Plot(
        fig,
        f"Learning curves over {h.epoch[-1]} epochs ({h.step[-1]} updates). Left: training loss falls from "
        f"{h.train_loss[0]:.2f} to {h.train_loss[-1]:.2f} nats and validation loss from {h.val_loss[0]:.2f} to "
        f"{h.val_loss[-1]:.2f}. Right: validation accuracy rises from {h.val_accuracy[0]:.0%} to "
        f"{h.val_accuracy[-1]:.0%}.",
    )


def _grid(X: np.ndarray, resolution: int = 120, margin: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    return np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))


def draw_decision_boundary(ax, model: MLP, X, y, *, resolution: int = 120) -> None:
    """Shade ``ax`` by the class ``model`` predicts, draw the boundary(ies) and the points (X, y)."""
    X = model._check_X(X)
    g1, g2 = _grid(X, resolution)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    classes = model.predict(grid).reshape(g1.shape)
    k = model.n_classes
    levels = np.arange(k + 1) - 0.5
    ax.contourf(g1, g2, classes, levels=levels, colors=list(CLASS_COLORS[:k]), alpha=0.18)
    ax.contour(g1, g2, classes, levels=levels[1:-1], colors=INK, linewidths=1.2)
    draw_points(ax, X, y, size=12)
    ax.set_xlim(g1.min(), g1.max())
    ax.set_ylim(g2.min(), g2.max())
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    ax.xaxis.set_major_locator(MaxNLocator(4))  # few ticks: frames render faster
    ax.yaxis.set_major_locator(MaxNLocator(4))


def draw_training_frame(fig: Figure, *, model: MLP, history: History, epoch: int, X, y) -> dict:
    """One scrubber frame: the decision boundary after ``epoch``, on the points ``(X, y)``.

    ``history`` must hold parameter snapshots (``train(..., keep_params=True)``); ``model``
    supplies the architecture and is not changed. Returns ``{"epoch", "train_loss", "accuracy"}``.
    """
    if not history.params:
        raise ValueError("history holds no parameter snapshots: train with keep_params=True")
    net = MLP.from_params(history.params[epoch], activation=model.activation)
    fig.set_layout_engine("none")  # fixed margins: much faster than constrained layout, frame after frame
    ax = fig.add_axes((0.1, 0.12, 0.87, 0.8))
    draw_decision_boundary(ax, net, X, y, resolution=70)  # coarse grid: cheaper frame, same boundary
    ax.set_xticks([])  # the features have no units; without ticks each frame renders faster
    ax.set_yticks([])
    if history.val_accuracy:
        accuracy, which = history.val_accuracy[epoch], "validation"
    else:
        accuracy, which = history.train_accuracy[epoch], "training"
    loss = history.train_loss[epoch]
    ax.set_title(f"epoch {epoch}: training loss {loss:.2f}, {which} accuracy {accuracy:.0%}", fontsize=11)
    ax.legend(loc="lower left", fontsize=8)
    return {"epoch": epoch, "train_loss": loss, "accuracy": accuracy}


# --------------------------------------------------------------------------- the learning rate


def draw_learning_rate(fig: Figure, *, learning_rate: float) -> dict:
    """Training loss per epoch of the :data:`~mlcourse.training.LR_DEMO` task for one learning rate (log scale).

    Returns ``{"first_loss", "final_loss", "verdict"}`` of the run.
    """
    h = learning_rate_run(learning_rate)
    fig.set_layout_engine("none")  # fixed margins: much faster than constrained layout, frame after frame
    ax = fig.add_axes((0.11, 0.15, 0.86, 0.75))
    ax.plot(h.epoch, h.train_loss, color=PALETTE["blue"], marker="o", markersize=3)
    ax.axhline(h.train_loss[0], color=MUTED, linewidth=1, linestyle=":", label="loss before training")
    ax.set_yscale("log")
    ax.set_ylim(0.02, 500)
    # Plain tick labels and no minor ticks: the default log labels are mathtext, slow to lay out.
    ax.set_yticks([0.03, 0.1, 0.3, 1, 3, 10, 30, 100], ["0.03", "0.1", "0.3", "1", "3", "10", "30", "100"])
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlim(0, LR_DEMO["epochs"])
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (nats, log scale)")
    verdict = describe_learning_rate(h)
    ax.set_title(f"learning rate η = {learning_rate:g}: {verdict}, final loss {h.train_loss[-1]:.3g}")
    ax.legend(loc="lower left")
    return {"first_loss": h.train_loss[0], "final_loss": h.train_loss[-1], "verdict": verdict}


_VERDICTS = {
    "crawls": "training crawls",
    "learns": "the network learns",
    "unstable": "training is unstable, with spikes",
    "diverges": "training diverges",
}


def plot_learning_rate(learning_rate: float) -> Plot:
    """The live widget's figure: the loss curve for one learning rate."""
    fig = new_figure(7, 3.4)
    with styled():
        drawn = draw_learning_rate(fig, learning_rate=learning_rate)
    return Plot(
        fig,
        f"Training loss over {LR_DEMO['epochs']} epochs with learning rate {learning_rate:g} (log scale): it "
        f"goes from {drawn['first_loss']:.2f} to {drawn['final_loss']:.3g} nats: {_VERDICTS[drawn['verdict']]}.",
    )


# --------------------------------------------------------------------------- fine-tuning and memory


def plot_fine_tuning(finetuned: History, scratch: History, target: float) -> Plot:
    """Validation accuracy after each update: fine-tuning vs training from scratch."""
    for name, h in (("finetuned", finetuned), ("scratch", scratch)):
        if not h.val_accuracy_by_step:
            raise ValueError(f"{name} has no per-step accuracy: train it with a target_accuracy")
    fig = new_figure(7.5, 3.4)
    # fixed margins in inches (see fixed_axes): the ones constrained layout chose for the chapter's data
    with styled():
        (ax,) = fixed_axes(fig, left=0.79, right=0.19, bottom=0.49, top=0.1)
        for h, label, color in (
            (scratch, "from scratch (random start)", PALETTE["orange"]),
            (finetuned, "fine-tuning (pretrained start)", PALETTE["blue"]),
        ):
            accuracy = [h.val_accuracy[0], *h.val_accuracy_by_step]  # before the first update, then after each
            ax.plot(np.arange(len(accuracy)), accuracy, color=color, label=label, marker="o", markersize=2.5)
            if h.steps_to_target is not None:
                ax.axvline(h.steps_to_target, color=color, linestyle=":", linewidth=1.2)
        ax.axhline(target, color=MUTED, linewidth=1, linestyle="--", label=f"target {target:.0%}")
        ax.set_xlabel("updates (mini-batch steps)")
        ax.set_ylabel("validation accuracy\non the shifted task")
        ax.set_ylim(0.3, 1.02)
        ax.legend(loc="lower right")
    return Plot(
        fig,
        f"Validation accuracy on the shifted data set before training and after each update. Fine-tuning the "
        f"pretrained network starts at {finetuned.val_accuracy[0]:.0%} and reaches the {target:.0%} target after "
        f"{finetuned.steps_to_target} updates; training the same architecture from random weights starts at "
        f"{scratch.val_accuracy[0]:.0%} and needs {scratch.steps_to_target}.",
    )


def plot_training_memory(train_bytes: Mapping[str, int], infer_bytes: Mapping[str, int]) -> Plot:
    """Stacked bars of the bytes held by one training step and one inference pass."""
    kinds = ["parameters", "gradients", "optimizer state", "activations"]
    colors = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["purple"], PALETTE["orange"]]
    fig = new_figure(7.5, 2.8)
    # fixed margins in inches (see fixed_axes): the ones constrained layout chose for the chapter's data
    with styled():
        (ax,) = fixed_axes(fig, left=0.81, right=0.04, bottom=0.95, top=0.1)
        for row, mem in ((1, train_bytes), (0, infer_bytes)):
            left = 0.0
            for kind, color in zip(kinds, colors, strict=True):
                kb = mem.get(kind, 0) / 1024
                ax.barh(row, kb, left=left, color=color, label=kind if row == 1 else None, height=0.6)
                left += kb
            ax.text(left, row, f"  {left:,.0f} KiB", va="center", fontsize=10)
        ax.set_yticks([0, 1], ["inference\npass", "training\nstep"])
        ax.set_xlabel("memory held by arrays (KiB)")
        ax.set_xlim(0, sum(train_bytes.values()) / 1024 * 1.22)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=4, fontsize=9)
    total_t, total_i = sum(train_bytes.values()), sum(infer_bytes.values())
    return Plot(
        fig,
        f"Horizontal stacked bars. A training step holds {total_t / 1024:,.0f} KiB of arrays: parameters "
        f"{train_bytes['parameters'] / 1024:,.0f}, gradients {train_bytes['gradients'] / 1024:,.0f}, optimizer "
        f"state {train_bytes['optimizer state'] / 1024:,.0f} and cached activations "
        f"{train_bytes['activations'] / 1024:,.0f} KiB. An inference pass holds {total_i / 1024:,.0f} KiB: the same "
        f"parameters and {infer_bytes['activations'] / 1024:,.0f} KiB of activations, "
        f"{total_t / total_i:.1f} times less.",
    )


def plot_fine_tuning_seeds(finetuned: Sequence[int], scratch: Sequence[int], target: float) -> Plot:
    """Updates to reach the target, one dot per seed: fine-tuning vs training from scratch."""
    runs = {"fine-tuning": np.asarray(finetuned, dtype=float), "from scratch": np.asarray(scratch, dtype=float)}
    for name, steps in runs.items():
        if steps.ndim != 1 or len(steps) == 0 or not np.all(np.isfinite(steps)) or np.any(steps < 0):
            raise ValueError(f"{name} steps must be a non-empty list of update counts >= 0 (every run reached it)")
    fig = new_figure(7.5, 2.6)
    # fixed margins in inches (see fixed_axes): the ones constrained layout chose for the chapter's data
    with styled():
        (ax,) = fixed_axes(fig, left=1.04, right=0.05, bottom=0.49, top=0.1)
        for row, (steps, color) in enumerate(zip(runs.values(), (PALETTE["blue"], PALETTE["orange"]), strict=True)):
            ax.scatter(steps, np.full(len(steps), row), color=color, s=40, alpha=0.8, zorder=3)
            ax.plot([steps.mean()] * 2, [row - 0.3, row + 0.3], color=INK, linewidth=2)
            ax.text(steps.mean(), row + 0.35, f"mean {steps.mean():.0f}", ha="center", fontsize=9)
        ax.set_yticks([0, 1], list(runs))
        ax.set_ylim(-0.6, 1.8)
        ax.set_xlabel(f"updates to reach {target:.0%} validation accuracy (one dot per seed)")
        ax.grid(axis="y", visible=False)
    ft, sc = runs["fine-tuning"], runs["from scratch"]
    return Plot(
        fig,
        f"Dot plot over {len(ft)} seeds of the updates needed to reach {target:.0%} validation accuracy on the "
        f"rotated moons. Fine-tuning needs {ft.min():.0f} to {ft.max():.0f} (mean {ft.mean():.1f}); training from "
        f"scratch needs {sc.min():.0f} to {sc.max():.0f} (mean {sc.mean():.0f}). The two ranges do not overlap.",
    )


def plot_decoder_flops(sizes: Mapping[str, int], attention: int) -> Plot:
    """FLOPs per generated token of a decoder, by part: 2 per weight, plus attention over the context.

    Parameters
    ----------
    sizes : dict of str to int
        Weights multiplied per token, by part (from :func:`mlcourse.flops.decoder_matrix_sizes`).
    attention : int
        FLOPs of attention's weight-free products (:func:`mlcourse.flops.attention_flops`).
    """
    parts = {f"{name} weights": 2 * int(n) for name, n in sizes.items()}
    parts["attention scores\nand values"] = int(attention)
    if any(v < 0 for v in parts.values()) or not parts:
        raise ValueError("sizes and attention must be counts >= 0")
    fig = new_figure(7.5, 2.8)
    # fixed margins in inches (see fixed_axes): the ones constrained layout chose for the chapter's data
    with styled():
        (ax,) = fixed_axes(fig, left=1.60, right=0.05, bottom=0.49, top=0.1)
        names = list(parts)
        mflops = [parts[n] / 1e6 for n in names]
        colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]]
        ax.barh(names[::-1], mflops[::-1], color=colors[: len(names)][::-1], height=0.6)
        for i, v in enumerate(mflops[::-1]):
            ax.text(v, i, f" {v:,.1f}", va="center", fontsize=9)
        ax.set_xlabel("million FLOPs per generated token")
        ax.set_xlim(0, max(mflops) * 1.2)
        ax.grid(axis="y", visible=False)
    total = sum(parts.values())
    shares = ", ".join(f"{n.replace(chr(10), ' ')} {v / 1e6:,.1f}" for n, v in parts.items())
    return Plot(
        fig,
        f"Horizontal bars of the million floating-point operations one generated token costs, by part: {shares}. "
        f"In all {total / 1e6:,.0f} million, of which the weights' share, two per weight, is "
        f"{(total - attention) / total:.1%}.",
    )


def plot_generation_flops(with_cache: Sequence[int], without_cache: Sequence[int], prompt: int) -> Plot:
    """Cumulative FLOPs of generating tokens with and without a KV cache (from :func:`flops.generation_flops`)."""
    runs = {"with": np.asarray(with_cache, dtype=float), "without": np.asarray(without_cache, dtype=float)}
    if runs["with"].shape != runs["without"].shape or runs["with"].ndim != 1 or len(runs["with"]) == 0:
        raise ValueError("with_cache and without_cache must be equally long, non-empty lists of FLOP totals")
    steps = np.arange(1, len(runs["with"]) + 1)
    fig = new_figure(7.5, 3.2)
    with styled():
        # fixed margins (inches): room for the y labels, the x label, and half of the top tick label
        (ax,) = fixed_axes(fig, left=0.72, right=0.2, bottom=0.49, top=0.15)
        ax.plot(steps, runs["without"] / 1e9, color=PALETTE["orange"], label="no cache: rerun the whole text")
        ax.plot(steps, runs["with"] / 1e9, color=PALETTE["blue"], label="KV cache: one token per step")
        ax.set_xlabel(f"tokens generated after a {prompt}-token prompt")
        ax.set_ylabel("total GFLOPs")
        ax.legend(loc="upper left")
    ratio = runs["without"][-1] / runs["with"][-1]
    return Plot(
        fig,
        f"Two rising curves of the total billions of FLOPs spent generating up to {len(steps)} tokens after a "
        f"{prompt}-token prompt. With a KV cache the total grows by about the same amount per token and ends at "
        f"{runs['with'][-1] / 1e9:,.1f}; rerunning the whole text each step grows ever faster and ends at "
        f"{runs['without'][-1] / 1e9:,.1f}, {ratio:.0f} times more.",
    )
