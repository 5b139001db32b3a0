"""Domain exceptions of data access; ClientError never leaves this package."""

from __future__ import annotations

from botocore.exceptions import ClientError


class RepositoryError(Exception):
    """The store failed (throttled, unavailable, denied); the caller may degrade or retry."""


class NotFoundError(RepositoryError):
    """The item asked for does not exist."""


class CorruptItemError(RepositoryError):
    """A stored item no longer reads as its model (hand edits, a bug on the write side)."""


class ConflictError(RepositoryError):
    """A conditional write lost: the item changed since it was read (stale version) or exists."""


def translate_client_error(exc: ClientError, what: str, missing_is_not_found: bool = False) -> RepositoryError:
    """A failed conditional write is a conflict (or not-found for deletes); anything else a store error."""
    code = exc.response.get("Error", {}).get("Code", "")
    if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
        if missing_is_not_found:
            return NotFoundError(f"{what} not found")
        return ConflictError(f"{what} was changed by someone else (stale version) or already exists")
    return RepositoryError(f"data store error ({code or 'unknown'}) on {what}")
