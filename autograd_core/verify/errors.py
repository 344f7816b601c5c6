"""The one error a worked-example file can raise: where it is wrong, and what is wrong."""

from __future__ import annotations

from ..formula.errors import FormulaError


class VerifyError(FormulaError):
    """A malformed or uncomputable worked example: ``file:line[:column]: message``.

    ``path`` is the file name (or ``<text>``), ``line`` the 1-based line of the offending
    token (the statement's first line when no single token is at fault), ``column`` its
    1-based column when one token is at fault. A :class:`FormulaError` raised by the formula
    language inside a worked example becomes a VerifyError (:meth:`of`).
    """

    def __init__(self, message: str, line: int | None = None, path: str | None = None, *,
                 column: int | None = None) -> None:
        """``message`` at ``path:line[:column]`` (the parts that are known)."""
        super().__init__(message, line, column=column, path=path)

    @classmethod
    def of(cls, e: FormulaError) -> VerifyError:
        """The VerifyError for a FormulaError (the same one if it is one)."""
        if isinstance(e, VerifyError):
            return e
        return cls(e.message, e.line, e.path, column=e.column)

    def where(self) -> str:
        """``file:line:column``, or the file alone (``<text>`` for text)."""
        where = super().where()
        return where or (self.path or "<text>")
