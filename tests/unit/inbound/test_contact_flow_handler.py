"""functions/contact_flow: bounded degradation, masking and metrics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError
from telefonist.dal.customer_repository import CustomerRepository

from functions.contact_flow import handler

EVENT = json.loads(open("tests/events/connect-lambda-event.json").read())  # noqa: SIM115


class _TimingOutTable:
    """A table whose every read times out, as botocore raises it after its bounded retries."""

    name = "customers"

    class meta:
        client = None

    def get_item(self, **kwargs: Any) -> Any:
        raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-central-1.amazonaws.com")


def test_a_timeout_degrades_to_the_fallback() -> None:
    attributes = handler.operator_attributes(EVENT, CustomerRepository(_TimingOutTable()))
    assert attributes["fallback_reason"] == "store_error"
    assert attributes["route_action"] == "queue"


def test_the_client_is_bounded() -> None:
    config = handler.DYNAMODB_CLIENT_CONFIG
    assert config.connect_timeout <= 1
    assert config.read_timeout <= 1
    assert config.retries == {"max_attempts": 2, "mode": "standard"}


def test_an_unreadable_event_degrades_to_the_fallback() -> None:
    attributes = handler.operator_attributes({"Details": {}}, CustomerRepository(_TimingOutTable()))
    assert attributes["fallback_reason"] == "bad_event"


def test_the_handler_masks_the_caller_and_counts_fallbacks(
    repo: CustomerRepository, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from tests.unit.connect.conftest import FakeLambdaContext

    handler._environment.cache_clear()
    handler._repository.cache_clear()
    handler.metrics.clear_metrics()
    attributes = handler.lambda_handler(EVENT, FakeLambdaContext())  # type: ignore[arg-type]
    handler._repository.cache_clear()
    output = capfd.readouterr().out
    logged = "\n".join(handler.logger.registered_formatter.format(r) for r in caplog.records)
    assert attributes["fallback_reason"] == "not_found"  # nothing seeded
    assert "+46701234567" not in output + logged
    assert '"caller":"+46*******67"' in logged
    metrics = [json.loads(line) for line in output.splitlines() if '"_aws"' in line]
    assert metrics
    assert metrics[-1]["RouteLookups"] in ([1.0], 1.0)
    assert metrics[-1]["RouteFallbacks"] in ([1.0], 1.0)
