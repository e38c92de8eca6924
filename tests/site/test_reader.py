"""The reader's experience on every screen: navigation, sharp figures, nothing hidden sideways.

At 390 px (a phone), 800 px (a tablet) and 1280 px (a laptop), in light and dark mode:

- the ☰ menu opens and a chapter link in it navigates; the contents button opens the page's
  contents and a section link in it scrolls there;
- no code block, code output or highlighted listing is wider than its box at 1280 px, and no
  page scrolls sideways on any screen (long equations scroll inside their own box);
- every figure is sharp on a 2x screen (raster: at least 2 image pixels per CSS pixel; SVG is
  sharp at any size) and its smallest text is at least 11 CSS px at its displayed size at 1280 px;
- the sliders fit their column, show their value next to the track (``aria-valuetext``), and
  their buttons have names;
- the search box's magnifier does not cover the query; the theme button's first click changes
  the mode; dark mode shows figures without a grey card; the glossary has A–Z jump links and term
  links preview their definition; search snippets show no raw TeX; the landing page's download
  button offers the rendered notebook, not raw Markdown.

Screenshots of every page at each width in both modes go to ``_build/screenshots/``.
"""

from __future__ import annotations

import re

import pytest
from conftest import SCREENSHOTS
from test_browser import CHAPTERS, PAGES, open_page

WIDTHS = [390, 800, 1280]
MIN_TEXT_PX = 11
#: Code blocks, code cells' outputs and highlighted listings.
CODE_BLOCKS = "main pre, main .cell_output, main div.highlight"


@pytest.fixture
def reader(browser, request):
    """A page at ``request.param = (width, color_scheme)``; it records JavaScript errors."""
    width, scheme = request.param
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def at(*widths, schemes=("light",)):
    """Parametrize ``reader`` over widths and colour schemes."""
    params = [(w, s) for w in widths for s in schemes]
    return pytest.mark.parametrize("reader", params, indirect=True, ids=[f"{w}px-{s}" for w, s in params])


@at(*WIDTHS, schemes=("light", "dark"))
@pytest.mark.parametrize("name", PAGES)
def test_nothing_scrolls_sideways_and_screenshot(reader, site_url, name):
    open_page(reader, site_url, f"{name}.html")
    width = reader.viewport_size["width"]
    scheme = "dark" if reader.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") else "light"
    reader.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '_')}-{width}-{scheme}.png"))
    wide = reader.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 1, f"{name} at {width} px scrolls sideways by {wide} px"
    # Inline code stays inside its paragraph.
    cut = reader.evaluate(
        """() => [...document.querySelectorAll('main p code.literal, main li code.literal')]
             .filter(c => c.getBoundingClientRect().right > c.closest('p, li').getBoundingClientRect().right + 1)
             .map(c => c.textContent)"""
    )
    assert cut == [], f"{name} at {width} px: inline code runs out of its paragraph: {cut[:5]}"
    equations = reader.evaluate(
        """() => [...document.querySelectorAll('mjx-container[display="true"]')]
             .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'auto').length"""
    )
    assert equations == 0, f"{name} at {width} px: {equations} long equations are cut off instead of scrolling"
    assert reader.errors == [], reader.errors


@at(1280)
@pytest.mark.parametrize("name", PAGES)
def test_no_code_block_is_wider_than_the_column(reader, site_url, name):
    """Code and printed lines within 78 characters fit; folded (hidden-input) code counts too."""
    open_page(reader, site_url, f"{name}.html")
    wide = reader.evaluate(
        f"""() => [...document.querySelectorAll({CODE_BLOCKS!r})]
             .filter(e => e.scrollWidth > e.clientWidth + 1)
             .map(e => {{
               const kind = e.closest('.cell_output') ? 'output' : e.closest('.cell') ? 'code' : 'markdown code';
               const hidden = e.closest('details:not([open])') ? ' (folded)' : '';
               const widest = e.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '');
               const extra = e.scrollWidth - e.clientWidth;
               const line = widest.trim().slice(0, 70);
               return `${{kind}}${{hidden}}, ${{widest.length}} chars (+${{extra}} px): ${{line}}`;
             }})"""
    )
    # One report per block: a cell's output and its inner <pre> are the same block.
    wide = sorted(set(wide))
    assert wide == [], f"{name}: {len(wide)} code blocks are wider than the column:\n  " + "\n  ".join(wide)


