"""A warm function's directory indexes, one per customer, invalidated by the directory version.

The self-service side bumps the version in the same transaction as every directory change, so
a cached index is checked with one tiny GetItem (at most every `version_check_seconds`) and
refreshed only when the version moved or the index is older than `max_age_seconds`.

A version one step ahead whose change the source can name (`directory_delta`: the people and
referrals that one transaction wrote) is applied to the warm index in place of a reload
(`DirectoryIndex.with_changes`); anything else reloads the whole directory, read without
re-validating what the validated write path stored (`read_directory`) where the source can.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from telefonist.directory.index import DirectoryIndex
from telefonist.directory.stored import DirectoryDelta
from telefonist.models.directory import Directory
from telefonist.observability import logger
from telefonist.ports.store import RepositoryError


class DirectorySource(Protocol):
    """Where directories come from (CustomerRepository in the function, a fake in tests)."""

    def get_tenant(self, tenant_id: str) -> Any:
        """The customer; raises NotFoundError for an unknown one."""

    def directory_version(self, tenant_id: str) -> int: ...

    def load_directory(self, tenant_id: str) -> Directory: ...


class IncrementalDirectorySource(DirectorySource, Protocol):
    """A source that can name what the last change changed, and read a directory without re-validating."""

    def directory_delta(self, tenant_id: str, since_version: int) -> DirectoryDelta | None:
        """The change from `since_version` to the current version, or None (reload)."""

    def read_directory(self, tenant_id: str) -> Directory: ...

    def require_tenant(self, tenant_id: str) -> None:
        """NotFoundError for an unknown customer, without reading (validating) its profile."""


@dataclass
class _Entry:
    index: DirectoryIndex
    loaded_at: float
    checked_at: float


class DirectoryIndexCache:
    """Per-tenant `DirectoryIndex`es, least recently used evicted beyond `max_tenants`."""

    def __init__(
        self,
        source: DirectorySource,
        *,
        max_age_seconds: float = 300.0,
        version_check_seconds: float = 1.0,
        max_tenants: int = 32,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._max_age = max_age_seconds
        self._check_every = version_check_seconds
        self._max_tenants = max_tenants
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self.loads = 0  # directories loaded from the store
        self.builds = 0  # search structures built (a referral-only change reuses them)
        self.deltas = 0  # changes applied to a warm index from what changed

    def get(self, tenant_id: str) -> DirectoryIndex:
        """The current index of a customer's directory; NotFoundError for an unknown customer."""
        now = self._clock()
        entry = self._entries.get(tenant_id)
        if entry is not None and now - entry.loaded_at < self._max_age:
            self._entries.move_to_end(tenant_id)
            if now - entry.checked_at < self._check_every:
                return entry.index
            try:
                version = self._source.directory_version(tenant_id)
            except RepositoryError:
                # A failing store degrades to the index we have rather than failing the operator.
                logger.warning("directory version unavailable; serving the cached index", tenant_id=tenant_id)
                return entry.index
            entry.checked_at = now
            if version == entry.index.version:
                return entry.index
            changed = self._changed(entry, version)
            if changed is not None:
                return changed
        return self._load(tenant_id, now)

    def _changed(self, entry: _Entry, version: int) -> DirectoryIndex | None:
        """The warm index with the one change that led to `version` applied, or None (reload)."""
        delta_of = getattr(self._source, "directory_delta", None)
        if delta_of is None or version != entry.index.version + 1:
            return None
        try:
            delta: DirectoryDelta | None = delta_of(entry.index.tenant_id, entry.index.version)
        except RepositoryError:
            return None
        index = entry.index.with_changes(delta.version, delta.people, delta.referrals) if delta else None
        if index is None:
            return None
        self.deltas += 1
        entry.index = index
        logger.info(
            "directory index changed in place",
            tenant_id=index.tenant_id,
            version=index.version,
            people_changed=len(delta.people) if delta else 0,
        )
        return index

    def invalidate(self, tenant_id: str) -> None:
        self._entries.pop(tenant_id, None)

    def _load(self, tenant_id: str, now: float) -> DirectoryIndex:
        # Whether the customer exists; a source that can tell without reading its profile says so.
        (getattr(self._source, "require_tenant", None) or self._source.get_tenant)(tenant_id)
        read = getattr(self._source, "read_directory", None)
        directory = read(tenant_id) if read is not None else self._source.load_directory(tenant_id)
        self.loads += 1
        previous = self._entries.get(tenant_id)
        index = previous.index.refreshed(directory) if previous else DirectoryIndex(directory)
        self.builds += not index.reused
        self._entries[tenant_id] = _Entry(index=index, loaded_at=now, checked_at=now)
        self._entries.move_to_end(tenant_id)
        while len(self._entries) > self._max_tenants:
            self._entries.popitem(last=False)
        logger.info("directory index built", tenant_id=tenant_id, version=index.version, people=len(index))
        return index
