"""ClientError into the domain's store errors (telefonist.ports.store); ClientError never leaves this package."""

from __future__ import annotations

from botocore.exceptions import ClientError

from telefonist.ports.store import ConflictError, NotFoundError, RepositoryError


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
