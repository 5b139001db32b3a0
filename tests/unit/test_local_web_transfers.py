"""`POST /local/transfers`: the simulated workspace's quick connect, answered or coming back to the queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from telefonist_local.local_web import LocalWebApp, SimulatedCall, SimulatedTransfer
from tests.unit.test_local_web import _api, _fake_call, _request, dist  # noqa: F401 - fixture

BACK = SimulatedCall("c-2", "+46852000001", "+46701234567", True, {"transfer_outcome": "no_answer"}, [])


def _transfer(contact_id: str, outcome: str) -> SimulatedTransfer:
    if contact_id != "c-1":
        raise KeyError(contact_id)
    return SimulatedTransfer(contact_id, outcome, BACK if outcome != "answered" else None, [])


def _app(dist: Path, with_transfers: bool = True) -> LocalWebApp:  # noqa: F811 - the fixture's value
    return LocalWebApp(
        _api,
        operator_authorization="Bearer local:-:operators",
        numbers=[],
        dist=dist,
        call=_fake_call,
        transfer=_transfer if with_transfers else None,
    )


def test_a_transfer_nobody_answers_returns_the_caller_as_a_new_contact(dist: Path) -> None:  # noqa: F811
    body = json.dumps({"contact_id": "c-1", "outcome": "no_answer"}).encode()
    status, _, payload = _request(_app(dist), "/local/transfers", "POST", body)
    assert status.startswith("200")
    answer = json.loads(payload)
    assert answer["returned"] == {
        "contact_id": "c-2",
        "caller_number": "+46701234567",
        "attributes": {"transfer_outcome": "no_answer"},
    }


def test_an_answered_transfer_returns_nobody(dist: Path) -> None:  # noqa: F811
    body = json.dumps({"contact_id": "c-1", "outcome": "answered"}).encode()
    _, _, payload = _request(_app(dist), "/local/transfers", "POST", body)
    assert json.loads(payload)["returned"] is None


@pytest.mark.parametrize("body", [b"{}", b"not json", json.dumps({"contact_id": "nobody", "outcome": "busy"}).encode()])
def test_a_transfer_without_a_known_contact_is_refused(dist: Path, body: bytes) -> None:  # noqa: F811
    status, _, _ = _request(_app(dist), "/local/transfers", "POST", body)
    assert status.startswith("400")


def test_without_a_transfer_simulator_the_path_goes_to_the_api(dist: Path) -> None:  # noqa: F811
    _, _, payload = _request(_app(dist, with_transfers=False), "/local/transfers", "POST", b"{}")
    assert payload == b"api:/local/transfers"
