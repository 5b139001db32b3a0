"""functions.lambda_entry: every handler's `lambda_handler` is `handle(event, dependencies())` inside Powertools'
logger (Lambda's context keys, the previous invocation's keys cleared, never the event) and metrics (flushed
when the invocation ends)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from aws_lambda_powertools import Logger, Metrics

from functions import lambda_entry
from tests.builders.lambda_context import lambda_context


def test_the_entry_calls_handle_with_the_dependencies_inside_the_logger_and_the_metrics(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a handler that logs, appends a key and records a metric
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")  # the entry never logs events, whatever this says
    stream = io.StringIO()
    logger = Logger(service="entry-test", stream=stream)
    metrics = Metrics(namespace="EntryTest", service="entry-test")
    deps = object()

    def handle(event: dict[str, Any], got: object) -> dict[str, Any]:
        assert got is deps
        logger.info("handled")
        logger.append_keys(contact_id=event["contact"])
        metrics.add_metric(name="Handled", unit="Count", value=1)
        return {"contact": event["contact"]}

    lambda_handler = lambda_entry(handle, lambda: deps, logger=logger, metrics=metrics)

    # When it is invoked twice
    assert lambda_handler({"contact": "c-1", "caller": "+46701234567"}, lambda_context("f")) == {"contact": "c-1"}
    assert lambda_handler({"contact": "c-2", "caller": "+46701234567"}, lambda_context("f")) == {"contact": "c-2"}

    # Then each line has Lambda's context, not the key the previous invocation appended, and no event
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["handled", "handled"]
    assert all(line["function_name"] == "f" and "function_request_id" in line for line in lines)
    assert "contact_id" not in lines[1]
    assert "+46701234567" not in stream.getvalue()
    # and each invocation's metrics were flushed as they ended (one EMF document each)
    flushed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [document["Handled"] for document in flushed] == [[1.0], [1.0]]
