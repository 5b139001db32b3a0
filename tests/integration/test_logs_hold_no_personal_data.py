"""No phone number, e-mail address, door code or message text in any log line.

The demo drives contact_flow, directory_lookup, notify, notify_sender and rating with realistic
data at DEBUG level (tests/integration/test_demo.py, on the demo run its other tests check); the
self-service handler is driven here with its own API events. Everything those functions print is
scanned for every sensitive value they were given.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository

from telefonist_local.local_aws import LocalResources
from telefonist_local.sample_data import demo_tenant

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
DOOR_CODE = "4711"
MESSAGE_TEXT = "Ring tillbaka angående offerten"


def national_forms(e164: str) -> list[str]:
    """+46701234567 → also 0701234567 and 701234567: a number is personal data in any notation."""
    return [e164, "0" + e164[3:], e164[3:]]


def leaks(output: str, secrets: set[str]) -> list[str]:
    """The secrets that stand in `output`, not counting digits inside a longer number (a door code
    "4711" inside an EMF timestamp in milliseconds, 1796061474711, is none)."""
    return sorted(s for s in secrets if s and re.search(rf"(?<!\d){re.escape(s)}(?!\d)", output))


def _api_event(method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
    claims = {"sub": "acme-admin", "custom:tenant_id": "acme", "cognito:groups": "admins"}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Accept": "application/json", "Content-Type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "requestContext": {"stage": "prod", "requestId": "r1", "authorizer": {"claims": claims}},
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def test_the_self_service_function_logs_no_personal_data(aws: LocalResources, repo: CustomerRepository) -> None:
    from telefonist.observability import logger

    from functions.self_service import handler

    repo.put_tenant(demo_tenant())
    deps = handler.dependencies.__wrapped__()  # as Lambda wires it, from the stack's environment
    # Capture exactly what the Powertools logger writes, formatted as in Lambda, at DEBUG.
    captured = io.StringIO()
    capture = logging.StreamHandler(captured)
    capture.setFormatter(logger.registered_formatter)
    logger.addHandler(capture)
    logger.setLevel("DEBUG")
    person = {
        "person_id": "eva",
        "first_name": "Eva",
        "last_name": "Södergren",
        "email": "eva.sodergren@acme.example",
        "phones": [{"kind": "mobile", "number": "070-765 43 21"}],
        "message_preference": "both",
    }
    office = {
        "name": "HQ",
        "address": {"street": "Sveavägen 1", "postal_code": "111 57", "city": "Stockholm"},
        "door_codes": [{"label": "Port", "code": "8642#"}],
        "expected_version": 0,
    }
    try:
        answers = [
            handler.handle(_api_event("PUT", "/offices/hq", office), deps),
            handler.handle(_api_event("POST", "/people", person), deps),
            handler.handle(_api_event("POST", "/people", {**person, "phones": [{"number": "12"}]}), deps),
            handler.handle(_api_event("GET", "/people/eva", None), deps),
        ]
    finally:
        logger.removeHandler(capture)
        logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))
    output = captured.getvalue()
    assert [a["statusCode"] for a in answers] == [200, 200, 400, 200], [a["body"] for a in answers]
    assert "self-service change" in output  # it did log the changes (the audit lines)
    secrets = {"eva.sodergren@acme.example", "+46707654321", "0707654321", "070-765 43 21", "8642#"}
    assert leaks(output, secrets) == []