@at(1280, 390)
@pytest.mark.parametrize("name", ["intro", *CHAPTERS])
def test_figures_are_sharp_and_their_text_readable(reader, site_url, name):
    open_page(reader, site_url, f"{name}.html")
    width = reader.viewport_size["width"]
    figures = reader.evaluate(
        """async () => {
          const imgs = [...document.querySelectorAll('main img')];
          await Promise.all(imgs.map(i => i.decode().catch(() => null)));
          return imgs.filter(i => i.clientWidth > 0).map(i => ({
            alt: (i.alt || '').slice(0, 50),
            svg: i.src.startsWith('data:image/svg+xml') || /\\.svg$/.test(i.src),
            natural: i.naturalWidth,
            shown: i.clientWidth,
            designed: +i.getAttribute('width'),
            minPt: i.dataset.minFontPt === undefined ? null : +i.dataset.minFontPt,
          }));
        }"""
    )
    blurry = [
        f"{f['alt']} ({f['natural']} px shown at {f['shown']})"
        for f in figures
        if not f["svg"] and f["natural"] < 2 * f["shown"]
    ]
    assert blurry == [], f"{name} at {width} px: figures blur on a 2x screen: {blurry}"
    if width != 1280:
        return
    unknown = [f["alt"] for f in figures if f["minPt"] is None or not f["designed"]]
    assert unknown == [], f"{name}: figures without a width and data-min-font-pt: {unknown}"
    # A point is 96/72 CSS px at the figure's own size; the page shows it at shown/designed.
    small = [
        f"{f['alt']} ({f['minPt'] * 96 / 72 * f['shown'] / f['designed']:.1f} px)"
        for f in figures
        if f["minPt"] * 96 / 72 * f["shown"] / f["designed"] < MIN_TEXT_PX - 0.05
    ]
    assert small == [], f"{name}: figure text under {MIN_TEXT_PX} CSS px: {small}"


@at(390, 800)
def test_menu_opens_and_a_chapter_link_navigates(reader, site_url):
    open_page(reader, site_url, "chapters/02_parameters.html")
    toggle = reader.locator(".primary-toggle >> visible=true")
    assert toggle.count() == 1, "one visible ☰ button"
    toggle.click()
    dialog = reader.locator("#pst-primary-sidebar-modal")
    dialog.wait_for(state="visible", timeout=5000)
    link = dialog.locator("a.reference.internal[href$='03_logits.html']").first
    assert link.is_visible(), "the chapter list is in the menu"
    link.click()
    reader.wait_for_url(re.compile(r"03_logits\.html$"), timeout=10000)
    assert reader.errors == [], reader.errors


@at(390, 800)
def test_contents_button_opens_the_page_contents(reader, site_url):
    open_page(reader, site_url, "chapters/02_parameters.html")
    toggle = reader.locator(".secondary-toggle >> visible=true")
    assert toggle.count() == 1, "one visible contents button"
    toggle.click()
    dialog = reader.locator("#pst-secondary-sidebar-modal")
    dialog.wait_for(state="visible", timeout=5000)
    link = dialog.locator("nav a.nav-link").nth(1)
    anchor = link.get_attribute("href")
    assert anchor.startswith("#")
    link.click()
    reader.wait_for_url(re.compile(re.escape(anchor) + "$"), timeout=5000)
    target = reader.locator(f"[id='{anchor[1:]}']")
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900


@at(1280)
def test_menu_button_hides_and_shows_the_sidebar_on_a_laptop(reader, site_url):
    open_page(reader, site_url, "chapters/02_parameters.html")
    sidebar = reader.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    reader.locator(".primary-toggle >> visible=true").click()
    reader.wait_for_function(
        "() => document.querySelector('#pst-primary-sidebar').classList.contains('pst-sidebar-hidden')"
    )
    reader.locator(".primary-toggle >> visible=true").click()
    reader.wait_for_function(
        "() => !document.querySelector('#pst-primary-sidebar').classList.contains('pst-sidebar-hidden')"
    )
    sidebar.locator("a.reference.internal[href$='03_logits.html']").first.click()
    reader.wait_for_url(re.compile(r"03_logits\.html$"), timeout=10000)


