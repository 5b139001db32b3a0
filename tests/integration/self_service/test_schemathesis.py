"""Property-based conformance: schemathesis drives every documented operation through the same
WSGI adapter `telefonist serve` uses, and finds no 5xx and no response outside the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.resolver import OPENAPI_PATH
from telefonist.self_service import SelfService

from functions.self_service.api import build_resolver
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN

_current: dict[str, SelfService] = {}
_wsgi = ApiGatewayWsgiApp(build_resolver(lambda: _current["service"]).resolve, MAX_BODY_BYTES)
schema = schemathesis.openapi.from_wsgi(OPENAPI_PATH, _wsgi)

# Positive and negative (schema-violating) requests are both generated; the checks are the issue's:
# no 5xx, and every response (status, content type, body) as the published schema says.
CHECKS: list[Any] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def live_service(service: SelfService) -> Iterator[SelfService]:
    _current["service"] = service
    yield service
    _current.clear()


@schema.parametrize()
@settings(max_examples=6, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_conforms_to_the_published_schema(case: Any, live_service: SelfService) -> None:
    # An administrator's token: the most that a customer's token can reach.
    case.call_and_validate(headers={"Authorization": ACME_ADMIN_TOKEN}, checks=CHECKS)
