"""The error of the exercise tools: what is wrong and where (``file:line[:column]: …``)."""

from __future__ import annotations

from ..verify.errors import VerifyError


class ExerciseError(VerifyError):
    """A teacher's file, key or roster that cannot make or grade an exercise.

    Located like a :class:`~autograd_core.verify.VerifyError` (``path``, ``line``,
    ``column``), so the command line prints ``FILE:LINE:COLUMN: message``.
    """
