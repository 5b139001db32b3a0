"""The rating function end to end on moto: a Kinesis event in; the Iceberg table (SQLite catalog,
warehouse in moto's S3) and DynamoDB out."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from telefonist.dal.billing_store import CtrArchive, QuarantineStore
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.ledger_repository import LedgerRepository
from telefonist.dal.secrets import KmsSecretCodec
from telefonist.ports.store import RepositoryError
from telefonist.rating.line import BillingLine
from telefonist.rating.service import RatingService
from telefonist.resources import (
    ARCHIVE_BUCKET,
    BILLING_BUCKET,
    CTR_STREAM,
    CUSTOMER_TABLE,
    LEDGER_TABLE,
    QUARANTINE_BUCKET,
)

from functions.rating import dependencies, handler
from telefonist_local.local_aws import LocalResources
from telefonist_local.sample_data import DEFAULT_PRICE_LIST, DEMO_SWITCHBOARD_NUMBER
from telefonist_local.seeding import seed_demo_tenant
from tests.rating_builders import SHARD, ctr, encode, kinesis_event, sequence_number

pytestmark = pytest.mark.integration


@pytest.fixture
def local_aws(served_stack: tuple[LocalResources, str]) -> LocalResources:
    """moto's server on 127.0.0.1 (pyarrow's S3 reaches it) with every resource of the stack, empty."""
    return served_stack[0]


@pytest.fixture
def repo(local_aws: LocalResources) -> CustomerRepository:
    return CustomerRepository(
        boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name),
        secrets=KmsSecretCodec(boto3.client("kms"), local_aws.secrets_key_id),
    )


@pytest.fixture
def rating(repo: CustomerRepository) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The function as Lambda wires it (the composition root under the stack's environment)."""
    seed_demo_tenant(repo, people=3)  # routes of the demo numbers and the price list
    deps = handler.dependencies.__wrapped__()
    return lambda event: handler.handle(event, deps)


@pytest.fixture
def stores(local_aws: LocalResources) -> dict[str, Any]:
    s3 = boto3.client("s3")
    return {
        "lines": BillingTable(BillingTableSettings.from_environ(os.environ, BILLING_BUCKET.local_name)),
        "archive": CtrArchive(s3, ARCHIVE_BUCKET.local_name),
        "quarantine": QuarantineStore(s3, QUARANTINE_BUCKET.local_name),
        "ledger": LedgerRepository(boto3.resource("dynamodb").Table(LEDGER_TABLE.local_name)),
    }


