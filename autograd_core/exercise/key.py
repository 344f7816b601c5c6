"""``key.json``: every variant's answer key, written by ``backprop exercise``, read by
``backprop grade``.

::

    {"format": "autograd-core exercise key", "version": 1,
     "source": "vo_mlp.worked", "seed": "2026",
     "variants": [{"id": "01", "student": null,
                   "worked": "…the variant's .worked text, its claims the true values…",
                   "parts": [{"name": "Vo: MLP with one hidden layer (sigmoid)",
                              "varied": true, "notes": […], "given": […], "computation": […],
                              "questions": [{"name": "dl/dW2", "kind": "show",
                                             "decimals": 4, "points": 1.0, "shape": [1, 3],
                                             "value": [[0.1586…, …]],
                                             "text": "[[0.1586, 0.1017, 0.2869]]"}, …]}]}]}

``value`` is the true value at full precision (a number, a list or a list of rows), ``text``
the key as written with ``decimals`` decimals. Grading re-checks every answer against the
variant's ``worked`` text with ``backprop verify``'s checker; ``value`` and ``text`` are for
people and other tools.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..files import Refused, read_limited
from ..verify.claims import Tolerance
from ..verify.paths import display_path
from .errors import ExerciseError
from .variants import Part, Question, Variant

FORMAT = "autograd-core exercise key"
VERSION = 1


@dataclass(slots=True)
class Key:
    """The answer keys of every variant of one exercise."""

    source: str
    seed: str
    variants: list[Variant]

    def __iter__(self) -> Iterator[Variant]:
        """The variants, in roster (or number) order."""
        return iter(self.variants)

    def __len__(self) -> int:
        """How many variants."""
        return len(self.variants)

    def variant(self, vid: str) -> Variant:
        """The variant named ``vid`` (``07``, ``variant-07`` or ``7``; a roster id)."""
        wanted = vid.strip()
        if wanted.startswith("variant-"):
            wanted = wanted[len("variant-"):]
        for v in self.variants:
            if v.id == wanted or (wanted.isdigit() and v.id.isdigit()
                                  and int(v.id) == int(wanted) and v.student is None):
                return v
        shown = ", ".join(v.id for v in self.variants[:6])
        more = f", … ({len(self.variants)} in all)" if len(self.variants) > 6 else ""
        raise KeyError(f"no variant {vid!r} in the key (variants: {shown}{more})")

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (see the module's docstring)."""
        return {"format": FORMAT, "version": VERSION, "source": self.source, "seed": self.seed,
                "variants": [_variant_dict(v) for v in self.variants]}

    def to_json(self) -> str:
        """``key.json``'s text."""
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n"


def _variant_dict(v: Variant) -> dict[str, Any]:
    return {"id": v.id, "student": v.student, "worked": v.worked,
            "parts": [{"name": p.name, "varied": p.varied, "notes": p.notes, "given": p.given,
                       "computation": p.computation,
                       "questions": [_question_dict(q) for q in p.questions]}
                      for p in v.parts]}


def _question_dict(q: Question) -> dict[str, Any]:
    tol = None if q.tolerance is None else {
        "mode": q.tolerance.mode, "places": q.tolerance.places,
        "rtol": str(q.tolerance.rtol), "atol": str(q.tolerance.atol)}
    return {"name": q.name, "kind": q.kind, "decimals": q.decimals, "points": q.points,
            "shape": list(q.shape), "value": _json_number(q.nested()), "text": q.text,
            "tolerance": tol}


def _json_number(x: Any) -> Any:
    if isinstance(x, list):
        return [_json_number(i) for i in x]
    return x if math.isfinite(x) else None


#: A key holds every variant's numbers: 64 MiB is far beyond any class.
MAX_KEY_BYTES = 64 * 2**20


def read_key(path: str | os.PathLike[str]) -> Key:
    """Read ``key.json``; a file that is not a key says so, naming the file."""
    p = Path(path)
    shown = display_path(p)
    try:  # in pieces, regular files only: /dev/zero, a pipe or a huge file is never read whole
        raw = read_limited(p, MAX_KEY_BYTES, "a key.json")
    except Refused as e:
        raise ExerciseError(e.reason, None, shown) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ExerciseError(f"not a key: not UTF-8 text (byte {e.start})", None, shown) from None
    except json.JSONDecodeError as e:
        raise ExerciseError(f"not a key: invalid JSON ({e.msg})", e.lineno, shown,
                            column=e.colno) from None
    except RecursionError:
        raise ExerciseError("not a key: JSON nested too deeply", None, shown) from None
    except ValueError:  # Python's limit on the digits of an integer
        raise ExerciseError(f"not a key: a number with more than "
                            f"{sys.get_int_max_str_digits()} digits", None, shown) from None
    try:
        return key_from_dict(data)
    except (KeyError, TypeError, ValueError) as e:
        raise ExerciseError(f"not an exercise key made by backprop exercise ({e})", None,
                            shown) from None


def key_from_dict(data: Any) -> Key:
    """The :class:`Key` of a parsed ``key.json``."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"its 'format' is not {FORMAT!r}")
    if data.get("version") != VERSION:
        raise ValueError(f"version {data.get('version')!r}; this library reads {VERSION}")
    variants = [Variant(str(v["id"]), v["student"], str(v["worked"]),
                        [_part(p) for p in v["parts"]]) for v in data["variants"]]
    return Key(str(data["source"]), str(data["seed"]), variants)


def _part(p: dict[str, Any]) -> Part:
    return Part(str(p["name"]), list(p["notes"]), bool(p["varied"]), list(p["given"]),
                list(p["computation"]), [_question(q) for q in p["questions"]])


def _question(q: dict[str, Any]) -> Question:
    shape = tuple(int(d) for d in q["shape"])
    values = _flat(q["value"])
    decimals = int(q["decimals"])
    texts = _texts(str(q["text"]))
    if len(texts) != len(values):
        raise ValueError(f"question {q['name']}: {len(values)} values but {len(texts)} texts")
    t = q.get("tolerance")
    tol = None if t is None else Tolerance(str(t["mode"]), int(t["places"]),
                                           Fraction(str(t["rtol"])), Fraction(str(t["atol"])))
    return Question(str(q["name"]), str(q["kind"]), decimals, float(q["points"]), shape,
                    values, texts, tol)


def _flat(x: Any) -> list[float]:
    """The numbers of a nested list, left to right (null: NaN); no recursion, however deep
    the file nests its lists."""
    out: list[float] = []
    stack = [x]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        else:
            out.append(math.nan if item is None else float(item))
    return out


def _texts(literal: str) -> list[str]:
    return [t.strip() for t in literal.replace("[", "").replace("]", "").split(",")]
