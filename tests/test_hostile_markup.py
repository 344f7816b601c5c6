"""User text in the Markdown and HTML the library writes (verify's reports, solve's solutions,
exercise's sheets and Moodle quiz): an example's name, its notes and its file name are shown
as text, whatever they hold. The Markdown is rendered by a real CommonMark renderer that lets
inline HTML through (markdown-it, as GitHub and JupyterLab do): no script, no element the
library did not write, no event handler, no javascript: link may come out. Before the fix,
``<script>`` and ``<img src=x onerror=…>`` in a name or a note went into the Markdown raw."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fuzz_text import examples
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from autograd_core.exercise import Exercise, make_exercises
from autograd_core.exercise.moodle import to_moodle
from autograd_core.markup import md_code, md_fence, md_text
from autograd_core.solve import solve_file, solve_text
from autograd_core.verify import VerifyError, check_file, check_text

RENDER = MarkdownIt("commonmark", {"html": True}).enable("table").render

#: what the library's own Markdown and pages are made of (Markdown renders to these)
ALLOWED = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "strong", "em", "b", "i",
           "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "br", "blockquote",
           "hr", "small", "div", "main", "math", "mrow", "mi", "mn", "mo", "msub", "msup",
           "msubsup", "mfrac", "msqrt", "mtable", "mtr", "mtd", "mtext", "mspace", "mover",
           "munder", "mstyle", "semantics", "annotation", "mpadded", "menclose", "mroot",
           "mphantom", "munderover", "html", "head", "body", "meta", "title", "style"}

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!--<script>",
    "[click](javascript:alert(1))", "![x](javascript:alert(1))", "<javascript:alert(1)>",
    "<a href='javascript:alert(1)'>a</a>", "</p><svg onload=alert(1)>", "&lt;script&gt;",
    "`<script>`", "```\n<script>", "*a* _b_ $x$ | c", "\\<script>", "<<script>>",
    "<ScRiPt>alert(1)</sCrIpT>", "<details open ontoggle=alert(1)>", "1. <b>",
    "# <iframe src=javascript:alert(1)>", "<style>*{}</style>", "<x onclick=alert(1)>y</x>",
]


class Elements(HTMLParser):
    """Every element, attribute and comment of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_safe_html(page: str) -> Elements:
    """No element the library does not write, no handler, no script URL, no comment."""
    found = Elements()
    found.feed(page)
    found.close()
    assert set(found.tags) <= ALLOWED, set(found.tags) - ALLOWED
    for key, value in found.attrs:
        assert not key.startswith("on"), (key, value)
        assert "javascript:" not in re.sub(r"\s", "", value.lower()), (key, value)
        assert key in ("class", "style", "lang", "charset", "name", "content", "display",
                       "xmlns", "stretchy", "fence", "form", "separator", "mathvariant",
                       "columnalign", "rowspacing", "columnspacing", "encoding", "align",
                       "width", "height", "lspace", "rspace", "accent", "linethickness",
                       "movablelimits", "minsize", "maxsize", "symmetric", "largeop",
                       "displaystyle", "scriptlevel", "depth", "voffset", "notation",
                       "rowlines", "columnlines", "frame"), (key, value)
    assert not found.comments, found.comments
    return found


def assert_safe_markdown(md: str) -> None:
    """The Markdown holds no raw tag but the library's own ``<br>``, and renders safely."""
    raw_tags = re.findall(r"<[A-Za-z!/?][^>]*>?", md)
    assert set(raw_tags) <= {"<br>"}, raw_tags
    assert_safe_html(RENDER(md))


def worked(name: str, note: str) -> str:
    return (f"example {name}\nnote    {note}\ninput x = 0.5\nparam w = 2\nvary w from {{1, 3}}\n"
            "loss l = sigmoid(w*x)\nclaim dl/dw = 0.0983\n")


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n\u2028\u2029\x0b\x0c\x85\x1c-\x1e]", " ", text).strip()


HOSTILE = st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=80),
                    st.lists(st.sampled_from(PAYLOADS + ["x", " ", "`", "<", ">", "&", "\\",
                                                         "[", "]", "(", ")", "*", ":"]),
                             min_size=1, max_size=8).map("".join))


