"""The rating function's cached lookups and environment model."""

from __future__ import annotations

import pytest
from telefonist.environment import MissingEnvironment, load_env
from telefonist.ports.store import NotFoundError, RepositoryError

from functions.rating.dependencies import Environment, cached_for, cached_tenant_resolver


class Route:
    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id


class FakeRoutes:
    def __init__(self, routes: dict[str, str], error: Exception | None = None) -> None:
        self.routes, self.error, self.calls = routes, error, 0

    def get_route(self, number: str) -> Route:
        self.calls += 1
        if self.error:
            raise self.error
        if number not in self.routes:
            raise NotFoundError("number not found")
        return Route(self.routes[number])


def test_tenant_resolver_caches_hits_and_misses_until_they_expire() -> None:
    now = [0.0]
    repo = FakeRoutes({"+46852000001": "acme"})
    resolve = cached_tenant_resolver(repo, seconds=60, clock=lambda: now[0])  # type: ignore[arg-type]
    assert [resolve("+46852000001"), resolve("+46852000001"), resolve("+46800000000"), resolve("+46800000000")] == [
        "acme",
        "acme",
        None,
        None,
    ]
    assert repo.calls == 2
    now[0] = 61.0
    resolve("+46852000001")
    assert repo.calls == 3


def test_a_failing_route_store_fails_the_record_instead_of_billing_it_unresolved() -> None:
    resolve = cached_tenant_resolver(FakeRoutes({}, error=RepositoryError("throttled")))  # type: ignore[arg-type]
    with pytest.raises(RepositoryError):
        resolve("+46852000001")


def test_the_price_book_is_loaded_once_per_period() -> None:
    now, loads = [0.0], []
    get = cached_for(300, clock=lambda: now[0], maxsize=1)(lambda: loads.append(1) or len(loads))
    assert (get(), get()) == (1, 1)
    now[0] = 300.0
    assert get() == 2


def test_environment_names_every_missing_variable() -> None:
    with pytest.raises(MissingEnvironment) as raised:
        load_env(Environment, {"CUSTOMER_TABLE_NAME": "t"})
    assert "LEDGER_TABLE_NAME" in str(raised.value)
    assert "CUSTOMER_TABLE_NAME" not in raised.value.names
