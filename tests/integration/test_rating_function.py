"""The rating function end to end on moto: a Kinesis event in; S3 Parquet and DynamoDB out."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from telefonist.dal.billing_store import BillingLineStore, CtrArchive, QuarantineStore
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import RepositoryError
from telefonist.dal.ledger_repository import LedgerRepository
from telefonist.dal.secrets import KmsSecretCodec
from telefonist.local_aws import LocalResources, create_resources, moto_server, patched_environment
from telefonist.rating.service import RatingService
from telefonist.resources import (
    ARCHIVE_BUCKET,
    BILLING_BUCKET,
    CTR_STREAM,
    CUSTOMER_TABLE,
    LEDGER_TABLE,
    QUARANTINE_BUCKET,
)
from telefonist.sample_data import DEFAULT_PRICE_LIST, DEMO_SWITCHBOARD_NUMBER
from telefonist.seeding import seed_demo_tenant

from functions.rating import dependencies, handler
from tests.rating_builders import SHARD, FakeContext, ctr, encode, kinesis_event, sequence_number

pytestmark = pytest.mark.integration


@pytest.fixture
def local_aws() -> Iterator[LocalResources]:
    """moto's server on 127.0.0.1 with every resource of the stack; env vars set as CDK would."""
    with moto_server() as endpoint:
        # moto's backends are per process: start every test from an empty account
        reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310 - loopback
        urllib.request.urlopen(reset).close()  # noqa: S310 - moto on 127.0.0.1, an http URL we built
        created = create_resources()
        with patched_environment(created.environment):
            yield created


@pytest.fixture
def repo(local_aws: LocalResources) -> CustomerRepository:
    return CustomerRepository(
        boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name),
        secrets=KmsSecretCodec(boto3.client("kms"), local_aws.secrets_key_id),
    )


@pytest.fixture
def rating(repo: CustomerRepository) -> Iterator[Any]:
    seed_demo_tenant(repo, people=3)  # routes of the demo numbers and the price list
    dependencies.service.cache_clear()
    yield handler
    dependencies.service.cache_clear()


@pytest.fixture
def stores(local_aws: LocalResources) -> dict[str, Any]:
    s3 = boto3.client("s3")
    return {
        "lines": BillingLineStore(s3, BILLING_BUCKET.local_name),
        "archive": CtrArchive(s3, ARCHIVE_BUCKET.local_name),
        "quarantine": QuarantineStore(s3, QUARANTINE_BUCKET.local_name),
        "ledger": LedgerRepository(boto3.resource("dynamodb").Table(LEDGER_TABLE.local_name)),
    }


def test_a_batch_becomes_one_parquet_line_per_billable_contact(rating, stores) -> None:
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
    response = rating.lambda_handler(event, FakeContext())
    # Then nothing failed: bad records are quarantined, not failed
    assert response == {"batchItemFailures": []}
    rows = {row["contact_id"]: row for row in stores["lines"].read_rows()}
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
    assert sorted(stores["lines"].keys()) == [
        "lines/month=2026-11/tenant_id=_unresolved/c-5.parquet",
        "lines/month=2026-11/tenant_id=acme/c-1.parquet",
        "lines/month=2026-11/tenant_id=acme/c-2.parquet",
        "lines/month=2026-11/tenant_id=acme/c-4.parquet",
    ]
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
    rating.lambda_handler(kinesis_event([newer]), FakeContext())
    first = stores["lines"].read_rows()
    # a second invocation: the same record again, then the older version arriving late
    rating.lambda_handler(kinesis_event([newer, older]), FakeContext())
    assert stores["lines"].read_rows() == first
    assert [(r["tariff"], r["talk_seconds"]) for r in first] == [(5, 150)]


class FailingLines(BillingLineStore):
    """S3 refuses the line of one contact (a failing port)."""

    def __init__(self, inner: BillingLineStore, contact_id: str) -> None:
        self._inner, self._contact_id = inner, contact_id

    def put_line(self, key: str, line: Any) -> None:
        if line.contact_id == self._contact_id:
            raise RepositoryError("cannot write billing line")
        self._inner.put_line(key, line)


def test_failing_records_are_reported_by_sequence_number_bad_ones_quarantined(repo, stores) -> None:
    seed_demo_tenant(repo, people=1)
    service = RatingService(
        price_book=repo.load_price_book,
        resolve_tenant=dependencies.cached_tenant_resolver(repo),
        ledger=stores["ledger"],
        lines=FailingLines(stores["lines"], "c-bad-s3"),  # the S3 port fails for one contact
        quarantine=stores["quarantine"],
    )
    event = kinesis_event([ctr("c-ok"), ctr("c-bad-s3"), "not json", ctr("c-ok-2")])
    response = handler.handle_batch(event, FakeContext(), service)
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [sequence_number(1)]
    assert sorted(r["contact_id"] for r in stores["lines"].read_rows()) == ["c-ok", "c-ok-2"]
    assert [q["sequence_number"] for q in stores["quarantine"].items()] == [sequence_number(2)]
