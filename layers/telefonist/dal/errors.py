"""Domain exceptions of data access; ClientError never leaves this package.

Messages are for the person who sent the request: they name the item in the domain's words
("the office hq"), never the table's keys (`OFFICE#hq`).
"""

from __future__ import annotations

from botocore.exceptions import ClientError


class RepositoryError(Exception):
    """The store failed (throttled, unavailable, denied); the caller may degrade or retry."""


class NotFoundError(RepositoryError):
    """The item asked for does not exist."""


class CorruptItemError(RepositoryError):
    """A stored item no longer reads as its model (hand edits, a bug on the write side)."""


class ConflictError(RepositoryError):
    """A conditional write lost: the item changed since it was read (stale version), exists, or is taken.

    `field` names the input field at fault when there is one (`claimed_numbers.0.phone_number`).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidWriteError(RepositoryError):
    """A write the store or the data model cannot hold (an item over 400 KB, more items than a
    customer may have, a number listed twice); `field` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def stale_version_message(what: str, expected_version: int | None) -> str:
    """The 409 text of a conditional write that lost, in the client's words."""
    if expected_version == 0:
        return f"{what} already exists: read it and change it with its version"
    if expected_version is None:
        return f"{what} was changed by someone else at the same time: retry"
    return f"{what} was changed by someone else since you read it (version {expected_version}): reload and retry"


def translate_client_error(
    exc: ClientError, what: str, missing_is_not_found: bool = False, expected_version: int | None = None
) -> RepositoryError:
    """A failed conditional write is a conflict (or not-found for deletes); anything else a store error.

    `what` is the item in the domain's words ("the office hq"); `expected_version` the version the
    caller read, so the message can say which one went stale.
    """
    code = exc.response.get("Error", {}).get("Code", "")
    if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
        if missing_is_not_found:
            return NotFoundError(f"{what} not found")
        return ConflictError(stale_version_message(what, expected_version))
    return RepositoryError(f"data store error ({code or 'unknown'}) on {what}")
