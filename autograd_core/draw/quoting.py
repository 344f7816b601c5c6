"""The one door through which text enters the DOT: correct by construction.

Every attribute value, and so every piece of text a user can influence (labels, titles,
names from ``.worked`` files and command-line expressions), is written by
:func:`dot_string` as a DOT quoted string in which every ``\\`` becomes ``\\\\`` and every
``"`` becomes ``\\"``. DOT's lexer reads such pairs left to right, so no character of the
text can end the string, and Graphviz's label escapes (``\\n``, ``\\N``, ``\\G`` …) stay
plain text: the only escapes in a label are the ``\\n`` line breaks written here. Values
never go through ``graphviz.quoting.quote``, which passes ``<…>`` through as an HTML-like
label (a title ``<x>]; evil [label=<y>`` would add a node); HTML-like labels are never
used (the in-process renderer does not read them).

Characters Graphviz cannot take (NUL and the other C0 controls but tab, lone surrogates,
U+FFFE, U+FFFF) become U+FFFD, so the C library and the UTF-8 encoder never see them; a
carriage return is dropped. A node or cluster name is one of ours (``n12``, ``g_layers_0``)
and is made of letters, digits and ``_`` by :func:`dot_id`, a different one for each group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_ID_SIMPLE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")


def clean(text: object) -> str:
    """``text`` as a str Graphviz and UTF-8 accept: unsafe characters become U+FFFD."""
    return _UNSAFE.sub("\ufffd", str(text).replace("\r", ""))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot_string(value: object) -> str:
    """A DOT quoted string of ``value``: every backslash and double quote escaped."""
    return '"' + _escaped(clean(value)) + '"'


def label_string(lines: Iterable[object]) -> str:
    """The quoted DOT value of a label of these lines (a text's own newlines make more)."""
    # an empty line is written as one space: the wasm Graphviz crashes on some empty lines
    rows = [row or " " for line in lines for row in clean(line).split("\n")]
    return '"' + "\\n".join(_escaped(row) for row in rows) + '"'


def dot_id(name: str) -> str:
    """A node or cluster name made of letters, digits and ``_`` only, one per name (two
    names never share an id, so two groups never merge into one cluster).

    A dotted name of letters and digits reads as itself (``layers.0`` → ``layers_0``: such
    ids never hold ``__``); any other name is written as ``__`` and the hex of its UTF-8
    bytes (``layers_0`` → ``__6c61796572735f30``).
    """
    if _ID_SIMPLE.fullmatch(name):
        return name.replace(".", "_")
    return "__" + name.encode("utf-8", "surrogatepass").hex()


def attr_list(attrs: Mapping[str, object], label: Iterable[object] | None = None) -> str:
    """``[label="…" key="value" …]``: the attribute list of a statement."""
    parts = [] if label is None else [f"label={label_string(label)}"]
    parts += [f"{key}={dot_string(value)}" for key, value in attrs.items()]
    return "[" + " ".join(parts) + "]"