@at(390, 1280, schemes=("light", "dark"))
@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c.split("/")[-1][:2] in {"01", "02", "05"}])
def test_slider_fits_its_column_and_reads_out_its_value(reader, site_url, chapter):
    open_page(reader, site_url, f"{chapter}.html")
    players = reader.locator(".mlcourse-scrubber")
    assert players.count() >= 1
    player = players.first
    player.scroll_into_view_if_needed()
    column = reader.evaluate("() => document.querySelector('main article').getBoundingClientRect().right")
    for part in ["img", "input[type=range]", "button[data-step='1']", "output"]:
        box = player.locator(part).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= column + 1, f"{part} is cut off"
    slider = player.locator("input[type=range]")
    readout = player.locator("output")
    first = slider.get_attribute("aria-valuetext")
    assert first and readout.inner_text() == first
    for button in player.locator("button").all():
        assert button.get_attribute("aria-label"), "every button has a label"
    player.locator("button[data-step='1']").click()
    assert slider.input_value() == "1"
    assert slider.get_attribute("aria-valuetext") == readout.inner_text() != first
    slider.focus()
    reader.keyboard.press("End")
    last = int(slider.get_attribute("max"))
    assert slider.input_value() == str(last)
    # The last frame is as sharp as the first.
    sharp = player.locator("img").evaluate(
        "async i => { await i.decode(); "
        "return i.src.startsWith('data:image/svg') || i.naturalWidth >= 2 * i.clientWidth; }"
    )
    assert sharp
    if reader.evaluate("matchMedia('(prefers-color-scheme: dark)').matches"):
        # The controls use the page's colours, not a light slab with dark-theme form colours.
        slab = player.evaluate("p => getComputedStyle(p).backgroundColor")
        assert slab in {"rgba(0, 0, 0, 0)", "transparent"}, slab


@at(1280, 390)
def test_search_icon_does_not_cover_the_query(reader, site_url):
    open_page(reader, site_url, "chapters/03_logits.html")
    # The sidebar's search box (or the phone's magnifier button) opens the search dialog.
    reader.locator(".search-button__button >> visible=true").first.click()
    form = reader.locator("#pst-search-dialog form.bd-search")
    field = form.locator("input")
    field.wait_for(state="visible", timeout=5000)
    field.fill("softmax")
    icon = form.locator("i, svg").first.bounding_box()
    text_left = field.evaluate(
        "i => { const s = getComputedStyle(i); "
        "return i.getBoundingClientRect().left + parseFloat(s.paddingLeft) + parseFloat(s.borderLeftWidth); }"
    )
    box = field.bounding_box()
    assert icon is not None and icon["width"] > 0, "the magnifier shows"
    assert box["y"] <= icon["y"] + icon["height"] / 2 <= box["y"] + box["height"], "the magnifier sits in the box"
    assert icon["x"] + icon["width"] <= text_left, "the magnifier covers the query's first letter"


@at(1280)
def test_header_has_one_search_box(reader, site_url):
    open_page(reader, site_url, "chapters/03_logits.html")
    boxes = reader.evaluate(
        """() => [...document.querySelectorAll('.search-button-field, form.bd-search')]
             .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
             .map(e => e.closest('.bd-sidebar-primary') ? 'sidebar' : 'elsewhere')"""
    )
    assert boxes == ["sidebar"], f"one search box on the page, in the sidebar: {boxes}"


@at(1280, schemes=("light", "dark"))
def test_theme_button_first_click_changes_the_mode(reader, site_url):
    open_page(reader, site_url, "chapters/01_model_as_function.html")
    before = reader.evaluate("document.documentElement.dataset.theme")
    reader.locator(".theme-switch-button >> visible=true").first.click()
    after = reader.evaluate("document.documentElement.dataset.theme")
    assert after != before, f"the first click left the {before} theme"


