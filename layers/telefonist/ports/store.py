"""What every store gives the domain: a model with its version, a page of a list, and its errors.

Adapters in `telefonist.dal` raise these (never ClientError) and return these; the use cases catch
and pass them on without knowing the store. Messages are for the person who sent the request: they
name the item in the domain's words ("the office hq"), never the table's keys (`OFFICE#hq`).
Imports neither pydantic nor boto3 (the inbound call path loads it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A model with the version of the item it was read from (for optimistic concurrency)."""

    model: T
    version: int


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: each item with its sort key (for the next cursor), and whether more follow."""

    items: list[tuple[str, T]]
    more: bool


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
