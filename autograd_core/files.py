"""Files a user names: telling one from an expression, and reading it (a regular file only,
never more than a bound, never blocking).

``backprop draw`` and ``backprop solve`` take a file or an expression as SOURCE; both tell them
apart by :func:`names_a_file`.

Every tool that reads a user's file (``verify``, ``solve``, ``draw``, ``exercise``, ``grade``,
``nn.load_model``) reads it through :func:`read_limited`, so none of them

* waits forever on a named pipe (a FIFO with no writer blocks ``open()`` itself): the file is
  opened with ``O_NONBLOCK`` and its kind checked on the open descriptor (``fstat``), so even a
  file swapped for a pipe between a check and the open is refused;
* reads ``/dev/zero``, ``/dev/urandom`` or a terminal (devices are not regular files);
* reads a huge regular file whole: at most ``limit + 1`` bytes, in pieces of 64 KiB.

Each tool turns :class:`Refused` into its own error (``VerifyError``, ``ExerciseError``,
``ModelFileError``), which names the file.
"""

from __future__ import annotations

import os
import stat
from typing import IO

CHUNK = 1 << 16
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to block on

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


class Refused(ValueError):
    """A file that is not read: ``reason`` says why, in words for the user (``is a named pipe
    (FIFO), not a worked-example file``); ``oserror`` is the error of ``open``/``read``, if the
    file could not be opened or read at all (missing, permissions); ``too_large`` is True
    when the file holds more than the limit."""

    def __init__(self, reason: str, oserror: OSError | None = None, *,
                 too_large: bool = False) -> None:
        """Refused for ``reason`` (and because of ``oserror``, if given)."""
        super().__init__(reason)
        self.reason = reason
        self.oserror = oserror
        self.too_large = too_large


FILE_SUFFIXES = (".worked", ".txt")
OPERATORS = "()*+="  # a formula almost always holds one; a file name almost never does


def names_a_file(source: str) -> bool:
    """Whether a command's SOURCE names a file rather than being an expression: it ends with
    ``.worked`` or ``.txt``, or it exists (and is not a directory) and holds none of
    ``( ) * + =``. Never raises: an expression too long for a file name (ENAMETOOLONG), or
    holding a NUL byte, is an expression."""
    if source.endswith(FILE_SUFFIXES):
        return True
    if any(c in source for c in OPERATORS):
        return False
    return os.path.exists(source) and not os.path.isdir(source)  # neither raises OSError


def read_limited(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit`` of them).

    ``what`` names what the file should be (``"a worked-example file"``) in the reasons of
    :class:`Refused`: no such file, not a regular file (a directory, a pipe, a device, a
    socket), cannot be read, or larger than ``limit`` bytes (refused after reading at most
    ``limit + 1``).
    """
    if os.path.isdir(path):  # never raises; Windows cannot open a directory at all
        raise Refused(f"is a directory, not {what}")
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))
    except FileNotFoundError as e:
        raise Refused("no such file", e) from None
    except OSError as e:
        raise Refused(f"cannot read the file: {e.strerror or e}", e) from None
    except ValueError:  # a NUL byte in the name
        raise Refused("no such file (the name holds a NUL byte)") from None
    with os.fdopen(fd, "rb", buffering=0) as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "a special file")
            raise Refused(f"is {kind}, not {what}: give a regular file")
        _blocking(fd)
        try:
            data = _read_at_most(f, limit + 1)
        except OSError as e:
            raise Refused(f"cannot read the file: {e.strerror or e}", e) from None
    if len(data) > limit:
        raise Refused(f"larger than {size_text(limit)}: too large for {what}", too_large=True)
    return data


def size_text(n: int) -> str:
    """``10 MiB`` for a whole number of MiB, else ``1,234 bytes``."""
    return f"{n >> 20} MiB" if n >= 1 << 20 and n % (1 << 20) == 0 else f"{n:,} bytes"


def _blocking(fd: int) -> None:
    """Clear O_NONBLOCK again (it has no effect on a regular file, but say what is meant)."""
    if _NONBLOCK:
        os.set_blocking(fd, True)


def _read_at_most(f: IO[bytes], n: int) -> bytes:
    """Up to ``n`` bytes, in pieces (a 100 MB bound does not allocate 100 MB up front)."""
    chunks, size = [], 0
    while size < n and (chunk := f.read(min(CHUNK, n - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
