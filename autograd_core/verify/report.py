"""The report: per example, every claim (claimed, computed, status, diagnosis), the values
shown without a claim, and the warnings; as a text table, markdown, JSON or HTML."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..markup import html_text, md_code, md_text
from .claims import OK, TRUNCATED, WRONG
from .paths import display_path


@dataclass(slots=True)
class ClaimResult:
    """One claim, checked: what was written, the truth, the verdict and why.

    ``follows_from``: the names of the claims whose *claimed* values reproduce this claim
    (error carried forward, or a claim computed from rounded intermediates); empty for a
    claim right from the exact values and for a root slip.
    """

    name: str
    claimed: Any  # float, list or list of rows, as written
    claimed_text: str  # the digits as written
    computed: Any  # the true numbers, full precision, shaped like the claim
    computed_text: str  # the true numbers with the claim's decimals
    status: str  # "ok" | "truncated" | "wrong"
    diagnosis: str | None
    line: int
    follows_from: list[str] = field(default_factory=list)
    file: str | None = None
    tolerance: str = "as-written"

    @property
    def carried(self) -> bool:
        """Wrong, but only because a claim it follows from is (error carried forward)."""
        return self.status == WRONG and bool(self.follows_from)

    def to_dict(self) -> dict[str, Any]:
        """The claim for ``--format json``."""
        return {"name": self.name, "file": self.file, "line": self.line,
                "claimed": self.claimed, "computed": _finite(self.computed),
                "status": self.status, "diagnosis": self.diagnosis,
                "follows_from": list(self.follows_from), "tolerance": self.tolerance}


def _finite(x: Any) -> Any:
    """JSON has no NaN or infinity: those become null."""
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x if math.isfinite(x) else None


@dataclass(slots=True)
class Shown:
    """A value the example asks to show (no number on the slide to check)."""

    name: str
    computed: Any
    computed_text: str
    line: int


@dataclass
class ExampleReport:
    """One example checked: its claims, the values shown, the warnings."""
    name: str
    notes: list[str]
    path: str | None
    claims: list[ClaimResult]
    shown: list[Shown]
    warnings: list[str]
    model: Any = field(default=None, repr=False)

    def count(self, status: str) -> int:
        """How many claims have this status."""
        return sum(c.status == status for c in self.claims)

    @property
    def ok(self) -> bool:
        """No claim is wrong (truncated numbers are not errors)."""
        return self.count(WRONG) == 0

    def __getitem__(self, name: str) -> ClaimResult:
        """The claim (or example) of that name."""
        for c in self.claims:
            if c.name == name:
                return c
        raise KeyError(f"no claim {name!r} in {self.name!r}; claims: "
                       f"{', '.join(c.name for c in self.claims)}")

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {"name": self.name, "claims": [c.to_dict() for c in self.claims],
                "warnings": list(self.warnings)}

    def summary(self) -> str:
        """``11 claims: 5 ok, 0 truncated, 6 wrong (2 carried forward); 1 warning``."""
        n = len(self.claims)
        if n:
            parts = [f"{n} claim{'s' * (n != 1)}: {self.count(OK)} ok, "
                     f"{self.count(TRUNCATED)} truncated, {self.count(WRONG)} wrong"
                     + _carried(self.claims)]
        else:
            parts = ["no claim to check"]
        if self.shown:
            parts.append(f"{len(self.shown)} value{'s' * (len(self.shown) != 1)} shown")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}")
        return "; ".join(parts)

    def to_text(self) -> str:
        """The report as a text table."""
        lines = [f"== {self.name} =="]
        lines += [f"   {n}" for n in self.notes]
        if self.path:
            lines.append(f"   ({display_path(self.path)})")
        if self.claims:
            head = ("quantity", "claimed", "computed", "status", "diagnosis")
            rows = [(c.name, c.claimed_text, c.computed_text, c.status, c.diagnosis or "")
                    for c in self.claims]
            lines += _table(head, rows)
        if self.shown:
            lines.append("  computed (no number on the slide to check):")
            w = max(len(s.name) for s in self.shown)
            lines += [f"    {s.name.ljust(w)} = {s.computed_text}" for s in self.shown]
        for warning in self.warnings:
            lines += textwrap.wrap(warning, WIDTH, initial_indent="  warning: ",
                                   subsequent_indent="           ")
        lines.append(f"  {self.summary()}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The report as Markdown (a table per example); every text from the file escaped
        (:mod:`autograd_core.markup`: no HTML or link of a name or a note reaches a page)."""
        out = [f"### {md_text(self.name)}", ""]
        if self.notes:
            out += [md_text(" ".join(self.notes)), ""]
        if self.claims:
            out += ["| quantity | claimed | computed | status | diagnosis |",
                    "|---|---|---|---|---|"]
            for c in self.claims:
                st = f"**{c.status}**" if c.status == WRONG else c.status
                out.append(f"| {md_code(c.name, table=True)} | {md_text(c.claimed_text)} | "
                           f"{md_text(c.computed_text)} | {st} | {md_text(c.diagnosis or '')} |")
            out.append("")
        if self.shown:
            out.append("Computed (no number on the slide to check):")
            out.append("")
            out += [f"- {md_code(s.name)} = {md_text(s.computed_text)}" for s in self.shown]
            out.append("")
        for warning in self.warnings:
            out.append(f"> **Warning:** {md_text(warning)}")
            out.append("")
        out.append(f"_{md_text(self.summary())}_")
        return "\n".join(out)

    def to_html(self) -> str:
        """The report as HTML (a notebook's display)."""
        e = html_text
        colour = {OK: "#1a7f37", TRUNCATED: "#9a6700", WRONG: "#cf222e"}
        parts = [f"<h4>{e(self.name)}</h4>"]
        if self.notes:
            parts.append(f"<p><i>{e(' '.join(self.notes))}</i></p>")
        if self.claims:
            rows = "".join(
                f"<tr><td><code>{e(c.name)}</code></td><td>{e(c.claimed_text)}</td>"
                f"<td>{e(c.computed_text)}</td><td style='color:{colour[c.status]}'>"
                f"<b>{e(c.status)}</b></td><td>{e(c.diagnosis or '')}</td></tr>"
                for c in self.claims)
            parts.append("<table><thead><tr><th>quantity</th><th>claimed</th><th>computed</th>"
                         f"<th>status</th><th>diagnosis</th></tr></thead><tbody>{rows}"
                         "</tbody></table>")
        if self.shown:
            items = "".join(f"<li><code>{e(s.name)}</code> = {e(s.computed_text)}</li>"
                            for s in self.shown)
            parts.append(f"<p>Computed (no number on the slide to check):</p><ul>{items}</ul>")
        parts += [f"<p>⚠ {e(w)}</p>" for w in self.warnings]
        parts.append(f"<p><i>{e(self.summary())}</i></p>")
        return "".join(parts)

    def __repr__(self) -> str:
        """The text table."""
        return self.to_text()

    def _repr_html_(self) -> str:
        return self.to_html()