def test_a_batch_becomes_one_row_per_billable_contact_in_one_commit(rating, stores) -> None:
    # Given a batch with duplicates, versions, a transfer leg, an unresolved call and bad records
    records = [
        ctr("c-1", answered_local="2026-11-24 09:15", talk=30, acw=10),  # 0
        ctr("c-1", answered_local="2026-11-24 09:15", talk=30, acw=10),  # 1 duplicate
        ctr("c-2", answered_local="2026-11-24 17:59:59", talk=20, acw=0, transfer_completed=True),  # 2
        ctr(
            "c-2",
            talk=20,
            answered_local="2026-11-24 17:59:59",
            acw=60,
            transfer_completed=True,
            last_updated="2026-11-24T18:30:00Z",
        ),  # 3 newer version: more ACW
        ctr(
            "c-2", talk=20, answered_local="2026-11-24 17:59:59", acw=0, last_updated="2026-11-24T08:00:00Z"
        ),  # 4 older
        ctr("c-3", initiation="TRANSFER"),  # 5 the transfer leg: not billed
        ctr("c-4", tenant=None, dialed=DEMO_SWITCHBOARD_NUMBER, answered_local="2026-11-28 11:00", talk=40),  # 6
        ctr("c-5", tenant=None, dialed="+46800000000"),  # 7 unresolved
        "{this is not json",  # 8
        json.dumps({k: v for k, v in ctr("c-6").items() if k != "ContactId"}),  # 9
        json.dumps(ctr("c-7", answered_utc="tuesday morning")),  # 10
    ]
    # When they travel through the (local) Kinesis stream into the function
    event = event_from_stream(records)
    response = rating(event)
    # Then nothing failed: bad records are quarantined, not failed
    assert response == {"batchItemFailures": []}
    rows = {row["contact_id"]: row for row in stores["lines"].rows()}
    assert sorted(rows) == ["c-1", "c-2", "c-4", "c-5"]
    assert (rows["c-1"]["tariff"], rows["c-1"]["over_45s"], rows["c-1"]["amount_ore"]) == (1, False, 2900)
    assert (rows["c-2"]["tariff"], rows["c-2"]["handling_seconds"], rows["c-2"]["over_45s"]) == (2, 80, True)
    assert (rows["c-4"]["tenant_id"], rows["c-4"]["tenant_source"], rows["c-4"]["tariff"]) == (
        "acme",
        "dialed_number",
        3,
    )
    assert rows["c-5"]["tenant_id"] is None
    assert rows["c-1"]["answered_at"] == "2026-11-24T09:15:00+01:00"
    assert rows["c-1"]["price_list_version"] == DEFAULT_PRICE_LIST.version
    assert stores["lines"].data_files("2026-11") == 2  # one commit: a file per partition (acme, unresolved)
    data_keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=BILLING_BUCKET.local_name)["Contents"]]
    assert all(key.startswith(("lines/data/", "lines/metadata/")) for key in data_keys)
    assert any(key.startswith("lines/data/month=2026-11/tenant_id=acme/") for key in data_keys)
    entry = stores["ledger"].get("c-2")
    assert entry is not None
    assert entry.last_updated.isoformat() == "2026-11-24T18:30:00+00:00"
    quarantined = sorted(stores["quarantine"].items(), key=lambda q: int(q["sequence_number"]))
    sequence_numbers = [r["kinesis"]["sequenceNumber"] for r in event["Records"]]
    assert [(q["sequence_number"], q["shard_id"], q["reason"]) for q in quarantined] == [
        (sequence_numbers[8], SHARD, "not valid JSON"),
        (sequence_numbers[9], SHARD, "missing ContactId"),
        (sequence_numbers[10], SHARD, "unreadable timestamp in Agent.ConnectedToAgentTimestamp"),
    ]
    assert quarantined[0]["data_text"] == "{this is not json"
    (archived_key,) = stores["archive"].keys_for_days([datetime.now(UTC).date()])  # the arrival day (UTC)
    assert [r.data for r in stores["archive"].read(archived_key)] == [encode(r) for r in records]


def event_from_stream(records: list[Any]) -> dict[str, Any]:
    """Put the records on the local CTR stream and read them back as Lambda's Kinesis event."""
    kinesis = boto3.client("kinesis")
    stream = CTR_STREAM.local_name
    for record in records:
        kinesis.put_record(StreamName=stream, Data=encode(record), PartitionKey="contact")
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=SHARD, ShardIteratorType="TRIM_HORIZON")
    read = kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert len(read) == len(records)
    event = kinesis_event([r["Data"] for r in read])
    for lambda_record, stream_record in zip(event["Records"], read, strict=True):
        seq = stream_record["SequenceNumber"]
        lambda_record["kinesis"]["sequenceNumber"] = seq
        lambda_record["kinesis"]["approximateArrivalTimestamp"] = stream_record[
            "ApproximateArrivalTimestamp"
        ].timestamp()
        lambda_record["eventID"] = f"{SHARD}:{seq}"
    return event


