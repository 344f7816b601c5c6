"""What slip most likely produced a wrong number (the slips themselves: :mod:`.slips`).

A slip explains a claim when *every* written number matches that slip's recomputation
(rounded or truncated, under the claim's tolerance). When several slips fit, all are named
(up to three). When no slip explains the whole claim, it is diagnosed entry by entry: each
wrong entry gets the slip that explains it, the slips explaining the most entries first
("entries (2,1) and (3,1): sign flipped; the rest ok"); an entry that no slip explains says
so. Nothing is guessed beyond what the numbers support.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ..formula import tensor as T
from ..formula.tensor import Q
from . import slips
from .claims import DEFAULT, Tolerance, agrees
from .model import Model
from .numbers import Written, fixed_apart, truth
from .parser import Literal, Target
from .slips import Candidate, fmt_values

NO_SINGLE_SLIP = "no single slip explains it"
MAX_LISTED = 8  # wrong entries named in a diagnosis
MAX_LISTED_SLIPS = 3

__all__ = ["NO_SINGLE_SLIP", "candidates", "diagnose", "explains", "fmt_values", "transposed"]


def explains(numbers: tuple[Written, ...], alt: list[Any], tol: Tolerance = DEFAULT) -> bool:
    """Every written number matches the slip's number (a non-finite one matches nothing)."""
    return all(truth(a) is not None and agrees(w, a, tol)
               for w, a in zip(numbers, alt, strict=True))


def candidates(model: Model, target: Target, true: list[Any], shape: tuple[int, ...]
               ) -> list[Callable[[], list[Candidate]]]:
    """The slips that make sense for this claim, cheapest first (evaluated lazily)."""
    makers: list[Callable[[], list[Candidate]]] = [
        lambda: slips.sign(true),
        lambda: slips.factors(true, model.batch),
        lambda: slips.transposed_square(true, shape),
        lambda: slips.swaps(true, shape),
        lambda: slips.other_entries(model, target, true),
        lambda: slips.updates(model, target),
    ]
    if target.kind == "deriv":
        makers += [
            lambda: slips.loss_terms(model, target, true),
            lambda: slips.upstream(model, target),
            lambda: slips.local_dropped(model, target),
            lambda: slips.activation_point(model, target),
        ]
    return makers


def diagnose(model: Model, target: Target, claim: Literal, true: list[Any],
             shape: tuple[int, ...], tol: Tolerance = DEFAULT) -> str:
    """Name the slip(s) that explain a wrong claim, or say that no single slip does."""
    numbers = claim.numbers
    wrong = [k for k, (w, v) in enumerate(zip(numbers, true, strict=True))
             if not agrees(w, v, tol)]
    if not wrong:  # pragma: no cover - only called for wrong claims
        return ""
    if any(truth(v) is None for v in true):
        return "the true value is not a finite number"
    whole: list[str] = []
    by_entry: dict[str, set[int]] = {}
    for make in candidates(model, target, true, shape):
        for cand in make():
            if len(cand.values) != len(true):
                continue
            if explains(numbers, cand.values, tol):
                if cand.text not in whole:
                    whole.append(cand.text)
            elif cand.elementwise and len(true) > 1:
                hit = {k for k in wrong if _finite(cand.values[k]) and _telling(numbers[k])
                       and agrees(numbers[k], cand.values[k], tol)}
                if hit:
                    by_entry.setdefault(cand.text, set()).update(hit)
    if whole:
        return _either(whole)
    rounded = [k for k in wrong if _rounded_integer(numbers[k], true[k])]
    if rounded and len(rounded) == len(wrong):
        return _integer_note([numbers[k] for k in rounded], [true[k] for k in rounded])
    if rounded:
        by_entry.setdefault(INTEGER_ROUNDED, set()).update(rounded)
    return _entrywise(wrong, by_entry, len(true), shape)


INTEGER_ROUNDED = "an integer claims the exact value, and the true value only rounds to it"