WIDTH = 110  # the text report's line width (the diagnosis column wraps to fit)


def _rows_of(text: str) -> list[str]:
    """A matrix written [[a, b], [c, d]] as one line per row."""
    if not text.startswith("[["):
        return [text]
    parts = text[1:-1].split("], [")
    n = len(parts)
    return [("[" if i == 0 else " ") + ("" if i == 0 else "[") + p + ("" if i == n - 1 else "],")
            + ("]" if i == n - 1 else "") for i, p in enumerate(parts)]


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """A text table whose matrix cells take one line per row; the last column wraps."""
    cells = [[[h] for h in head]] + [[_rows_of(c) for c in r[:3]] + [[r[3]]] + [[r[4]]]
                                     for r in rows]
    widths = [max(len(line) for row in cells for line in row[i]) for i in range(4)]
    room = WIDTH - 2 - sum(w + 2 for w in widths)
    out = []
    for row in cells:
        if room < 30:  # no room beside the numbers: the diagnosis goes beneath its row
            below = textwrap.wrap(row[4][0], WIDTH - 6)
            out += _table_row(row[:4] + [[""]], widths, [""])
            out += ["      " + line for line in below]
            continue
        out += _table_row(row, widths, textwrap.wrap(row[4][0], room) or [""])
    return out