def test_redelivery_changes_nothing_and_a_late_older_version_is_ignored(rating, stores) -> None:
    newer = ctr("c-1", talk=150, last_updated="2026-11-24T10:00:00Z")
    older = ctr("c-1", talk=10, last_updated="2026-11-24T09:00:00Z")
    rating(kinesis_event([newer]))
    first = stores["lines"].rows()
    # a second invocation: the same record again, then the older version arriving late
    rating(kinesis_event([newer, older]))
    assert stores["lines"].rows() == first
    assert [(r["tariff"], r["talk_seconds"]) for r in first] == [(5, 150)]


class FailingLines:
    """The billing table refusing every commit holding one contact (a failing port)."""

    def __init__(self, inner: BillingTable, contact_id: str) -> None:
        self._inner, self._contact_id = inner, contact_id

    def unstorable(self, lines: Sequence[BillingLine]) -> dict[int, str]:
        return self._inner.unstorable(lines)

    def write(self, lines: Sequence[BillingLine], replacing: Mapping[str, Sequence[str]]) -> None:
        if any(line.contact_id == self._contact_id for line in lines):
            raise RepositoryError("cannot write to the billing table")
        self._inner.write(lines, replacing)


def test_failing_records_are_reported_by_sequence_number_bad_ones_quarantined(repo, stores) -> None:
    seed_demo_tenant(repo, people=1)
    service = RatingService(
        price_book=repo.load_price_book,
        resolve_tenant=dependencies.cached_tenant_resolver(repo),
        ledger=stores["ledger"],
        lines=FailingLines(stores["lines"], "c-bad-s3"),  # the table refuses the batch's commit
        quarantine=stores["quarantine"],
    )
    event = kinesis_event([ctr("c-ok"), ctr("c-bad-s3"), "not json", ctr("c-ok-2")])
    response = handler.handle(event, handler.Dependencies(service))
    # the batch's lines are one commit: every billable record fails with it, the bad one is quarantined
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [
        sequence_number(0),
        sequence_number(1),
        sequence_number(3),
    ]
    assert stores["lines"].rows() == []
    assert [stores["ledger"].get(c) for c in ("c-ok", "c-bad-s3", "c-ok-2")] == [None] * 3
    assert [q["sequence_number"] for q in stores["quarantine"].items()] == [sequence_number(2)]


def test_poison_records_are_quarantined_and_every_good_line_written(rating, stores) -> None:
    # Given good records around poison ones: years 9999 and 0001, durations no int32 column holds
    records = [
        ctr("c-good-1", answered_local="2026-11-24 09:15"),  # 0
        ctr("c-year-9999", answered_utc="9999-12-31T23:30:00Z"),  # 1
        ctr("c-year-0001", answered_utc="0001-01-01T00:00:00+05:00"),  # 2
        ctr("c-updated-0001", last_updated="0001-01-01T00:00:00+05:00"),  # 3
        ctr("c-talk-2-31", talk=2**31),  # 4
        ctr("c-handling-2-31", talk=2**31 - 1, acw=1),  # 5
        ctr("c-good-2", answered_local="2026-11-28 11:00"),  # 6
    ]
    event = kinesis_event(records)
    # When the function rates the batch
    response = rating(event)
    # Then the batch succeeded: every good line written, every poison record quarantined with its reason
    assert response == {"batchItemFailures": []}
    assert sorted(r["contact_id"] for r in stores["lines"].rows()) == ["c-good-1", "c-good-2"]
    quarantined = sorted(stores["quarantine"].items(), key=lambda q: q["sequence_number"])
    assert [(q["sequence_number"], q["reason"]) for q in quarantined] == [
        (sequence_number(1), "timestamp out of range in Agent.ConnectedToAgentTimestamp (years 2000-2099)"),
        (sequence_number(2), "timestamp out of range in Agent.ConnectedToAgentTimestamp (years 2000-2099)"),
        (sequence_number(3), "timestamp out of range in LastUpdateTimestamp (years 2000-2099)"),
        (sequence_number(4), "duration out of range: talk and after-contact work over 2147483647 s"),
        (sequence_number(5), "duration out of range: talk and after-contact work over 2147483647 s"),
    ]
    assert [q["data_text"] for q in quarantined] == [encode(r).decode() for r in records[1:6]]
    # and the ledger holds no version of a poison contact, so a corrected version can still win
    assert [stores["ledger"].get(r["ContactId"]) for r in records[1:6]] == [None] * 5