@at(1280, schemes=("dark",))
@pytest.mark.parametrize("name", ["intro", "chapters/02_parameters"])
def test_dark_mode_figures_have_no_grey_card(reader, site_url, name):
    open_page(reader, site_url, f"{name}.html")
    styles = reader.evaluate(
        """() => [...document.querySelectorAll('main img.mlcourse-figure')].slice(0, 5).map(i => {
             const own = getComputedStyle(i);
             // Every box between the figure and its cell's output.
             const boxes = [];
             for (let e = i.parentElement; e && !e.matches('.cell'); e = e.parentElement) {
               const s = getComputedStyle(e);
               boxes.push([e.className, s.backgroundColor, s.paddingTop, s.borderTopWidth]);
             }
             return {filter: own.filter, border: own.borderTopWidth, padding: own.paddingTop,
                     shadow: own.boxShadow, boxes};
           })"""
    )
    assert styles, f"{name} has figures"
    for s in styles:
        assert s["filter"] == "none", f"figures are dimmed: {s}"
        assert s["padding"] == "0px" and s["border"] == "0px" and s["shadow"] == "none", (
            f"a card around the figure: {s}"
        )
        for box, background, _padding, border in s["boxes"]:
            assert background in {"rgba(0, 0, 0, 0)", "transparent"}, f"a grey card ({box}, {background})"
            assert border == "0px", f"a second frame around the figure ({box})"


@at(1280, 390, schemes=("light", "dark"))
def test_quiz_radio_buttons_look_empty_until_chosen(reader, site_url):
    open_page(reader, site_url, "chapters/07_vocabulary.html")
    question = reader.locator(".mlcourse-quiz form.mlcourse-question").first
    question.scroll_into_view_if_needed()
    radios = question.locator("input[type=radio]")
    radios.nth(1).check()
    looks = radios.evaluate_all(
        """rs => rs.map(r => ({checked: r.checked, fill: getComputedStyle(r).backgroundColor,
                                dot: getComputedStyle(r, '::before').transform}))"""
    )
    for look in looks:
        assert look["fill"] in {"rgba(0, 0, 0, 0)", "transparent"}, f"a filled radio button: {look}"
        dot_shown = look["dot"] not in {"none", "matrix(0, 0, 0, 0, 0, 0)"}
        assert dot_shown == look["checked"], f"only the chosen answer shows a dot: {looks}"


@at(1280, 390)
def test_glossary_has_a_to_z_jump_links(reader, site_url):
    open_page(reader, site_url, "chapters/07_vocabulary.html")
    bar = reader.locator("nav.glossary-jump")
    assert bar.count() == 1
    links = bar.locator("a")
    assert links.count() >= 10
    letters = [t.strip() for t in links.all_inner_texts()]
    assert letters == sorted(letters)
    target = bar.locator("a", has_text=re.compile(r"^S$"))
    anchor = target.get_attribute("href")
    bar.scroll_into_view_if_needed()
    target.click()
    reader.wait_for_url(re.compile(re.escape(anchor) + "$"))
    term = reader.locator(f"[id='{anchor[1:]}']")
    assert term.inner_text().strip().upper().startswith("S")
    box = term.bounding_box()
    assert box is not None and 0 <= box["y"] < reader.viewport_size["height"]
    assert bar.is_visible(), "the bar stays in reach"


@at(1280)
@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if not c.endswith("07_vocabulary")][:2])
def test_term_links_preview_their_definition(reader, site_url, chapter):
    open_page(reader, site_url, f"{chapter}.html")
    links = reader.locator("main a.reference.internal:has(span.std-term)")
    assert links.count() >= 1
    titles = links.evaluate_all("links => links.map(a => a.getAttribute('title') || '')")
    assert all(len(t) > 20 for t in titles), f"term links without a definition preview: {titles.count('')}"


@at(1280)
def test_search_snippets_show_no_raw_math(reader, site_url):
    open_page(reader, site_url, "search.html?q=temperature")
    reader.wait_for_selector("ul.search li p.context", timeout=15000)
    reader.wait_for_timeout(500)
    snippets = reader.locator("ul.search li p.context").all_inner_texts()
    assert snippets
    raw = [s for s in snippets if re.search(r"\\\(|\\\)|\\\[|\$\$", s)]
    assert raw == [], f"snippets with raw TeX: {raw[:3]}"


@at(1280)
def test_landing_page_download_offers_the_rendered_notebook(reader, site_url):
    open_page(reader, site_url, "intro.html")
    hrefs = reader.eval_on_selector_all(
        ".dropdown-download-buttons a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert not any(h.endswith(".md") for h in hrefs), f"the landing page serves its raw Markdown: {hrefs}"
    for href in hrefs:
        if href.endswith(".ipynb"):
            response = reader.request.get(f"{site_url}/{href}")
            assert response.ok and response.body().lstrip().startswith(b"{")