def _table_row(row: list[list[str]], widths: list[int], last: list[str]) -> list[str]:
    """One table row: matrix cells one line per row, the last column wrapped."""
    out = []
    height = max(len(last), *(len(c) for c in row[:4]))
    for k in range(height):
        parts = [(c[k] if k < len(c) else "").ljust(w)
                 for c, w in zip(row[:4], widths, strict=True)]
        parts.append(last[k] if k < len(last) else "")
        out.append(("  " + "  ".join(parts)).rstrip())
    return out


def _carried(claims: list[ClaimResult]) -> str:
    n = sum(c.carried for c in claims)
    return f" ({n} carried forward)" if n else ""


class Report:
    """The result of checking one or more files: a list of :class:`ExampleReport`."""

    def __init__(self, examples: list[ExampleReport]) -> None:
        """A report of these examples, in order."""
        self.examples = list(examples)

    def __iter__(self) -> Iterator[ExampleReport]:
        """The examples, in order."""
        return iter(self.examples)

    def __len__(self) -> int:
        """The number of examples."""
        return len(self.examples)

    def __getitem__(self, key: int | str) -> ExampleReport:
        """The claim (or example) of that name."""
        if isinstance(key, int):
            return self.examples[key]
        for ex in self.examples:
            if ex.name == key:
                return ex
        raise KeyError(f"no example {key!r}; examples: {[e.name for e in self.examples]}")

    def __add__(self, other: Report) -> Report:
        """The examples of both reports."""
        return Report(self.examples + other.examples)

    @property
    def claims(self) -> list[ClaimResult]:
        """Every claim of every example."""
        return [c for ex in self.examples for c in ex.claims]

    @property
    def ok(self) -> bool:
        """True when no claim is wrong (what ``--strict`` checks)."""
        return all(ex.ok for ex in self.examples)

    def summary(self) -> str:
        """``12 examples, 77 claims: 65 ok, 1 truncated, 11 wrong; 6 warnings``."""
        cs = self.claims
        n = {s: sum(c.status == s for c in cs) for s in (OK, TRUNCATED, WRONG)}
        w = sum(len(ex.warnings) for ex in self.examples)
        return (f"{len(self.examples)} example{'s' * (len(self.examples) != 1)}, {len(cs)} "
                f"claim{'s' * (len(cs) != 1)}: {n[OK]} ok, {n[TRUNCATED]} truncated, "
                f"{n[WRONG]} wrong{_carried(cs)}; {w} warning{'s' * (w != 1)}")

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {"examples": [ex.to_dict() for ex in self.examples]}

    def to_json(self, indent: int | None = 2) -> str:
        """``--format json``."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def recap(self) -> list[str]:
        """One line per example with wrong claims: which ones."""
        lines = []
        for ex in self.examples:
            if not ex.ok:
                wrong = ", ".join(c.name + (" (carried forward)" if c.carried else "")
                                  for c in ex.claims if c.status == WRONG)
                lines += textwrap.wrap(f"{ex.name}: {wrong}", WIDTH, initial_indent="  ",
                                       subsequent_indent="      ")
        return lines

    def to_text(self) -> str:
        """The report as a text table."""
        tail = self.summary()
        if len(self.examples) > 1 and not self.ok:
            tail = "\n".join(["Wrong claims:", *self.recap(), tail])
        return "\n\n".join([ex.to_text() for ex in self.examples] + [tail])

    def to_markdown(self) -> str:
        """The report as Markdown (a table per example)."""
        return "\n\n".join([ex.to_markdown() for ex in self.examples]
                           + [f"**{md_text(self.summary())}**"])

    def __repr__(self) -> str:
        """The text table."""
        return self.to_text()

    def _repr_html_(self) -> str:
        return ("".join(ex.to_html() for ex in self.examples)
                + f"<p><b>{html_text(self.summary())}</b></p>")
