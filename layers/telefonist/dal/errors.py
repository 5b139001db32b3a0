"""Domain exceptions of data access; ClientError never leaves this package."""

from __future__ import annotations


class RepositoryError(Exception):
    """The store failed (throttled, unavailable, denied); the caller may degrade or retry."""


class NotFoundError(RepositoryError):
    """The item asked for does not exist."""


class ConflictError(RepositoryError):
    """A conditional write lost: the item changed since it was read (stale version) or exists."""
