"""The error of the formula language: what is wrong, and where (file, line, column).

``str(e)`` is ``where: message`` with ``where`` as compilers write it: ``file:line:column``
(the parts that are known), or ``column N`` for a one-line formula with no file; with the
formula's text known, two more lines show it with a caret under the column::

    column 5: expected ')' to close the parenthesis, found the end of the line
      (x +
          ^
"""

from __future__ import annotations


class FormulaError(ValueError):
    """A formula that cannot be read or computed.

    ``line`` and ``column`` are 1-based (``None`` when unknown); ``path`` names the file
    (``<text>`` for a text given directly); ``source`` is the formula's line, for the caret.
    """

    def __init__(self, message: str, line: int | None = None, *, column: int | None = None,
                 path: str | None = None, source: str | None = None) -> None:
        """Record what is wrong and where (see the class docstring)."""
        self.message = message
        self.line = line
        self.column = column
        self.path = path
        self.source = source
        super().__init__(self._text())

    def where(self) -> str:
        """``file:line:column`` (the parts that are known), or ``column N``."""
        if self.path is None and self.line is None:
            return f"column {self.column}" if self.column is not None else ""
        parts = [self.path or "<text>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def _text(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.source is not None and self.column is not None:
            text += f"\n  {self.source}\n  {' ' * (self.column - 1)}^"
        return text

    def at(self, line: int | None, column: int | None = None) -> FormulaError:
        """Fill in the position when the error did not know it (a name looked up, a shape)."""
        if self.line is None and self.column is None:
            self.line, self.column = line, column
            self.args = (self._text(),)
        return self

    def in_one_line(self, source: str) -> FormulaError:
        """The same error for a one-line formula given on its own: ``column N`` and a caret."""
        self.line, self.path, self.source = None, None, source
        self.args = (self._text(),)
        return self

    def located(self, path: str) -> FormulaError:
        """The same error, naming the file it came from."""
        if self.path is None:
            self.path = path
            self.args = (self._text(),)
        return self

    def __str__(self) -> str:
        """``where: message``, with the caret lines when the source is known."""
        return self._text()
