"""Errors of the self-service layer; the API maps each to one HTTP status in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class FieldError:
    """One offending field: a dotted path (`phones.0.number`) and what is wrong with it."""

    field: str
    message: str


class SelfServiceError(Exception):
    """Base of the errors a caller can fix or must be told about."""


class AuthenticationError(SelfServiceError):
    """No usable identity: the token is missing or carries no subject (HTTP 401)."""


class ForbiddenError(SelfServiceError):
    """The caller is known but may not do this (HTTP 403)."""


class PayloadTooLargeError(SelfServiceError):
    """The request body exceeds the API's limit (HTTP 413)."""


class UnsupportedMediaTypeError(SelfServiceError):
    """The request body is not JSON (HTTP 415)."""


class InvalidInputError(SelfServiceError):
    """Input that passed the schema but not the domain's rules (HTTP 400, naming each field)."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def of(cls, field: str, message: str) -> InvalidInputError:
        return cls([FieldError(field, message)])

    @classmethod
    def from_validation(cls, exc: ValidationError, prefix: str = "") -> InvalidInputError:
        """Field errors from pydantic, without echoing the input (it may hold personal data)."""
        return cls(field_errors(exc.errors(include_input=False), prefix))


def field_errors(errors: Iterable[object], prefix: str = "") -> list[FieldError]:
    """Turn pydantic/Powertools error dicts into FieldErrors; the location becomes a dotted path."""
    found: list[FieldError] = []
    for error in errors:
        if not isinstance(error, dict):
            continue
        if error.get("type") == "json_invalid":
            found.append(FieldError(prefix or "body", "the body is not valid JSON"))
            continue
        loc = [str(part) for part in error.get("loc", ())]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        if not loc:
            # Whole-model rules name their field first ("valid_until must be after valid_from").
            first = message.split(" ", 1)[0]
            loc = [first] if first.isidentifier() and "_" in first else []
        field = ".".join(part for part in [prefix, *loc] if part) or "body"
        found.append(FieldError(field, message))
    return found
