"""Prose for LaTeX: the Unicode a solution's notes use (∂, σ, −, ², ⁽¹⁾, ₂₁, …) written as
pdflatex reads it, with nothing beyond the packages of Debian's texlive-latex-base."""

from __future__ import annotations

import re

_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴸᴺᵀ",
                  [*"0123456789-+()abcdefghijklmnoprstuvwxyzLN", r"\top"], strict=True))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋ᵢⱼₖₘₙ", "0123456789+-ijkmn", strict=True))
_SYMBOLS = {
    "−": "$-$", "∂": r"$\partial$", "·": r"$\cdot$", "×": r"$\times$", "∘": r"$\circ$",
    "′": "'", "√": r"$\surd$", "≥": r"$\geq$", "≤": r"$\leq$", "≈": r"$\approx$",
    "≠": r"$\neq$", "→": r"$\to$", "←": r"$\leftarrow$", "∞": r"$\infty$", "…": r"\ldots{}",
    "—": "---", "–": "--", "“": "``", "”": "''", "’": "'", "‘": "`", "✓": r"$\checkmark$",
    "✗": r"$\times$", "∈": r"$\in$", "Σ": r"$\Sigma$", "δ": r"$\delta$",
    "σ": r"$\sigma$", "λ": r"$\lambda$", "β": r"$\beta$", "α": r"$\alpha$", "η": r"$\eta$",
    "θ": r"$\theta$", "μ": r"$\mu$", "ε": r"$\epsilon$", "γ": r"$\gamma$", "∇": r"$\nabla$",
    "⚠": "(!)", "½": r"$\frac{1}{2}$", "¼": r"$\frac{1}{4}$", "¾": r"$\frac{3}{4}$",
    "±": r"$\pm$", "÷": r"$\div$", "Δ": r"$\Delta$", "ω": r"$\omega$", "φ": r"$\phi$",
    "τ": r"$\tau$", "π": r"$\pi$", "⋅": r"$\cdot$", "∑": r"$\sum$",
    "é": r"\'e", "è": r"\`e", "ê": r"\^e", "à": r"\`a", "ü": r"\"u", "ö": r"\"o",
    "|": r"$|$", "<": r"$<$", ">": r"$>$",
}
_ESCAPE = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
           "#": r"\#", "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}"}
_RUN = re.compile(f"[{''.join(_SUPER)}]+|[{''.join(_SUB)}]+|.\u0302|.", re.DOTALL)


def tex_text(s: str) -> str:
    """Unicode prose as LaTeX text; a character it does not know becomes '?'."""
    out = []
    for m in _RUN.finditer(s):
        run = m.group()
        if run[0] in _SUPER:
            out.append("$^{" + " ".join(_SUPER[c] for c in run) + "}$")
        elif run[0] in _SUB:
            out.append("$_{" + "".join(_SUB[c] for c in run) + "}$")
        elif len(run) == 2:  # a letter with a hat: ŷ
            out.append(rf"$\hat{{{run[0]}}}$")
        elif run in _ESCAPE:
            out.append(_ESCAPE[run])
        elif run in _SYMBOLS:
            out.append(_SYMBOLS[run])
        elif run.isascii():
            out.append(run)
        else:
            out.append("?")
    return "".join(out)