class LinesFailingFor:
    """The real billing table, but the next `failures` commits fail (a flaky port)."""

    def __init__(self, inner: BillingTable, failures: int) -> None:
        self._inner, self.failures = inner, failures

    def unstorable(self, lines: Sequence[BillingLine]) -> dict[int, str]:
        return self._inner.unstorable(lines)

    def write(self, lines: Sequence[BillingLine], replacing: Mapping[str, Sequence[str]]) -> None:
        if self.failures:
            self.failures -= 1
            raise RepositoryError("cannot write to the billing table")
        self._inner.write(lines, replacing)


def flaky_service(repo: CustomerRepository, stores: dict[str, Any], failures: int) -> RatingService:
    seed_demo_tenant(repo, people=1)
    return RatingService(
        price_book=repo.load_price_book,
        resolve_tenant=dependencies.cached_tenant_resolver(repo),
        ledger=stores["ledger"],
        lines=LinesFailingFor(stores["lines"], failures),
        quarantine=stores["quarantine"],
    )


def test_a_line_write_failing_once_leaves_the_contact_rated_on_redelivery(repo, stores) -> None:
    # Given the table refusing the first commit
    service = flaky_service(repo, stores, failures=1)
    event = kinesis_event([ctr("c-1", talk=150), ctr("c-2")])
    # When the batch is delivered: its records fail, and the ledger has not marked a version done
    assert handler.handle(event, handler.Dependencies(service))["batchItemFailures"] == [
        {"itemIdentifier": sequence_number(0)},
        {"itemIdentifier": sequence_number(1)},
    ]
    assert stores["lines"].rows() == []
    assert stores["ledger"].get("c-1") is None
    # Then its redelivery (from the failed record on) writes the line and the ledger records the version
    assert handler.handle(event, handler.Dependencies(service)) == {"batchItemFailures": []}
    rows = sorted((r["contact_id"], r["tariff"]) for r in stores["lines"].rows())
    assert rows == [("c-1", 5), ("c-2", 1)]
    entry = stores["ledger"].get("c-1")
    assert entry is not None
    assert entry.last_updated == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_a_newer_version_never_written_does_not_keep_an_older_one_from_billing(repo, stores) -> None:
    # Given the newest version whose line could not be written (its retries ran out: it is in the DLQ)
    service = flaky_service(repo, stores, failures=1)
    newer = ctr("c-1", talk=150, last_updated="2026-11-24T10:00:00Z")
    older = ctr("c-1", talk=10, last_updated="2026-11-24T09:00:00Z")
    other = ctr("c-2")
    assert handler.handle(kinesis_event([newer]), handler.Dependencies(service))["batchItemFailures"] == [
        {"itemIdentifier": sequence_number(0)}
    ]
    assert handler.handle(kinesis_event([other], first=1), handler.Dependencies(service)) == {"batchItemFailures": []}
    # When an older version of the contact arrives
    assert handler.handle(kinesis_event([older], first=2), handler.Dependencies(service)) == {"batchItemFailures": []}
    # Then the contact has a line (the older version's), not none at all
    assert sorted((r["contact_id"], r["talk_seconds"]) for r in stores["lines"].rows()) == [
        ("c-1", 10),
        ("c-2", 30),
    ]
    # and when the newer version is re-driven it replaces it: still one line per contact
    assert handler.handle(kinesis_event([newer], first=3), handler.Dependencies(service)) == {"batchItemFailures": []}
    assert sorted((r["contact_id"], r["talk_seconds"]) for r in stores["lines"].rows()) == [
        ("c-1", 150),
        ("c-2", 30),
    ]
