"""Reading a worked-example file: UTF-8 text, or a clear error saying why not.

A worked example is UTF-8 text (a BOM from a Windows editor is fine). Anything else stops
with an error naming the file and where the trouble starts: a directory, a missing or
unreadable file, a binary file (a NUL byte: an ELF, a PNG), UTF-16, or a Latin-1 "é" saved by
an old editor (the byte offset, and the line and column it falls on).
"""

from __future__ import annotations

from pathlib import Path

from .errors import VerifyError
from .paths import display_path

MAX_BYTES = 10 * 2**20  # a worked example is a page of text; 10 MiB is not one


def read_source(path: Path) -> str:
    """The text of ``path`` (raises :class:`VerifyError` naming the file)."""
    shown = display_path(path)
    if path.is_dir():
        raise VerifyError("is a directory, not a worked-example file", None, shown)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise VerifyError("no such file", None, shown) from None
    except OSError as e:
        raise VerifyError(f"cannot read the file: {e.strerror or e}", None, shown) from None
    if len(data) > MAX_BYTES:
        raise VerifyError(f"the file is larger than {MAX_BYTES // 2**20} MiB: not a worked "
                          "example", None, shown)
    return decode(data, shown)


def decode(data: bytes, shown: str) -> str:
    """UTF-8 (with or without a BOM), or an error at the first byte that is not."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise VerifyError("the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
                          "save it as UTF-8", None, shown)
    nul = data.find(b"\x00")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        at = e.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        if 0 <= nul < at:
            raise _binary(data, nul, shown) from None
        line, column = _position(data, at)
        raise VerifyError(
            f"not UTF-8 text: byte 0x{data[at]:02x} at offset {at} (line {line}, column "
            f"{column}) is not UTF-8; save the file as UTF-8 (a Latin-1 'é' is 0xe9)",
            line, shown, column=column) from None
    if nul >= 0:
        raise _binary(data, nul, shown)
    return text


def _binary(data: bytes, at: int, shown: str) -> VerifyError:
    line, column = _position(data, at)
    return VerifyError(f"a binary file, not text: a NUL byte at offset {at} (line {line}, "
                       f"column {column})", line, shown, column=column)


def _position(data: bytes, at: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``at``."""
    before = data[:at]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, column
