"""The rating ledger on moto: conditional writes make the newest written CTR version win, durably."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber
from telefonist.dal.ledger_repository import LedgerRepository
from telefonist.ports.store import RepositoryError
from telefonist.resources import LEDGER_TABLE

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 24, 9, 0, 0, 1000, tzinfo=UTC)  # one millisecond later


@pytest.fixture
def ledger(aws) -> LedgerRepository:
    return LedgerRepository(boto3.resource("dynamodb").Table(LEDGER_TABLE.local_name))


def write(ledger: LedgerRepository, contact_id: str, at: datetime, key: str, tenant: str | None) -> bool:
    """Claim a version, then mark it written (as the service does around the table commit)."""
    claim = ledger.claim(contact_id, at, key)
    forget = [k for k in claim.previous_keys if k != key]
    return claim.accepted and ledger.mark_written(contact_id, at, key, tenant, forget)


def test_first_newer_and_tied_versions_are_accepted_older_ones_refused(ledger) -> None:
    assert write(ledger, "c-1", T0, "k/a", "acme")
    assert write(ledger, "c-1", T0, "k/b", "beta")  # tie in another partition: the later received wins
    assert write(ledger, "c-1", T1, "k/a", "acme")
    older = ledger.claim("c-1", T0, "k/a")
    assert (older.accepted, older.written_already) == (False, False)
    entry = ledger.get("c-1")
    assert entry is not None
    assert entry.last_updated == T1


def test_the_version_written_in_the_same_partition_is_refused_unless_rewritten(ledger) -> None:
    assert write(ledger, "c-1", T0, "k/a", "acme")
    duplicate = ledger.claim("c-1", T0, "k/a")
    assert (duplicate.accepted, duplicate.written_already) == (False, True)
    assert ledger.claim("c-1", T0, "k/a", rewrite=True).accepted  # rerate prices it again
    assert ledger.claim("c-1", T0, "k/b").accepted  # the same version moving partition


def test_keys_that_may_hold_a_row_are_returned_until_marked_written(ledger) -> None:
    assert ledger.claim("c-0", T0, "k/acme").previous_keys == ()  # a first version: a plain append
    write(ledger, "c-1", T0, "k/unresolved", None)
    moved = ledger.claim("c-1", T1, "k/acme")
    assert moved.previous_keys == ("k/unresolved",)
    # a retry of the same version names both: its own commit may have happened before a crash
    assert ledger.claim("c-1", T1, "k/acme").previous_keys == ("k/acme", "k/unresolved")
    assert ledger.mark_written("c-1", T1, "k/acme", "acme", ["k/unresolved"])
    again = ledger.claim("c-1", T1, "k/acme", rewrite=True)
    assert (again.accepted, again.previous_keys) == (True, ("k/acme",))
    entry = ledger.get("c-1")
    assert entry is not None
    assert (entry.line_key, entry.line_keys, entry.tenant_id) == ("k/acme", frozenset({"k/acme"}), "acme")


def test_an_older_version_is_refused_even_when_its_key_differs(ledger) -> None:
    write(ledger, "c-1", T1, "k/acme", "acme")
    assert not ledger.claim("c-1", T0, "k/unresolved").accepted
    entry = ledger.get("c-1")
    assert entry is not None
    assert entry.line_keys == frozenset({"k/acme"})


def test_a_claimed_version_never_written_does_not_refuse_an_older_one(ledger) -> None:
    # Given a newer version claimed whose line was never written
    assert ledger.claim("c-1", T1, "k/acme").accepted
    assert ledger.get("c-1") is None  # claimed is not written
    # Then an older version is still accepted, told to clear the newer one's partition, and written
    older = ledger.claim("c-1", T0, "k/unresolved")
    assert (older.accepted, older.previous_keys) == (True, ("k/acme",))
    assert ledger.mark_written("c-1", T0, "k/unresolved", None, older.previous_keys)
    entry = ledger.get("c-1")
    assert entry is not None
    assert (entry.last_updated, entry.line_keys) == (T0, frozenset({"k/unresolved"}))


def test_marking_an_older_version_written_after_a_newer_one_is_refused(ledger) -> None:
    ledger.claim("c-1", T0, "k/a")
    write(ledger, "c-1", T1, "k/a", "acme")
    assert not ledger.mark_written("c-1", T0, "k/a", "acme", ())
    entry = ledger.get("c-1")
    assert entry is not None
    assert entry.last_updated == T1


def test_a_line_costs_two_round_trips_an_exact_redelivery_one(ledger) -> None:
    calls: list[str] = []
    client = ledger._table.meta.client
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    write(ledger, "c-9", T0, "k/acme", "acme")
    write(ledger, "c-9", T1, "k/acme", "acme")
    assert calls == ["UpdateItem"] * 4
    assert not write(ledger, "c-9", T1, "k/acme", "acme")  # refused at the claim: no mark
    assert calls == ["UpdateItem"] * 5


STORE_CALLS = {
    "claim": lambda ledger: ledger.claim("c-1", T0, "k"),
    "mark_written": lambda ledger: ledger.mark_written("c-1", T0, "k", None, ()),
}


@pytest.mark.parametrize("operation", STORE_CALLS)
def test_store_errors_become_repository_errors(ledger, operation: str) -> None:
    stubber = Stubber(ledger._table.meta.client)
    stubber.add_client_error("update_item", service_error_code="ProvisionedThroughputExceededException")
    with stubber, pytest.raises(RepositoryError, match=r"ledger (write|update) failed for contact c-1"):
        STORE_CALLS[operation](ledger)


def test_unknown_contacts_have_no_entry(ledger) -> None:
    assert ledger.get("never-seen") is None
