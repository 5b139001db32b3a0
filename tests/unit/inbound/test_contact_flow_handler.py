"""functions/contact_flow: bounded degradation, masking and metrics."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ReadTimeoutError
from telefonist.dal.route_reader import RouteReader
from telefonist.dal.table import dynamodb_tables
from telefonist.environment import MissingEnvironment, load_env

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
    attributes = handler.handle(EVENT, handler.Dependencies(RouteReader(_TimingOutTable())))
    assert attributes["fallback_reason"] == "store_error"
    assert attributes["route_action"] == "queue"


def test_the_client_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    config = handler.DYNAMODB_CLIENT_CONFIG
    assert config.connect_timeout <= 1
    assert config.read_timeout <= 1
    assert config.retries == {"max_attempts": 2, "mode": "standard"}
    # Building the function's tables leaves the constant so: botocore rewrites a client's `retries` in
    # place (three attempts in all), so the client gets a copy. A session of its own here: boto3's
    # default one must not exist before a later test's moto starts.
    built: list[Any] = []

    def client(service: str, config: Any) -> Any:
        built.append(botocore.session.get_session().create_client(service, "eu-central-1", config=config))
        return built[-1]

    monkeypatch.setattr(boto3, "client", client)
    dynamodb_tables(config)
    assert built[0].meta.config.retries == {"total_max_attempts": 3, "mode": "standard"}
    assert config.retries == {"max_attempts": 2, "mode": "standard"}


def test_an_unreadable_event_degrades_to_the_fallback() -> None:
    attributes = handler.handle({"Details": {}}, handler.Dependencies(RouteReader(_TimingOutTable())))
    assert attributes["fallback_reason"] == "bad_event"


def _event_with(contact_data: dict[str, Any]) -> dict[str, Any]:
    return {"Details": {"ContactData": contact_data}, "Name": "ContactFlowEvent"}


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({}, "Details"),
        ({"Details": []}, "Details"),
        ({"Details": {}}, "Details.ContactData"),
        (_event_with({"ContactId": "c"}), "Details.ContactData.SystemEndpoint"),
        (_event_with({"SystemEndpoint": {"Type": "TELEPHONE_NUMBER"}}), "Details.ContactData.SystemEndpoint.Address"),
        (_event_with({"SystemEndpoint": {"Address": 46852000001}}), "Details.ContactData.SystemEndpoint.Address"),
        (_event_with({"SystemEndpoint": {"Address": "+46" + "8" * 60}}), "Details.ContactData.SystemEndpoint.Address"),
        (
            _event_with({"SystemEndpoint": {"Address": "+46852000001"}, "CustomerEndpoint": {"Address": ["+4670"]}}),
            "Details.ContactData.CustomerEndpoint.Address",
        ),
    ],
)
def test_an_unreadable_event_names_the_field(event: dict[str, Any], field: str) -> None:
    with pytest.raises(handler.BadEventError, match=rf"^{re.escape(field)} "):
        handler.ContactEndpoints.from_event(event)


def test_a_call_without_caller_id_is_still_routed() -> None:
    endpoints = handler.ContactEndpoints.from_event(
        _event_with({"ContactId": "c-1", "SystemEndpoint": {"Address": "+46852000001"}, "CustomerEndpoint": None})
    )
    assert endpoints == handler.ContactEndpoints(contact_id="c-1", dialed="+46852000001", caller="")


CALL_PATH_WITHOUT_PYDANTIC = """
import json, sys
from functions.contact_flow import handler
from telefonist.clock import utc_now
class Table:
    def get_item(self, Key):
        return {"Item": {"tenant_id": "acme", "tenant_name": "Acme AB", "common_number_name": "Växel",
                         "info": {"how_to_answer": "Acme, välkommen!"}}}
event = json.load(open("tests/events/connect-lambda-event.json"))
attributes = handler.handle(event, handler.Dependencies(handler.RouteReader(Table())))
print(json.dumps({"how_to_answer": attributes["how_to_answer"], "pydantic": "pydantic" in sys.modules}))
"""


def test_the_call_path_never_loads_pydantic() -> None:
    """The cold-start budget (benchmarks/inbound.py) holds because import and call skip pydantic."""
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "layers"), str(root)])}
    out = subprocess.run(
        [sys.executable, "-c", CALL_PATH_WITHOUT_PYDANTIC],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {"how_to_answer": "Acme, välkommen!", "pydantic": False}


def test_a_missing_table_name_is_named() -> None:
    with pytest.raises(MissingEnvironment, match="CUSTOMER_TABLE_NAME"):
        load_env(handler.Environment, {})
    assert load_env(handler.Environment, {"CUSTOMER_TABLE_NAME": "t"}).customer_table == "t"
