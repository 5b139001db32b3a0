"""functions/contact_flow: bounded degradation, masking and metrics."""

from __future__ import annotations

import json

import pytest
from telefonist.dal.customer_repository import CustomerRepository

from functions.contact_flow import handler
from tests.unit.inbound.test_contact_flow_handler import EVENT


def test_the_handler_masks_the_caller_and_counts_fallbacks(
    repo: CustomerRepository, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    deps = handler.dependencies.__wrapped__()  # wired as in Lambda, to the moto table
    handler.metrics.clear_metrics()
    attributes = handler.metrics.log_metrics(handler.handle)(EVENT, deps)
    output = capfd.readouterr().out
    logged = "\n".join(handler.logger.registered_formatter.format(r) for r in caplog.records)
    assert attributes["fallback_reason"] == "not_found"  # nothing seeded
    assert "+46701234567" not in output + logged
    assert '"caller":"+46*******67"' in logged
    metrics = [json.loads(line) for line in output.splitlines() if '"_aws"' in line]
    assert metrics
    assert metrics[-1]["RouteLookups"] in ([1.0], 1.0)
    assert metrics[-1]["RouteFallbacks"] in ([1.0], 1.0)
