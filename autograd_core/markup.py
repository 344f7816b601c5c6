"""User text in the Markdown and HTML the library writes: escaped by one function per kind
of place, so an example's name, a note or a file name is always shown as the text it is.

A worked example's ``example`` and ``note`` lines, its file name and a roster's ids are free
text. Markdown renderers (GitHub, JupyterLab, pandoc, markdown-it) pass inline HTML through,
so ``<script>`` or ``<img src=x onerror=…>`` in a note would run in a reader's browser, and
``[x](javascript:…)`` would be a link. Every Markdown and HTML writer of the library (verify's
reports, solve's solutions, exercise's sheets, the Moodle quiz, the notebook displays) puts
user text through these functions:

* :func:`md_text`: prose or a table cell: ``< > &`` as HTML entities (no tag, no comment, no
  autolink can start), and the characters Markdown reads as markup backslash-escaped
  (``\\ ` * _ [ ] | $ ~``; at the start of the text a ``# + - =`` that could begin a
  heading, a list or a rule, and the dot of ``1.``; ``-20`` stays as it is);
* :func:`md_code`: an inline code span, its fence longer than any run of backticks inside
  (nothing in a code span is markup or HTML);
* :func:`md_fence`: the fence of a code block around given lines;
* :func:`html_text`: HTML text and attribute values (``html.escape``);
* :func:`xml_chars`: text an XML 1.0 file can hold (a control character such as U+0008 in a
  note would make the Moodle quiz a malformed file): the others become U+FFFD.

Line breaks in user text become spaces (a note is one line of the page), and a lone surrogate
(a byte of a file name that is not UTF-8, as Python decodes it) becomes U+FFFD, which any UTF-8
page can hold.

>>> md_text('<img src=x onerror=alert(1)> [x](javascript:alert(1)) *b*')
'&lt;img src=x onerror=alert(1)&gt; \\\\[x\\\\](javascript:alert(1)) \\\\*b\\\\*'
>>> md_code("a`b")
'``a`b``'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKUP = set("\\`*_[]|$~")
_AT_START = set("#>+-=")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_SURROGATES = re.compile("[\ud800-\udfff]")
_LIST_NUMBER = re.compile(r"\d{1,9}(?=[.)](\s|$))")  # "1. x" would start a numbered list


def md_text(text: object) -> str:
    """``text`` as literal Markdown (prose, a heading, a table cell): no HTML, no link, no
    emphasis, no math can come of it."""
    s = _one_line(text)
    body = s.lstrip(" \t")
    first = len(s) - len(body)  # where a block marker (a heading's #, a list's 1.) would be
    if body[:1] in _AT_START and not body[1:2].isalnum():  # "# h", "- x", "---"; not "-20"
        marker = first
    elif number := _LIST_NUMBER.match(body):
        marker = first + number.end()
    else:
        marker = -1
    return "".join(_ENTITIES[c] if c in _ENTITIES else
                   "\\" + c if c in _MARKUP or i == marker else c for i, c in enumerate(s))


def md_code(text: object, *, table: bool = False) -> str:
    """``text`` as an inline code span: a fence of one more backtick than its longest run,
    padded with a space where the text starts or ends with a backtick or a space
    (CommonMark 6.1); in a table cell (``table``) a ``|`` is escaped, as GFM asks even
    inside code."""
    s = _one_line(text)
    if table:
        s = s.replace("|", "\\|")
    fence = "`" * (_longest_run(s) + 1)
    pad = " " if s[:1] in ("`", " ") or s[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def md_fence(lines: Iterable[str], info: str = "text") -> tuple[str, str]:
    """The opening and closing lines of a fenced code block holding ``lines``: three
    backticks, or more than the longest run inside (so no line can close it early)."""
    longest = max((_longest_run(line) for line in lines), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}", fence


def html_text(text: object, *, quote: bool = True) -> str:
    """``text`` as HTML text or a quoted attribute value (``quote=False``: text only, its
    quotes kept as they are)."""
    return html.escape(_SURROGATES.sub("\ufffd", str(text)), quote=quote)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_chars(text: object) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD (the escaping of
    ``< > &`` is the XML writer's)."""
    return _NOT_XML.sub("\ufffd", str(text))


def _one_line(text: object) -> str:
    return _BREAKS.sub(" ", _SURROGATES.sub("\ufffd", str(text)))


def _longest_run(s: str) -> int:
    return max((len(m) for m in re.findall(r"`+", s)), default=0)
