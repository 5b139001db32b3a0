"""Issue 20, erasure: an administrator exports everything about one person, then erases it all.

After erasure no item, message or index entry of the person remains in the tables or the directory
search; the export taken before holds every one of them; the audit trail records both. That covers
their employee sign-in links and sessions (customer table) and the caller history entries and
contact events that name them (statistics table): those keep their anonymous rest, so the
statistics' counts do not change.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from telefonist.caller_history import Outcome as HistoryOutcome
from telefonist.dal import keys
from telefonist.dal.caller_history import CallerHistoryRepository
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.directory_presence import DirectoryPresence
from telefonist.dal.employee_access import DynamoAccessStore
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.referral_automation.sign_in import Grant, digest
from telefonist.resources import MESSAGE_TABLE, PERSON_INDEX, STATISTICS_TABLE
from telefonist.self_service import SelfService
from telefonist.self_service.billing import InMemoryBillingSummarySource
from telefonist.statistics.model import ContactEvent
from telefonist.statistics.recorder import only_present_people

from telefonist_local.self_service.local_gateway import local_token
from tests.builders.statistics import answered_call
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, ApiClient

MOBILE = "+46701234567"
NAME = "Acmefirst1"  # acme-p1's first name (conftest)
ACME_USER_TOKEN = local_token("acme", "", subject="acme-user")
NOW = datetime.now(UTC)
TOKENS = {"link-p1": "acme-p1", "session-p1": "acme-p1", "session-p2": "acme-p2"}


class _Keys:
    def key_for(self, tenant_id: str) -> bytes:
        return f"test-key-{tenant_id}".encode()


def _contact(contact_id: str, person_id: str | None) -> ContactEvent:
    return answered_call(
        contact_id=contact_id,
        day=date(2026, 11, 30),
        number="+46852000001",
        wait_seconds=12,
        handling_seconds=40,
        transferred=person_id is not None,
        transferred_to_person=person_id,
        message_channels=("sms",) if person_id else (),
        caller_masked="+4670•••••67",
    )


@pytest.fixture
def messages(aws: Any) -> Any:
    return boto3.resource("dynamodb").Table(MESSAGE_TABLE.local_name)


@pytest.fixture
def statistics(aws: Any) -> Any:
    return boto3.resource("dynamodb").Table(STATISTICS_TABLE.local_name)


def _sign_ins_and_calls(customers: Any, statistics: Any) -> None:
    """acme-p1: a sign-in link and a session; a caller's call transferred to them, another with a
    message for them; their contact events (c1 transferred to them, c3 to acme-p2, c4 to nobody)."""
    access = DynamoAccessStore(customers)
    for token, person in TOKENS.items():
        access.put_grant(token.split("-")[0], digest(token), Grant("acme", person, NOW + timedelta(hours=1)))
    history = CallerHistoryRepository(statistics, _Keys())
    for contact, at in (("c1", NOW - timedelta(days=2)), ("c2", NOW - timedelta(days=1)), ("c3", NOW)):
        history.look_up_and_record("acme", contact, "+46701112233", at)
    assert history.record_outcome("acme", "c1", HistoryOutcome.TRANSFERRED, "acme-p1")
    assert history.record_outcome("acme", "c2", HistoryOutcome.MESSAGE, "acme-p1", "sms")
    assert history.record_outcome("acme", "c3", HistoryOutcome.TRANSFERRED, "acme-p2")
    StatisticsRepository(statistics).record_many(
        [_contact("c1", "acme-p1"), _contact("c3", "acme-p2"), _contact("c4", None)]
    )


@pytest.fixture
def erasing_client(client: ApiClient, repo: CustomerRepository, messages: Any, statistics: Any) -> ApiClient:
    """acme-p1 with a mobile, two referrals, three messages, a followed calendar, a colleague's referral
    to them, sign-ins, caller history and a contact event."""
    person = client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body
    update = {
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "email": person["email"],
        "phones": [{"kind": "mobile", "number": MOBILE}],
        "expected_version": person["version"],
    }
    assert client.call("PUT", "/people/acme-p1", ACME_ADMIN_TOKEN, update).status == 200
    referral = {"text": "Semester", "valid_from": "2026-12-01T08:00:00Z"}
    assert client.call("PUT", "/people/acme-p1/referrals/r2", ACME_ADMIN_TOKEN, referral).status == 200
    pointing = {"text": "Ring Acme 1", "valid_from": "2026-12-01T08:00:00Z", "refer_to_person_id": "acme-p1"}
    assert client.call("PUT", "/people/acme-p2/referrals/r9", ACME_ADMIN_TOKEN, pointing).status == 200
    for index, (tenant, person_id) in enumerate(
        [("acme", "acme-p1"), ("acme", "acme-p1"), ("acme", "acme-p1"), ("acme", "acme-p2"), ("globex", "acme-p1")]
    ):
        messages.put_item(
            Item={
                "pk": tenant,
                "sk": f"01JD{index:022d}",
                "person_id": person_id,
                "tenant_id": tenant,
                "sms": {"text": f"Ring tillbaka {index}"},
                "expires_at": 1_900_000_000,
            }
        )
    repo.table.put_item(
        Item={"pk": "CALSYNC", "sk": "TENANT#acme#PERSON#acme-p1", "entity": "calendar", "mailbox": "p1@acme.example"}
    )
    _sign_ins_and_calls(repo.table, statistics)
    return client


def _everything(table: Any) -> list[dict[str, Any]]:
    return table.scan()["Items"]


def _mentions(item: dict[str, Any], *needles: str) -> bool:
    text = json.dumps(item, default=str)
    return any(needle in text for needle in needles)


def _calls(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(kind, contact id) of caller history entries (CALLER) and contact events (CONTACT), sorted."""
    kinds = [(str(i["pk"]).split("#")[0], i) for i in items]
    return sorted(
        (kind, str(i.get("contact_id") or i["pk"]).removeprefix("CONTACT#"))
        for kind, i in kinds
        if kind in ("CALLER", "CONTACT")
    )