def _rounded_integer(w: Written, true: Any) -> bool:
    """An integer written where the true value is not one, but rounds to it (``1`` for
    σ(10) = 0.99995): the teacher most likely meant it rounded."""
    t = truth(true)
    return (w.exact and w.value.denominator == 1 and t is not None and t[0] != w.value
            and abs(t[0] - w.value) <= Fraction(1, 2))


def _integer_note(written: list[Written], true: list[Any]) -> str:
    """Why an integer that is the true value rounded is wrong, and how to say otherwise."""
    digits = ", ".join(fixed_apart(v, w.value) for w, v in zip(written, true, strict=True))
    claimed = ", ".join(w.text for w in written)
    several = "s" * (len(written) > 1)
    return (f"an integer claims the exact value, and the true value{several} {digits} only "
            f"round{'s' * (not several)} to {claimed}: write the digits, or allow rounding "
            "('with decimals 0' on the claim, a 'tolerance decimals 0' line, or --decimals 0)")


def _finite(x: Any) -> bool:
    return truth(x) is not None


def _telling(w: Written) -> bool:
    """A number precise enough that one entry alone can tell a slip: exact, or written with
    at least two significant digits (0.3 matches too many slips by chance)."""
    if w.exact or w.value == 0:
        return True
    assert w.unit is not None
    return abs(w.value) >= 10 * w.unit


def _entrywise(wrong: list[int], by_entry: dict[str, set[int]], n: int,
               shape: tuple[int, ...]) -> str:
    """Cover the wrong entries with slips, the slips explaining the most entries first."""
    left = set(wrong)
    parts: list[str] = []
    while left:
        best = max(by_entry, key=lambda t: len(by_entry[t] & left), default=None)
        if best is None or not by_entry[best] & left:
            break
        entries = sorted(by_entry[best] & left)
        parts.append(f"{_entries(entries, shape)}: {best}")
        left -= set(entries)
    if left:
        rest = sorted(left)
        if parts:
            parts.append(f"{_entries(rest, shape)}: {NO_SINGLE_SLIP}")
        elif n > 1 and len(wrong) < n:
            parts.append(f"{_entries(rest, shape)} wrong; {NO_SINGLE_SLIP}")
        else:
            return NO_SINGLE_SLIP
    if len(wrong) < n:
        parts.append("the rest ok")
    return "; ".join(parts)


def _entries(ks: list[int], shape: tuple[int, ...]) -> str:
    """``entry 2``, ``entries (2,1) and (3,1)``, ``entries 1, 2, … (9 of 12)``."""
    shown = [_position(k, shape) for k in ks[:MAX_LISTED]]
    if len(ks) > MAX_LISTED:
        total = shape[0] * (shape[1] if len(shape) == 2 else 1) if shape else 1
        return f"entries {', '.join(shown)}, … ({len(ks)} of {total})"
    if len(shown) == 1:
        return f"entry {shown[0]}"
    return f"entries {', '.join(shown[:-1])} and {shown[-1]}"


def transposed(claim: Literal, true: Q, tol: Tolerance = DEFAULT) -> bool:
    """The claim is the true matrix transposed (a shape mismatch that the numbers explain)."""
    tt = T.transpose(Q(tuple(d for d in true.shape if d != 1), true.values()))
    return explains(claim.numbers, tt.values(), tol)


def _position(k: int, shape: tuple[int, ...]) -> str:
    if len(shape) == 2:
        return f"({k // shape[1] + 1},{k % shape[1] + 1})"
    return str(k + 1)


def _either(texts: list[str]) -> str:
    """One slip, or the few that fit (a claim with few decimals may fit many)."""
    if len(texts) == 1:
        return texts[0]
    more = len(texts) - MAX_LISTED_SLIPS
    head = "either " + "; or ".join(texts[:MAX_LISTED_SLIPS])
    return head + (f"; or {more} other slip{'s' * (more > 1)} (write more decimals to tell)"
                   if more > 0 else "")

