"""The call path's pydantic-free read of a routing record answers exactly as the write model does."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.route_reader import RouteReader
from telefonist.models.route import Route
from telefonist.ports.store import CorruptItemError

from tests.unit.inbound.routes import ACME_NUMBER as NUMBER
from tests.unit.inbound.test_route_view import _stored, _without


def test_the_reader_reads_what_the_repository_writes(repo: CustomerRepository, customer_table: Any) -> None:
    stored = _stored()
    repo.put_route(Route.model_validate({k: v for k, v in stored.items() if k not in ("pk", "sk", "item_version")}))
    view = RouteReader(customer_table).get_route(NUMBER)
    assert view.how_to_answer == "Acme, välkommen!"
    assert view.weekly_hours == {1: (time(8), time(17))}


def test_a_corrupt_stored_route_is_a_corrupt_item_error_naming_the_field(customer_table: Any) -> None:
    customer_table.put_item(Item=_without(_stored(), "info", "how_to_answer"))
    with pytest.raises(CorruptItemError, match=r"info\.how_to_answer"):
        RouteReader(customer_table).get_route(NUMBER)
