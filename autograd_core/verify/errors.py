"""The one error a worked-example file can raise: where it is wrong, and what is wrong."""

from __future__ import annotations


class VerifyError(ValueError):
    """A malformed or uncomputable worked example: ``file:line: message``.

    ``path`` is the file name (or ``<text>``), ``line`` the 1-based line of the offending
    token (the statement's first line when no single token is at fault).
    """

    def __init__(self, message: str, line: int | None = None, path: str | None = None) -> None:
        self.message = message
        self.line = line
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        where = self.path or "<text>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message}"

    def located(self, path: str) -> VerifyError:
        """The same error, naming the file it came from."""
        if self.path is None:
            self.path = path
            self.args = (self._text(),)
        return self

    def __str__(self) -> str:
        return self._text()
