"""The rating ledger on moto: conditional writes make the newest CTR version win, durably."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber
from telefonist.dal.errors import RepositoryError
from telefonist.dal.ledger_repository import LedgerRepository
from telefonist.resources import LEDGER_TABLE

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 24, 9, 0, 0, 1000, tzinfo=UTC)  # one millisecond later


@pytest.fixture
def ledger(aws) -> LedgerRepository:
    return LedgerRepository(boto3.resource("dynamodb").Table(LEDGER_TABLE.local_name))


def test_first_newer_and_tied_versions_are_accepted_older_ones_refused(ledger) -> None:
    assert ledger.record_if_newer("c-1", T0, "k/a", "acme").accepted
    assert ledger.record_if_newer("c-1", T0, "k/a", "acme").accepted  # tie: the later received wins
    assert ledger.record_if_newer("c-1", T1, "k/a", "acme").accepted
    assert not ledger.record_if_newer("c-1", T0, "k/a", "acme").accepted
    entry = ledger.get("c-1")
    assert entry is not None
    assert entry.last_updated == T1


def test_keys_of_earlier_versions_are_returned_until_the_caller_forgets_them(ledger) -> None:
    ledger.record_if_newer("c-1", T0, "k/unresolved", None)
    moved = ledger.record_if_newer("c-1", T1, "k/acme", "acme")
    assert moved.superseded_keys == ("k/unresolved",)
    # a retry of the same version still names it, so a failed delete is redone
    assert ledger.record_if_newer("c-1", T1, "k/acme", "acme").superseded_keys == ("k/unresolved",)
    ledger.forget_keys("c-1", moved.superseded_keys)
    again = ledger.record_if_newer("c-1", T1, "k/acme", "acme")
    assert (again.accepted, again.superseded_keys) == (True, ())
    entry = ledger.get("c-1")
    assert entry is not None
    assert (entry.line_key, entry.line_keys, entry.tenant_id) == ("k/acme", frozenset({"k/acme"}), "acme")


def test_an_older_version_is_refused_even_when_its_key_differs(ledger) -> None:
    ledger.record_if_newer("c-1", T1, "k/acme", "acme")
    assert not ledger.record_if_newer("c-1", T0, "k/unresolved", None).accepted
    entry = ledger.get("c-1")
    assert entry is not None
    assert entry.line_keys == frozenset({"k/acme"})


def test_the_common_case_is_one_round_trip(ledger) -> None:
    calls: list[str] = []
    client = ledger._table.meta.client
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    ledger.record_if_newer("c-9", T0, "k/acme", "acme")
    ledger.record_if_newer("c-9", T1, "k/acme", "acme")
    assert calls == ["PutItem", "PutItem"]


def test_store_errors_become_repository_errors(ledger) -> None:
    stubber = Stubber(ledger._table.meta.client)
    stubber.add_client_error("put_item", service_error_code="ProvisionedThroughputExceededException")
    with stubber, pytest.raises(RepositoryError, match="ledger write failed"):
        ledger.record_if_newer("c-1", T0, "k", None)


def test_unknown_contacts_have_no_entry(ledger) -> None:
    assert ledger.get("never-seen") is None
