"""Errors the self-service use cases raise: the API edge's own (one definition, in `telefonist.edge`)."""

from __future__ import annotations

from telefonist.edge.errors import (
    AuthenticationError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    field_errors,
)

__all__ = [
    "AuthenticationError",
    "FieldError",
    "ForbiddenError",
    "InvalidInputError",
    "PayloadTooLargeError",
    "UnsupportedMediaTypeError",
    "field_errors",
]
