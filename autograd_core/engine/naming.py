"""Names for nodes in messages, tables and pictures: a label, or the expression a node computes.

An unlabelled node is named by what it computes, from its inputs' names, shortened to fit::

    >>> from autograd_core import Value
    >>> w, x, b = Value(-2.5, "w"), Value(0.5, "x"), Value(1.0, "b")
    >>> expression((w * x + b).sigmoid())
    'σ(w·x + b)'

so no engine-made name (``mul@9``) ever reaches a student. The walk is iterative and looks
at most a few levels deep (deeper parts read "…"). A caller with names of its own (the slides'
W⁽¹⁾₂₁ for an nn label) passes them as ``name``: they then appear inside expressions too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: node → the name to write it by, or None to write what it computes (or its number)
NameOf = Callable[[Any], "str | None"]

MINUS = "\u2212"  # one minus sign throughout: − (not the hyphen -)
_SUPERSCRIPTS = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")
_ATOM = 10  # the precedence of a name or a number: never needs parentheses
_MAX_TERMS = 3  # an n-ary sum shows its first terms, "…", and its last


def number(x: Any, digits: int = 4) -> str:
    """A number as a name: 4 significant digits, the true minus sign, no −0."""
    try:
        text = f"{float(x):.{digits}g}"
    except (TypeError, ValueError):
        return str(x)
    if text in ("-0", "0"):
        return "0"
    return text.replace("-", MINUS)


#: root → (node → its name): how a grad_table names the nodes of one graph
TableNames = Callable[[Any], Callable[[Any], str]]
_table_names: TableNames | None = None


def set_table_names(names: TableNames | None) -> None:
    """Name grad_table rows another way: ``names(root)`` gives the namer of root's graph.

    The engine alone writes labels as they are (``layers.0.neurons.1.w.0``); the package
    installs the slides' notation (:mod:`autograd_core.notation`: W⁽¹⁾₂₁), so tables, chain
    rules and pictures name a node alike. None restores the engine's own names.
    """
    global _table_names
    _table_names = names


def table_names(root: Any) -> Callable[[Any], str]:
    """The namer a grad_table of ``root`` uses (see :func:`set_table_names`)."""
    if _table_names is None or root is None:
        return name
    return _table_names(root)


def name(node: Any, max_length: int = 32) -> str:
    """A node's label, else the expression it computes (see :func:`expression`)."""
    label = node.label
    return label if label is not None else expression(node, max_length)


def describe(node: Any) -> str:
    """A node in an error message, with its value: ``p=0.0``, ``constant=0.0``, ``p·2=0.0``."""
    if node.label is None and not node.inputs:
        role = node.op.leaf_role
        return f"{'constant' if role == 'const' else role}={node.data!r}"
    return f"{name(node)}={node.data!r}"


def _label(node: Any) -> str | None:
    label: str | None = node.label
    return label


def expression(node: Any, max_length: int = 32, depth: int = 4,
               name: NameOf | None = None) -> str:
    """What ``node`` computes, written from its inputs' names: ``σ(w·x + b)``.

    Inputs are written by ``name(input)`` when it is not None (default: their label), other
    leaves by their number; the expression is cut to at most ``depth`` levels, fewer if it
    would be longer than ``max_length`` characters (a cut part is "…"; one level is always
    shown). The levels are tried from one upwards, so a deep ``depth`` costs only the levels
    that fit.
    """
    name_of = name or _label
    text, cut = _render(node, 1, name_of)
    for levels in range(2, depth + 1):
        if not cut:
            break
        deeper, cut = _render(node, levels, name_of)
        if len(deeper) > max_length:
            break
        text = deeper
    return text


def _render(root: Any, depth: int, name_of: NameOf) -> tuple[str, bool]:
    """The expression of ``root`` down to ``depth`` levels (an explicit stack, no recursion),
    and whether a part was cut."""
    cut = False
    done: list[tuple[str, int]] = []  # (text, precedence) of finished subexpressions
    stack: list[tuple[Any, int, bool]] = [(root, depth, False)]
    while stack:
        node, levels, expanded = stack.pop()
        if expanded:
            k = len(_shown(node))
            args, done[len(done) - k:] = done[len(done) - k:], []
            done.append(_compose(node, args))
            continue
        atom = _atom(node, node is root, name_of)
        if atom is None and levels <= 0:  # cut here: a function keeps its name, tanh(…)
            atom, cut = _cut(node), True
        if atom is not None:
            done.append((atom, _ATOM))
            continue
        stack.append((node, levels, True))
        stack.extend((child, levels - 1, False) for child in reversed(_shown(node)))
    return done[0][0], cut


def _atom(node: Any, is_root: bool, name_of: NameOf) -> str | None:
    """The name a node is written by without looking inside it (the root only if it is a
    leaf), or None: what it computes is to be written."""
    given = None if is_root and node.inputs else name_of(node)
    if given is not None:
        return given
    if not node.inputs:
        return number(node.data)
    return None


def _cut(node: Any) -> str:
    """A node written without its inputs: "…", or a function with "…" inside (tanh(…))."""
    op = node.op
    return op.notation.format("…") if op.precedence >= 9 and op.arity == 1 else "…"


def _shown(node: Any) -> tuple[Any, ...]:
    """The inputs an expression writes out (a long sum: its first terms and its last)."""
    inputs: tuple[Any, ...] = node.inputs
    if node.op.arity is None and len(inputs) > _MAX_TERMS:
        return (*inputs[: _MAX_TERMS - 1], inputs[-1])
    return inputs


def _compose(node: Any, args: list[tuple[str, int]]) -> tuple[str, int]:
    """One op applied to the texts of its inputs, with the parentheses it needs."""
    op = node.op
    prec = op.precedence
    texts = [_parenthesised(t, p, prec, right=i > 0, op=op.kind) for i, (t, p) in
             enumerate(args)]
    if op.kind == "pow_const":
        c = op.param
        exponent = number(c)
        small = float(c).is_integer() and abs(c) < 10
        return texts[0] + (exponent.replace(MINUS, "-").translate(_SUPERSCRIPTS) if small
                           else f"^{exponent}"), prec
    if op.arity is None:  # n-ary: a sum, or a function of a vector
        if len(node.inputs) > len(texts):
            texts.insert(-1, "…")
        if op.kind == "sum":
            return " + ".join(texts), prec
        return op.notation.replace("{0}, …", ", ".join(texts)), prec
    return op.notation.format(*texts), prec


def _parenthesised(text: str, inner: int, outer: int, *, right: bool, op: str) -> str:
    """``text`` in parentheses where the operator around it binds tighter than its own."""
    if outer >= 9:  # a function's argument: its own brackets are in the notation (not √'s)
        return f"({text})" if op == "sqrt" and inner < 9 else text
    if inner < outer or (right and inner == outer and op in ("sub", "div")):
        return f"({text})"
    if outer == 4 and inner <= 4 and not right:  # a power's base: (a·b)², (−a)²
        return f"({text})"
    return text
