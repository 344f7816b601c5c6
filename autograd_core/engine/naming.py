"""Names for nodes in messages, tables and pictures: a label, or the expression a node computes.

An unlabelled node is named by what it computes, from its inputs' names, shortened to fit::

    >>> from autograd_core import Value
    >>> w, x, b = Value(-2.5, "w"), Value(0.5, "x"), Value(1.0, "b")
    >>> expression((w * x + b).sigmoid())
    'σ(w·x + b)'

so no engine-made name (``mul@9``) ever reaches a student. The walk is iterative and looks
at most a few levels deep (deeper parts read "…").
"""

from __future__ import annotations

from typing import Any

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


def expression(node: Any, max_length: int = 32, depth: int = 4) -> str:
    """What ``node`` computes, written from its inputs' names: ``σ(w·x + b)``.

    Labelled inputs are written by their label; the expression is cut to at most ``depth``
    levels, fewer if it would be longer than ``max_length`` characters (a cut part is "…").
    """
    text = _render(node, depth)
    while len(text) > max_length and depth > 1:
        depth -= 1
        text = _render(node, depth)
    return text


def _render(root: Any, depth: int) -> str:
    """The expression of ``root`` down to ``depth`` levels (an explicit stack, no recursion)."""
    done: list[tuple[str, int]] = []  # (text, precedence) of finished subexpressions
    stack: list[tuple[Any, int, bool]] = [(root, depth, False)]
    while stack:
        node, levels, expanded = stack.pop()
        if expanded:
            k = len(_shown(node))
            args, done[len(done) - k:] = done[len(done) - k:], []
            done.append(_compose(node, args))
            continue
        atom = _atom(node, levels, node is root)
        if atom is not None:
            done.append((atom, _ATOM))
            continue
        stack.append((node, levels, True))
        stack.extend((child, levels - 1, False) for child in reversed(_shown(node)))
    return done[0][0]


def _atom(node: Any, levels: int, is_root: bool) -> str | None:
    """The name a node is written by without looking inside it, or None to expand it."""
    if not node.inputs:
        return node.label if node.label is not None else number(node.data)
    if node.label is not None and not is_root:
        return str(node.label)
    if levels <= 0:  # cut here: a function keeps its name, tanh(…)
        op = node.op
        return op.notation.format("…") if op.precedence >= 9 and op.arity == 1 else "…"
    return None


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
    if outer >= 9:  # a function's argument: its own parentheses are in the notation
        return text
    if inner < outer or (right and inner == outer and op in ("sub", "div")):
        return f"({text})"
    if outer == 4 and inner <= 4 and not right:  # a power's base: (a·b)², (−a)²
        return f"({text})"
    return text
