"""The API's errors and the one place exceptions become HTTP responses.

Every 4xx and 5xx of every route carries one body: `{"error": code, "message": text, "field"?:
path, "errors"?: [{"field", "message"}]}`. Domain errors keep their own types (a repository's
`ConflictError`, the directory's `InvalidSearchError`, ...); `problem_of` maps each to a status
by type, never by message text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


@dataclass(frozen=True)
class FieldError:
    """One offending field: a dotted path (`body.phones.0.number`) and what is wrong with it."""

    field: str
    message: str


class ApiError(Exception):
    """An error the API answers with its own status; a subclass names its status and code in its
    header: `class GoneError(ApiError, status=HTTPStatus.GONE, code="gone")`."""

    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    code: str = "invalid_input"

    def __init_subclass__(cls, *, status: HTTPStatus | None = None, code: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.status = status or cls.status
        cls.code = code or cls.code

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AuthenticationError(ApiError, status=HTTPStatus.UNAUTHORIZED, code="unauthorized"):
    """No usable identity: the token is missing or malformed (HTTP 401)."""


class ForbiddenError(ApiError, status=HTTPStatus.FORBIDDEN, code="forbidden"):
    """The caller is known but may not do this (HTTP 403)."""


class ResourceNotFoundError(ApiError, status=HTTPStatus.NOT_FOUND, code="not_found"):
    """What the path names does not exist (HTTP 404); `field` names the path parameter."""


class PayloadTooLargeError(ApiError, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE, code="payload_too_large"):
    """The request body exceeds the API's limit (HTTP 413)."""


class UnsupportedMediaTypeError(ApiError, status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE, code="unsupported_media_type"):
    """The request body is not JSON (HTTP 415)."""


class InvalidInputError(ApiError):
    """Input that the schema or the domain's rules refuse (HTTP 400, naming each field)."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors), self.errors[0].field)

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
        path = ".".join(part for part in [prefix, *loc] if part) or "body"
        found.append(FieldError(path, message))
    return found


# ---------------------------------------------------------------------------- the body
class FieldErrorView(BaseModel):
    # defer_build: built on the first error answered (or the OpenAPI document), not at import.
    model_config = ConfigDict(frozen=True, defer_build=True)

    field: str = Field(description="Dotted path of the offending input, e.g. `body.phones.0.number` or `query.q`")
    message: str


class ErrorBody(BaseModel):
    """The one error body of the whole API."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    error: str = Field(
        description="Machine-readable kind: invalid_input, unauthorized, forbidden, not_found, conflict, "
        "payload_too_large, unsupported_media_type, unavailable, internal_error"
    )
    message: str = Field(description="What happened and what to do, for a person")
    field: str | None = Field(default=None, description="The (first) offending field, when one is at fault")
    errors: list[FieldErrorView] | None = Field(default=None, description="Every offending field (400 only)")


@dataclass(frozen=True)
class Problem:
    """An exception as the API answers it."""

    status: HTTPStatus
    code: str
    message: str
    field: str | None = None
    errors: list[FieldError] = dataclasses.field(default_factory=list)

    def body(self) -> dict[str, Any]:
        view = ErrorBody(
            error=self.code,
            message=self.message,
            field=self.field or (self.errors[0].field if self.errors else None),
            errors=[FieldErrorView(field=e.field, message=e.message) for e in self.errors] or None,
        )
        return view.model_dump(mode="json", exclude_none=True)


UNAVAILABLE_MESSAGE = "a service the request needs failed; nothing was changed, try again in a moment"
INTERNAL_MESSAGE = "an unexpected error; it has been logged, try again or contact support"


def _invalid(errors: list[FieldError]) -> Problem:
    """A 400 whose message says what is wrong where (the first few fields), for a person to act on."""
    shown = "; ".join(f"{e.field}: {e.message}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return Problem(HTTPStatus.BAD_REQUEST, "invalid_input", (shown or "the request is invalid") + more, errors=errors)


def problem_of(exc: Exception) -> Problem:
    """The one mapping of every exception to an HTTP status and error body (by type, never by text)."""
    # Imported here: each is a small module, and this keeps `import telefonist.edge` cheap.
    from aws_lambda_powertools.event_handler.exceptions import NotFoundError as NoRoute
    from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    from telefonist.directory.errors import InvalidSearchError
    from telefonist.notify.errors import InvalidMessage, MessageNotAccepted, PersonNotFound
    from telefonist.ports.store import ConflictError, InvalidWriteError, NotFoundError, RepositoryError

    if isinstance(exc, InvalidInputError):
        return _invalid(exc.errors)
    if isinstance(exc, ApiError):
        return Problem(exc.status, exc.code, str(exc), field=exc.field)
    if isinstance(exc, RequestValidationError):
        return Problem(
            HTTPStatus.BAD_REQUEST, "invalid_input", "the request is invalid", errors=field_errors(exc.errors())
        )
    if isinstance(exc, ValidationError):
        return _invalid(field_errors(exc.errors(include_input=False, include_url=False), "body"))
    if isinstance(exc, InvalidSearchError):
        return Problem(
            HTTPStatus.BAD_REQUEST, "invalid_input", exc.message, errors=[FieldError(exc.field, exc.message)]
        )
    if isinstance(exc, InvalidMessage):
        return _invalid([FieldError(exc.field if exc.field.startswith("body") else f"body.{exc.field}", exc.reason)])
    if isinstance(exc, PersonNotFound):
        return Problem(HTTPStatus.NOT_FOUND, "not_found", str(exc), field=exc.field)
    if isinstance(exc, NoRoute):
        return Problem(HTTPStatus.NOT_FOUND, "not_found", "no such route: check the method and the path")
    if isinstance(exc, NotFoundError):
        return Problem(HTTPStatus.NOT_FOUND, "not_found", str(exc))
    if isinstance(exc, ConflictError):
        return Problem(HTTPStatus.CONFLICT, "conflict", str(exc), field=exc.field)
    if isinstance(exc, InvalidWriteError):
        return _invalid([FieldError(exc.field, str(exc))])
    if isinstance(exc, IdempotencyValidationError):
        message = "request_id was already used for a different message: use a new request_id"
        return Problem(HTTPStatus.CONFLICT, "conflict", message, field="body.request_id")
    if isinstance(exc, IdempotencyAlreadyInProgressError):
        message = "a request with this request_id is being processed; retry in a moment"
        return Problem(HTTPStatus.CONFLICT, "conflict", message, field="body.request_id")
    if isinstance(exc, RepositoryError | MessageNotAccepted):
        return Problem(HTTPStatus.SERVICE_UNAVAILABLE, "unavailable", UNAVAILABLE_MESSAGE)
    return Problem(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", INTERNAL_MESSAGE)
