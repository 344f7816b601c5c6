"""Reading a worked-example file (or a roster): UTF-8 text, or a clear error saying why not.

A worked example is UTF-8 text (a BOM from a Windows editor is fine). Anything else stops
with an error naming the file and where the trouble starts: a directory, a named pipe or a
device (:mod:`autograd_core.files`: only regular files are read, so nothing blocks), a missing
or unreadable file, one over 10 MiB (refused after reading 10 MiB + 1 byte), a binary file (a
NUL byte: an ELF, a PNG), UTF-16, or a Latin-1 "é" saved by an old editor (the byte offset,
and the line and column it falls on).
"""

from __future__ import annotations

import os

from ..files import Refused, read_limited
from .errors import VerifyError
from .paths import display_path

MAX_BYTES = 10 * 2**20  # a worked example is a page of text; 10 MiB is not one


def read_source(path: str | os.PathLike[str], *, error: type[VerifyError] = VerifyError,
                what: str = "a worked-example file") -> str:
    """The text of ``path``; ``error`` (:class:`VerifyError` or a subclass, such as the
    exercise tools' ``ExerciseError``) naming the file if it cannot be read as text."""
    shown = display_path(path)
    try:
        data = read_limited(path, MAX_BYTES, what)
    except Refused as e:
        raise error(e.reason, None, shown) from None
    return decode(data, shown, error)


def decode(data: bytes, shown: str, error: type[VerifyError] = VerifyError) -> str:
    """UTF-8 (with or without a BOM), or an error at the first byte that is not."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise error("the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
                    "save it as UTF-8", None, shown)
    nul = data.find(b"\x00")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        at = e.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        if 0 <= nul < at:
            raise _binary(data, nul, shown, error) from None
        line, column = _position(data, at)
        raise error(
            f"not UTF-8 text: byte 0x{data[at]:02x} at offset {at} (line {line}, column "
            f"{column}) is not UTF-8; save the file as UTF-8 (a Latin-1 'é' is 0xe9)",
            line, shown, column=column) from None
    if nul >= 0:
        raise _binary(data, nul, shown, error)
    return text


def _binary(data: bytes, at: int, shown: str, error: type[VerifyError]) -> VerifyError:
    line, column = _position(data, at)
    return error(f"a binary file, not text: a NUL byte at offset {at} (line {line}, "
                 f"column {column})", line, shown, column=column)


def _position(data: bytes, at: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``at``."""
    before = data[:at]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, column