def _by_person(table: Any, tenant_id: str, person_id: str) -> list[dict[str, Any]]:
    key = Key(PERSON_INDEX.partition_key).eq(keys.person_ref(tenant_id, person_id))
    return table.query(IndexName=PERSON_INDEX.name, KeyConditionExpression=key)["Items"]


def test_the_export_holds_everything_and_erasure_leaves_nothing(
    erasing_client: ApiClient, repo: CustomerRepository, messages: Any, statistics: Any
) -> None:
    client = erasing_client
    mobile_key = keys.mobile_key(MOBILE)
    assert repo.table.query(IndexName=keys.MOBILE_INDEX, KeyConditionExpression=Key("mobile_key").eq(mobile_key))[
        "Items"
    ]

    exported = client.call("GET", "/people/acme-p1/export", ACME_ADMIN_TOKEN)
    assert exported.status == 200
    body = exported.body
    assert body["person"]["first_name"] == NAME
    assert MOBILE in json.dumps(body["person"])
    assert sorted(r["sk"] for r in body["referrals"]) == ["PERSON#acme-p1#REF#r1", "PERSON#acme-p1#REF#r2"]
    assert [m["sms"]["text"] for m in body["messages"]] == [f"Ring tillbaka {i}" for i in range(3)]
    assert body["calendar"]["mailbox"] == "p1@acme.example"
    assert body["referred_to_by"] == [{"person_id": "acme-p2", "referral_id": "r9"}]
    # Every stored item of theirs is in the export (the customer and message tables).
    exported_keys = {(i["pk"], i["sk"]) for i in [body["person"], *body["referrals"], *body["messages"]]}
    exported_keys.add((body["calendar"]["pk"], body["calendar"]["sk"]))
    theirs = {
        (i["pk"], i["sk"])
        for i in _everything(repo.table) + _everything(messages)
        if (i.get("person_id") == "acme-p1" or _mentions(i, NAME, "PERSON#acme-p1"))
        and i["pk"] in ("TENANT#acme", "CALSYNC", "acme")
        and not str(i["sk"]).startswith(keys.AUDIT_PREFIX)
    }
    theirs.discard(("TENANT#acme", "PERSON#acme-p2#REF#r9"))  # the colleague's referral, reported as a pointer
    assert theirs == exported_keys
    # Their sign-ins: kind and expiry, never a token or its digest.
    grants = [
        i for i in _everything(repo.table) if str(i["pk"]).startswith("EMPLOYEE#") and i["person_id"] == "acme-p1"
    ]
    assert len(grants) == 2
    assert sorted(s["kind"] for s in body["sign_ins"]) == ["link", "session"]
    assert {s["expires_at"] for s in body["sign_ins"]} == {
        datetime.fromtimestamp(int(g["expires_at"]), UTC).isoformat().replace("+00:00", "Z") for g in grants
    }
    text = json.dumps(body)
    assert not [t for t in TOKENS if t in text or digest(t) in text]
    # Every statistics item naming them, and only those: caller history by contact, contact events.
    stats = _everything(statistics)
    naming = [i for i in stats if _mentions(i, "acme-p1")]
    assert _calls(naming) == [
        ("CALLER", "c1"),
        ("CALLER", "c2"),
        ("CONTACT", "c1"),
    ]
    assert [(h["contact_id"], h["outcome"], h.get("channel")) for h in body["caller_history"]] == [
        ("c1", "transferred", None),
        ("c2", "message", "sms"),
    ]
    assert [(c["contact_id"], c["transferred_to_person"]) for c in body["contacts"]] == [("c1", "acme-p1")]
    assert "•" not in text  # the caller's masked number is someone else's: not in their export
    aggregates = sorted((i for i in stats if str(i["pk"]).startswith("STATS#")), key=lambda i: i["sk"])

    erased = client.call("DELETE", "/people/acme-p1/personal-data", ACME_ADMIN_TOKEN)
    assert erased.status == 200
    assert erased.body == {
        "erased": "acme-p1",
        "messages_deleted": 3,
        "refer_to_cleared": [{"person_id": "acme-p2", "referral_id": "r9"}],
        "call_records_cleared": 3,
        "sign_ins_deleted": 2,
    }

    stats_after = _everything(statistics)
    # No statistics item names them any more, nor does either table's by-person index; the calls stay
    # (anonymous: outcome, channel, counts) and the statistics' aggregates are unchanged.
    assert not [i for i in stats_after if _mentions(i, "acme-p1")]
    assert _by_person(statistics, "acme", "acme-p1") == _by_person(repo.table, "acme", "acme-p1") == []
    assert _calls(stats_after) == [
        ("CALLER", "c1"),
        ("CALLER", "c2"),
        ("CALLER", "c3"),
        ("CONTACT", "c1"),
        ("CONTACT", "c3"),
        ("CONTACT", "c4"),
    ]
    history_c2 = next(i for i in stats_after if str(i["pk"]).startswith("CALLER#") and i["contact_id"] == "c2")
    assert (history_c2["outcome"], history_c2["channel"]) == ("message", "sms")
    assert sorted((i for i in stats_after if str(i["pk"]).startswith("STATS#")), key=lambda i: i["sk"]) == aggregates
    # A colleague's call records and sign-in are theirs: untouched.
    assert len(_by_person(statistics, "acme", "acme-p2")) == 2
    assert len(_by_person(repo.table, "acme", "acme-p2")) == 1

    everything = _everything(repo.table) + _everything(messages)
    # Nothing anywhere holds their name, mobile (or its index key) or e-mail address, audit included.
    assert not [i for i in everything if _mentions(i, NAME, "Acmelast1", MOBILE, mobile_key, "p1@acme.example")]
    # Their id stays only where it names what happened: the audit trail, and the directory version
    # item's `last_change` (the deleted sort keys, so warm search indexes drop them).
    assert not [i for i in everything if str(i["pk"]).startswith("EMPLOYEE#") and i["person_id"] == "acme-p1"]
    acme = [i for i in everything if i["pk"] in ("TENANT#acme", "CALSYNC", "acme")]
    named = [i for i in acme if _mentions(i, "acme-p1") and not str(i["sk"]).startswith(keys.AUDIT_PREFIX)]
    assert [i["sk"] for i in named] == [keys.DIRECTORY_META_SK]
    assert all(sk.startswith("PERSON#") for sk in named[0]["last_change"])
    # The other customer's message that names the same id is another person's: untouched.
    assert messages.get_item(Key={"pk": "globex", "sk": f"01JD{4:022d}"}).get("Item")
    assert messages.get_item(Key={"pk": "acme", "sk": f"01JD{3:022d}"}).get("Item")
    index = repo.table.query(IndexName=keys.MOBILE_INDEX, KeyConditionExpression=Key("mobile_key").eq(mobile_key))
    assert index["Items"] == []
    search = client.call("GET", f"/people?q={NAME}", ACME_ADMIN_TOKEN)
    assert search.status == 200
    assert search.body["items"] == []
    assert client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).status == 404
    colleague = client.call("GET", "/people/acme-p2", ACME_ADMIN_TOKEN).body
    assert [r.get("refer_to_person_id") for r in colleague["referrals"] if r["referral_id"] == "r9"] == [None]

    actions = [(a["action"], a["target"]) for a in client.call("GET", "/audit", ACME_ADMIN_TOKEN).body["items"]]
    assert ("person.export", "person acme-p1") in actions
    assert ("person.erase", "person acme-p1") in actions
    assert client.call("DELETE", "/people/acme-p1/personal-data", ACME_ADMIN_TOKEN).status == 404


