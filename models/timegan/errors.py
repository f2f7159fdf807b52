"""The one error type of the TimeGAN family: bad input or settings, with a machine-readable code."""

from __future__ import annotations


class TimeGANInputError(ValueError):
    """Input data or settings TimeGAN cannot train or generate with.

    `code` lets a caller (the API) map the problem to a 4xx answer without parsing the
    message; `field` names the offending setting or column when there is one.
    """

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
