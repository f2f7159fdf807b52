"""Input errors a user can act on; the API layer maps them to 4xx by `code`."""

from __future__ import annotations


class ImputationInputError(ValueError):
    """The series cannot be imputed as given; `code` names the reason for clients."""

    code = "invalid_input"

    def __init__(self, detail: str, *, column: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.column = column

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "detail": self.detail, "column": self.column}


class NoNumericColumnError(ImputationInputError):
    code = "no_numeric_column"


class UnknownColumnError(ImputationInputError):
    code = "unknown_column"


class TimeColumnParseError(ImputationInputError):
    code = "time_column_unparseable"


class NothingMissingError(ImputationInputError):
    code = "nothing_missing"


class EverythingMissingError(ImputationInputError):
    code = "everything_missing"


class TooFewObservedError(ImputationInputError):
    code = "too_few_observed"


class UnknownMethodError(ImputationInputError):
    code = "unknown_method"