def test_a_reference_written_while_the_erasure_runs_is_removed_too(
    erasing_client: ApiClient, repo: CustomerRepository, statistics: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator transfers a call to them, and they sign in, while the erasure runs (or the index
    shows those writes late): the erasure reads the indexes again once the person is gone."""
    history = CallerHistoryRepository(statistics, _Keys())
    history.look_up_and_record("acme", "c9", "+46701112299", NOW)
    delete_person = repo.delete_person

    def meanwhile(tenant_id: str, person_id: str) -> Any:
        assert history.record_outcome(tenant_id, "c9", HistoryOutcome.TRANSFERRED, person_id)
        grant = Grant(tenant_id, person_id, NOW + timedelta(hours=12))
        DynamoAccessStore(repo.table).put_grant("session", digest("late"), grant)
        return delete_person(tenant_id, person_id)

    monkeypatch.setattr(repo, "delete_person", meanwhile)
    erased = erasing_client.call("DELETE", "/people/acme-p1/personal-data", ACME_ADMIN_TOKEN)
    assert erased.status == 200
    assert (erased.body["call_records_cleared"], erased.body["sign_ins_deleted"]) == (4, 3)
    assert not [i for i in _everything(statistics) if _mentions(i, "acme-p1")]
    assert not [i for i in _everything(repo.table) if str(i["pk"]).startswith("EMPLOYEE#") and _mentions(i, "acme-p1")]


def test_only_the_customers_administrators_export_or_erase(erasing_client: ApiClient, messages: Any) -> None:
    for method, path in (("GET", "/people/acme-p1/export"), ("DELETE", "/people/acme-p1/personal-data")):
        refused = erasing_client.call(method, path, ACME_USER_TOKEN)
        assert refused.status == 403
        assert refused.body["error"]
    assert erasing_client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).status == 200
    assert len(messages.scan()["Items"]) == 5


def test_without_a_message_log_the_routes_answer_503_and_change_nothing(
    service: SelfService, repo: CustomerRepository
) -> None:
    client = ApiClient(SelfService(repo, InMemoryBillingSummarySource([])))
    assert client.call("DELETE", "/people/acme-p1/personal-data", ACME_ADMIN_TOKEN).status == 503
    assert client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).status == 200


def test_a_ctr_version_arriving_after_the_erasure_does_not_name_them_again(
    erasing_client: ApiClient, repo: CustomerRepository, statistics: Any
) -> None:
    """Connect updates a contact's record after the call, Kinesis redelivers, the archive is replayed:
    a version of c1 (transferred to acme-p1) that arrives after the erasure keeps its transfer and
    counts, and names nobody; c3's person, still in the directory, stays named."""
    assert erasing_client.call("DELETE", "/people/acme-p1/personal-data", ACME_ADMIN_TOKEN).status == 200
    before = StatisticsRepository(statistics).month("acme", "2026-11").days
    late = [
        replace(_contact("c1", "acme-p1"), version_us=2, handling_seconds=41),
        replace(_contact("c3", "acme-p2"), version_us=2, handling_seconds=41),
    ]
    StatisticsRepository(statistics).record_many(only_present_people(late, DirectoryPresence(repo.table).present))

    assert not [i for i in _everything(statistics) if _mentions(i, "acme-p1")]
    held = StatisticsRepository(statistics).events(["c1", "c3"])
    assert (held["c1"]["transferred"], held["c1"].get("transferred_to_person")) == (True, None)
    assert held["c3"]["transferred_to_person"] == "acme-p2"
    after = StatisticsRepository(statistics).month("acme", "2026-11").days
    assert [(d.day, d.counts["transfers"]) for d in after] == [(d.day, d.counts["transfers"]) for d in before]
