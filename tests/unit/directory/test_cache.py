"""The warm cache: one index per customer, rebuilt when the directory version moves."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from telefonist.directory import DirectoryIndexCache
from telefonist.models.directory import Directory
from telefonist.ports.store import NotFoundError, RepositoryError

from tests.unit.directory.fixtures import NOW, swedish_directory


@dataclass
class FakeSource:
    """A store of directories that counts its round trips."""

    directories: dict[str, Directory] = field(default_factory=dict)
    version_calls: int = 0
    loads: int = 0
    failing: bool = False

    def get_tenant(self, tenant_id: str) -> str:
        if tenant_id not in self.directories:
            raise NotFoundError(f"tenant {tenant_id} not found")
        return tenant_id

    def directory_version(self, tenant_id: str) -> int:
        self.version_calls += 1
        if self.failing:
            raise RepositoryError("data store error (ThrottlingException) on directory version")
        return self.directories[tenant_id].version

    def load_directory(self, tenant_id: str) -> Directory:
        self.loads += 1
        return self.directories[tenant_id]

    def bump(self, tenant_id: str, directory: Directory) -> None:
        self.directories[tenant_id] = directory.model_copy(update={"version": self.directories[tenant_id].version + 1})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def source() -> FakeSource:
    return FakeSource(directories={"acme": swedish_directory(version=1)})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(source: FakeSource, clock: Clock) -> DirectoryIndexCache:
    return DirectoryIndexCache(source, max_age_seconds=300, version_check_seconds=1, max_tenants=2, clock=clock)


def test_a_warm_index_is_reused_without_any_round_trip_within_the_check_interval(
    cache: DirectoryIndexCache, source: FakeSource, clock: Clock
) -> None:
    first = cache.get("acme")
    clock.now += 0.5
    assert cache.get("acme") is first
    assert (source.loads, source.version_calls) == (1, 0)


def test_an_unchanged_version_keeps_the_index_with_one_small_read(
    cache: DirectoryIndexCache, source: FakeSource, clock: Clock
) -> None:
    first = cache.get("acme")
    clock.now += 2
    assert cache.get("acme") is first
    assert (source.loads, source.version_calls) == (1, 1)


def test_a_bumped_version_rebuilds_the_index_and_the_change_is_found(
    cache: DirectoryIndexCache, source: FakeSource, clock: Clock
) -> None:
    before = cache.get("acme")
    assert before.search("Pernilla", NOW)
    # Self-service removes Pernilla: the version is bumped with the change.
    changed = swedish_directory()
    source.bump(
        "acme", changed.model_copy(update={"people": [p for p in changed.people if p.first_name != "Pernilla"]})
    )
    clock.now += 2
    after = cache.get("acme")
    assert after is not before
    assert after.version == 2
    assert after.search("Pernilla", NOW) == []
    assert source.loads == 2


def test_an_old_index_is_rebuilt_even_without_a_version_change(
    cache: DirectoryIndexCache, source: FakeSource, clock: Clock
) -> None:
    first = cache.get("acme")
    clock.now += 301
    assert cache.get("acme") is not first
    assert source.loads == 2


def test_an_unknown_customer_raises_not_found_and_is_not_cached(cache: DirectoryIndexCache, source: FakeSource) -> None:
    with pytest.raises(NotFoundError):
        cache.get("nobody")
    with pytest.raises(NotFoundError):
        cache.get("nobody")
    assert source.loads == 0


def test_a_failing_version_check_serves_the_cached_index(
    cache: DirectoryIndexCache, source: FakeSource, clock: Clock
) -> None:
    first = cache.get("acme")
    source.failing = True
    clock.now += 2
    assert cache.get("acme") is first


def test_a_failing_store_without_a_cached_index_raises(cache: DirectoryIndexCache, source: FakeSource) -> None:
    def broken(tenant_id: str) -> Directory:
        raise RepositoryError("data store error (InternalServerError) on query")

    source.load_directory = broken  # type: ignore[method-assign]
    with pytest.raises(RepositoryError):
        cache.get("acme")


def test_the_least_recently_used_customer_is_evicted_beyond_the_limit(
    cache: DirectoryIndexCache, source: FakeSource
) -> None:
    for tenant in ("beta", "gamma"):
        source.directories[tenant] = swedish_directory().model_copy(update={"tenant_id": tenant})
    cache.get("acme")
    cache.get("beta")
    cache.get("acme")  # acme is now the most recently used
    cache.get("gamma")  # evicts beta
    loads = source.loads
    cache.get("acme")
    assert source.loads == loads
    cache.get("beta")
    assert source.loads == loads + 1


def test_a_referral_only_change_reuses_the_search_structures(
    cache: DirectoryIndexCache, source: FakeSource, clock: Clock
) -> None:
    before = cache.get("acme")
    [asa] = before.search("Åsa", NOW)
    assert asa.referral is not None
    # Self-service clears Åsa's referrals: a new version with the same people.
    directory = source.directories["acme"]
    source.bump("acme", directory.model_copy(update={"referrals": []}))
    clock.now += 2
    after = cache.get("acme")
    [asa_now] = after.search("Åsa", NOW)
    assert asa_now.referral is None
    assert (after.version, source.loads, cache.builds) == (2, 2, 1)
    # The old index is untouched (a search in flight keeps its view).
    assert before.search("Åsa", NOW)[0].referral is not None
    # A change of people builds anew.
    source.bump("acme", directory.model_copy(update={"people": directory.people[:3]}))
    clock.now += 2
    assert len(cache.get("acme")) == 3
    assert cache.builds == 2