# ------------------------------------------------------------------ the escaping functions
@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=200))
def test_md_text_renders_to_exactly_its_text(text):
    """Markdown read back as the text it was made from (whitespace aside): nothing became
    markup, and nothing was lost."""
    rendered = RENDER(f"x {md_text(text)}")  # in a paragraph, as the writers put it
    found = assert_safe_html(rendered)
    assert set(found.tags) <= {"p"}
    shown = "".join(found.text)  # the parser has turned &amp; back into &
    expected = "x " + text.replace("\x00", "\ufffd")
    assert shown.split() == expected.split()


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=100).filter(lambda t: t.strip()))
def test_md_code_renders_to_one_code_span_of_its_text(text):
    rendered = RENDER(f"x {md_code(text)}")
    found = assert_safe_html(rendered)
    assert found.tags == ["p", "code"], rendered
    flat = re.sub(r"[\r\n\u2028\u2029\x0b\x0c\x85]+", " ", text).replace("\x00", "\ufffd")
    assert "".join(found.text[1:]).rstrip("\n") == flat


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.text(alphabet="`a<\n ", max_size=12), min_size=1, max_size=5))
def test_md_fence_holds_every_line(lines):
    lines = [ln.replace("\n", " ") for ln in lines]
    opening, closing = md_fence(lines)
    rendered = RENDER("\n".join([opening, *lines, closing]) + "\n")
    found = assert_safe_html(rendered)
    assert found.tags == ["pre", "code"]


# ------------------------------------------------------------------ every writer
@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(HOSTILE, HOSTILE)
def test_hostile_names_and_notes_reach_no_page_as_markup(name, note):
    name, note = _one_line(name), _one_line(note)
    assume(name and note)
    text = worked(name, note)
    try:
        report = check_text(text)
    except VerifyError:
        assume(False)  # a name the format does not take: nothing to render
    assert_safe_markdown(report.to_markdown())
    assert_safe_html(report._repr_html_())
    (sol,) = solve_text(text)
    assert_safe_markdown(sol.to_markdown())
    page = sol.to_html()
    assert_safe_html(page)
    assert f"<h2>{html.escape(sol.title)}</h2>" in page  # the name, shown as its text
    exercises = make_exercises(text, variants=1)
    assert_safe_markdown(exercises.sheet(exercises.variants[0]))
    assert_safe_markdown(Exercise(text)._repr_markdown_())
    _assert_safe_moodle(to_moodle(exercises))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_file_name_reaches_no_page_as_markup(tmp_path, payload):
    """The file's name is the exercise's title and the solution's header."""
    stem = _one_line(payload).replace("/", "∕")
    path = tmp_path / f"{stem}.worked"
    path.write_text(worked("ex", "a note"), encoding="utf-8")
    assert_safe_markdown(check_file(path).to_markdown())
    sols = solve_file(path)
    assert_safe_markdown(sols.to_markdown())
    assert_safe_html(sols.to_html())
    exercises = make_exercises(path, variants=1)
    out = Path(tmp_path / "out")
    exercises.write(out)
    assert_safe_markdown((out / "variant-01.md").read_text(encoding="utf-8"))
    _assert_safe_moodle(to_moodle(exercises))


def _assert_safe_moodle(xml: str) -> None:
    """Moodle shows each ``format="html"`` text as HTML."""
    root = ET.fromstring(xml.encode("utf-8"))
    for el in root.iter():
        if el.get("format") == "html":
            assert_safe_html(el.findtext("text") or "")


def test_the_reviewers_example_renders_its_name_and_note_as_text(tmp_path):
    path = tmp_path / "hx.worked"
    path.write_text(worked("<!--<script>alert(1)</script>", "<img src=x onerror=alert(3)>"))
    md = solve_file(path).to_markdown()
    assert "&lt;!--&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "&lt;img src=x onerror=alert(3)&gt;" in md
    rendered = RENDER(md)
    assert "&lt;img src=x onerror=alert(3)&gt;" in rendered and "<img" not in rendered
