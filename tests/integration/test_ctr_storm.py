"""A CTR storm through the rating function: at-least-once delivery at scale, bad records mixed in.

10,000 records in Kinesis batches of 100, as the event source mapping delivers them: 20 % exact
duplicates, older versions of a contact delivered after newer ones (in the same batch or
batches later), 5 % malformed records (not JSON, no ContactId, an unreadable timestamp). The
storm runs through the real handler (`handle`) and `RatingService` with in-memory fakes of
the ports (moto at this volume is too slow for CI), then a smaller storm of the same mix runs
through `handle` with the function's own composition root on in-process moto, to show the real adapters
behave the same.

The expected lines come from the simulated calls (telefonist_local.demo.scenarios: the slot and the
operator's action the simulator drew), not from the rating code.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from telefonist.clock import STOCKHOLM
from telefonist.dal.billing_store import CtrArchive, QuarantineStore
from telefonist.dal.billing_table import (
    ENV_BILLING_CATALOG_URI,
    ENV_BILLING_WAREHOUSE,
    BillingTable,
    BillingTableSettings,
    live_data_files,
    month_only_specs,
)
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.rating.line import line_row
from telefonist.rating.service import ReceivedRecord
from telefonist.resources import ARCHIVE_BUCKET, BILLING_BUCKET, QUARANTINE_BUCKET

from functions.rating import handler
from telefonist_local.demo.ctr_builder import build_ctr, transfer_leg
from telefonist_local.demo.run import UNROUTED_NUMBER, dialed_numbers
from telefonist_local.demo.scenarios import Action, CallScenario, generate_calls
from telefonist_local.local_aws import LocalResources
from telefonist_local.sample_data import (
    DEFAULT_PRICE_LIST,
    DEMO_SUPPORT_NUMBER,
    DEMO_SWITCHBOARD_NUMBER,
    DEMO_TENANT_ID,
)
from telefonist_local.seeding import seed_demo_tenant
from tests.fakes.rating import FakePorts
from tests.rating_builders import ctr, encode, kinesis_event

BATCH = 100  # records per Lambda invocation (the event source mapping's batch size)
# Weeks with a DST change (29 Mar, 25 Oct), Midsommar, the 1 July price change and Christmas.
WEEKS = (date(2026, 3, 23), date(2026, 6, 15), date(2026, 6, 29), date(2026, 10, 19), date(2026, 12, 21))
ROUTES = {DEMO_SWITCHBOARD_NUMBER: DEMO_TENANT_ID, DEMO_SUPPORT_NUMBER: DEMO_TENANT_ID}  # as seed_demo_tenant
DIALED = dialed_numbers([DEMO_SWITCHBOARD_NUMBER, DEMO_SUPPORT_NUMBER])  # and UNROUTED_NUMBER now and then
SUMMER_PRICES = PriceList(
    version="2026-07",
    valid_from=date(2026, 7, 1),
    amounts_ore={1: 3100, 2: 4100, 3: 5100, 4: 6100, 5: 7100, 6: 9100},
)
PRICE_BOOK = PriceBook(versions=[DEFAULT_PRICE_LIST, SUMMER_PRICES])
TRANSFER_TO = "+46701112233"
NOT_BILLABLE = ("OUTBOUND", "CALLBACK", "API", "QUEUE_TRANSFER", "TRANSFER", "no agent", "not answered")
BAD_TIMESTAMPS = ("tuesday morning", "2026-13-45T25:61:00Z", "2026-11-24T08:15:00", "")
TIMESTAMP_FIELDS = ("LastUpdateTimestamp", "Agent.ConnectedToAgentTimestamp", "TransferCompletedTimestamp")


@dataclass(frozen=True)
class Expected:
    """The line of a billable contact, from its newest version (spec §9 fields the test checks)."""

    key: str
    tenant_id: str | None
    tariff: int
    period: str
    talk_seconds: int
    handling_seconds: int
    over_45s: bool
    transferred: bool
    amount_ore: int
    price_list_version: str
    ctr_last_updated: datetime


@dataclass
class Storm:
    records: list[bytes] = field(default_factory=list)  # in delivery order
    expected: dict[str, Expected] = field(default_factory=dict)  # billable contact → its line
    not_billable: set[str] = field(default_factory=set)
    malformed: Counter[tuple[bytes, str]] = field(default_factory=Counter)  # (record, reason)
    older_tariff: dict[str, int] = field(default_factory=dict)  # contact → tariff of its older version
    moved: set[str] = field(default_factory=set)  # older version unresolved, newest resolved
    late_older: int = 0  # older versions delivered after a newer one
    duplicates: int = 0

    def events(self) -> Iterator[dict[str, Any]]:
        for start in range(0, len(self.records), BATCH):
            yield kinesis_event(list(self.records[start : start + BATCH]), first=start)


def expected_line(call: CallScenario, attributes: dict[str, str], last_updated: str) -> Expected:
    """What the spec says the newest version of an answered call is billed as."""
    local = call.answered_at.astimezone(STOCKHOLM)
    prices = SUMMER_PRICES if local.date() >= SUMMER_PRICES.valid_from else DEFAULT_PRICE_LIST
    tenant = attributes.get("tenant_id") or ROUTES.get(call.dialed_number)
    return Expected(
        key=f"month={local:%Y-%m}/tenant_id={tenant or '_unresolved'}/{call.contact_id}",
        tenant_id=tenant,
        tariff=call.expected_tariff,
        period=call.expected_period,
        talk_seconds=call.talk_seconds,
        handling_seconds=call.talk_seconds + call.after_work_seconds,
        over_45s=call.expected_over_budget,
        transferred=call.transferred,
        amount_ore=prices.amounts_ore[call.expected_tariff],
        price_list_version=prices.version,
        ctr_last_updated=datetime.fromisoformat(last_updated),
    )


def contact_versions(call: CallScenario, rng: random.Random, storm: Storm) -> list[list[dict[str, Any]]]:
    """The records of one simulated call (each list: one contact's versions, oldest first)."""
    attributes = {"tenant_id": DEMO_TENANT_ID} if rng.random() < 0.7 else {}  # else: by dialed number
    transfer_to = TRANSFER_TO if call.transferred else None
    newest = build_ctr(call, attributes, transfer_to)
    if call.action is Action.ABANDONED:
        storm.not_billable.add(call.contact_id)
        return [[newest]]
    storm.expected[call.contact_id] = expected_line(call, attributes, newest["LastUpdateTimestamp"])
    versions = [newest]
    draw = rng.random()
    if draw < 0.25:  # the version Connect publishes before after-contact work ends
        versions.insert(0, build_ctr(call, attributes, transfer_to, final=False))
    elif draw < 0.5:  # an older version rated otherwise: long ↔ short call, and half without a tenant yet
        long_call = call.talk_seconds <= 120
        older_call = replace(
            call,
            talk_seconds=200 if long_call else 30,
            action=Action.CUSTOMER_SERVICE if long_call else Action.INFORMATION,
        )
        older_attributes = attributes
        if rng.random() < 0.5:
            older_call, older_attributes = replace(older_call, dialed_number=UNROUTED_NUMBER), {}
            storm.moved.add(call.contact_id)
        older = build_ctr(older_call, older_attributes)
        newest_at = datetime.fromisoformat(newest["LastUpdateTimestamp"])
        older["LastUpdateTimestamp"] = f"{newest_at - timedelta(seconds=rng.randint(1, 600)):%Y-%m-%dT%H:%M:%SZ}"
        storm.older_tariff[call.contact_id] = older_call.expected_tariff
        versions.insert(0, older)
    groups = [versions]
    if transfer_to:  # the new contact leg the transfer created: never billed
        leg = transfer_leg(newest)
        storm.not_billable.add(leg["ContactId"])
        groups.append([leg])
    return groups


def not_billable_record(n: int) -> dict[str, Any]:
    """Outbound, callback, API and transfer legs, no agent, or an agent who never connected."""
    kind = NOT_BILLABLE[n % len(NOT_BILLABLE)]
    contact_id = f"nb-{n:05d}"
    if kind == "no agent":
        return ctr(contact_id, agent=False)
    if kind == "not answered":
        return ctr(contact_id, answered_utc=None)
    return ctr(contact_id, initiation=kind)


def malformed_record(n: int, source: dict[str, Any], rng: random.Random) -> tuple[bytes, str]:
    """A bad record made from a good one, and the reason the spec wants it quarantined with."""
    text = json.dumps(source)
    record = json.loads(text)
    if n % 3 == 0:
        garbage = (text[: rng.randint(1, len(text) - 1)].encode(), b"\xff\xfe\x00", b"", b"{not json}")
        return garbage[n // 3 % len(garbage)], "not valid JSON"
    if n % 3 == 1:
        del record["ContactId"]
        return encode(record), "missing ContactId"
    where = rng.choice(TIMESTAMP_FIELDS)
    target = record["Agent"] if where.startswith("Agent.") else record
    target[where.removeprefix("Agent.")] = rng.choice(BAD_TIMESTAMPS)
    return encode(record), f"unreadable timestamp in {where}"


def make_storm(total: int, seed: int) -> Storm:
    """`total` records: 5 % malformed, 20 % exact duplicates, the rest distinct contact versions."""
    rng = random.Random(seed)
    storm = Storm()
    n_bad, n_duplicates = total * 5 // 100, total * 20 // 100
    budget = total - n_bad - n_duplicates
    calls = [
        call
        for i, week in enumerate(WEEKS)
        for call in generate_calls(budget // len(WEEKS) + 1, seed + i, week, DIALED, ["x"])
    ]
    rng.shuffle(calls)
    groups: list[list[dict[str, Any]]] = []
    used = 0  # records so far
    for call in calls:
        if used + 4 > budget:  # a call makes up to 3 records, plus perhaps another kind of contact
            break
        made = contact_versions(call, rng, storm)
        if rng.random() < 0.05:
            made.append([not_billable_record(len(groups))])
        groups += made
        used += sum(map(len, made))
    groups += [[not_billable_record(len(groups) + n)] for n in range(budget - used)]  # not billed either
    storm.not_billable |= {group[0]["ContactId"] for group in groups if group[0]["ContactId"].startswith("nb-")}

    placed: list[tuple[float, bytes]] = []  # (position in the stream, record)
    for group in groups:
        start = rng.random()
        gaps = sorted(rng.uniform(0, 0.05) for _ in group)
        if len(group) > 1 and rng.random() < 0.4:  # the newest version first, the older one later
            gaps.reverse()
            storm.late_older += len(group) - 1
        placed += [(start + gap, encode(version)) for gap, version in zip(gaps, group, strict=True)]
    for position, record in rng.choices(placed, k=n_duplicates):  # redelivered, exactly, a little later
        placed.append((position + rng.uniform(0, 0.1), record))
    storm.duplicates = n_duplicates
    billable_sources = [group[-1] for group in groups if group[-1]["ContactId"] in storm.expected]
    for n in range(n_bad):
        record, reason = malformed_record(n, rng.choice(billable_sources), rng)
        storm.malformed[record, reason] += 1
        placed.append((rng.random(), record))
    placed.sort(key=lambda item: item[0])
    storm.records = [record for _, record in placed]
    # the storm is what it claims to be
    assert len(storm.records) == total
    assert sum(storm.malformed.values()) == n_bad
    assert len(set(storm.expected) | storm.not_billable) == len(storm.expected) + len(storm.not_billable)
    assert storm.late_older > 0
    assert storm.moved
    assert storm.older_tariff
    return storm


def check_outcome(
    storm: Storm,
    responses: list[dict[str, Any]],
    keys: list[str],
    rows: list[dict[str, Any]],
    quarantined: list[tuple[bytes, str]],
) -> None:
    """The spec's promises after the storm, given what the line store and the quarantine hold."""
    # no record failed: bad ones are quarantined, not retried
    assert responses == [{"batchItemFailures": []}] * len(responses)
    # exactly one line per billable contact, in the partition of its newest version; none for the others
    assert sorted(keys) == sorted(e.key for e in storm.expected.values())
    by_contact = {row["contact_id"]: row for row in rows}
    assert len(rows) == len(by_contact) == len(storm.expected)
    assert not storm.not_billable & set(by_contact)
    # the newest version's values win
    for contact_id, expected in storm.expected.items():
        row = by_contact[contact_id]
        actual = Expected(key=expected.key, **{name: row[name] for name in vars(expected) if name != "key"})
        assert actual == expected, contact_id
    for contact_id, older_tariff in storm.older_tariff.items():
        assert by_contact[contact_id]["tariff"] == storm.expected[contact_id].tariff != older_tariff
    # every malformed record is quarantined, whole, with its reason
    assert Counter(quarantined) == storm.malformed


def table_keys(rows: list[dict[str, Any]]) -> list[str]:
    """`<partition>/<contact>` of each row of the table, as Expected.key names them."""
    return [f"month={r['month']}/tenant_id={r['tenant_id'] or '_unresolved'}/{r['contact_id']}" for r in rows]


def test_a_storm_of_10000_records_leaves_one_line_per_billable_contact() -> None:
    storm = make_storm(10_000, seed=9)
    # the mix really is a storm: thousands of lines, hundreds of late older versions and moves
    assert len(storm.expected) > 3000
    assert len(storm.not_billable) > 1000
    assert storm.late_older > 500
    assert len(storm.moved) > 200
    assert {reason for _, reason in storm.malformed} == {
        "not valid JSON",
        "missing ContactId",
        *(f"unreadable timestamp in {where}" for where in TIMESTAMP_FIELDS),
    }
    ports = FakePorts()
    service = ports.service(PRICE_BOOK, ROUTES.get)
    responses = [handler.handle(event, handler.Dependencies(service)) for event in storm.events()]
    check_outcome(
        storm,
        responses,
        keys=list(ports.lines.objects),
        rows=[line_row(line) for line in ports.lines.objects.values()],
        quarantined=[(record.data, reason) for record, reason in ports.quarantine.items],
    )
    # every record was archived as received, batch by batch; one table commit per batch
    assert len(ports.archive.batches) == ports.lines.commits == 100
    assert [record.data for batch in ports.archive.batches for record in batch] == storm.records
    # replaying the whole storm changes nothing
    before = dict(ports.lines.objects)
    replayed = [handler.handle(event, handler.Dependencies(service)) for event in storm.events()]
    assert replayed == [{"batchItemFailures": []}] * len(replayed)
    assert ports.lines.objects == before


def test_a_storm_into_the_iceberg_table_leaves_one_row_per_billable_contact(tmp_path) -> None:
    # The real Iceberg table (SQLite catalog, local warehouse); the other ports are fakes
    storm = make_storm(1_000, seed=11)
    table = BillingTable(BillingTableSettings.local_folder(tmp_path))
    ports = FakePorts()
    service = replace_lines(ports, table).service(PRICE_BOOK, ROUTES.get)
    events = list(storm.events())
    # maintenance after the third batch and at the end: the months as sorted month-only files (of
    # 10 rows, so several per month), into which later batches write newer versions of contacts
    responses: list[dict[str, Any]] = []
    compacted: set[str] = set()
    rewritten = 0
    for batches in (events[:3], events[3:]):
        responses += [handler.handle(event, handler.Dependencies(service)) for event in batches]
        rewritten += len(compacted_files(table) - compacted)  # compacted files a re-version rewrote
        months = sorted({row["month"] for row in table.rows(columns=["month"])})
        assert sum(table.compact_month(month, file_rows=10) for month in months) > len(months)
        compacted = compacted_files(table)
    assert rewritten > 0
    rows = table.rows()
    check_outcome(
        storm,
        responses,
        keys=table_keys(rows),
        rows=rows,
        quarantined=[(record.data, reason) for record, reason in ports.quarantine.items],
    )
    # replaying the storm into the compacted months changes nothing
    snapshot = sorted(rows, key=lambda r: r["contact_id"])
    replayed = [handler.handle(event, handler.Dependencies(service)) for event in events]
    assert replayed == [{"batchItemFailures": []}] * len(replayed)
    assert sorted(table.rows(), key=lambda r: r["contact_id"]) == snapshot


def compacted_files(table: BillingTable) -> set[str]:
    """The paths of the table's files of a compacted month (month-only partition spec)."""
    table.table.refresh()
    month_only = month_only_specs(table.table.metadata)
    return {f.file_path for f in live_data_files(table.table) or () if f.spec_id in month_only}


def replace_lines(ports: FakePorts, table: BillingTable) -> FakePorts:
    ports.lines = table  # type: ignore[assignment]  # the real sink in place of the fake
    return ports


@pytest.fixture
def seeded(aws: LocalResources, repo: CustomerRepository, tmp_path, monkeypatch) -> Iterator[None]:
    # in-process moto has no endpoint pyarrow could reach: the table's warehouse is a local folder
    monkeypatch.setenv(ENV_BILLING_CATALOG_URI, f"sqlite:///{tmp_path}/catalog.db")
    monkeypatch.setenv(ENV_BILLING_WAREHOUSE, f"file://{tmp_path}/warehouse")
    seed_demo_tenant(repo, people=1)  # the routes of ROUTES and DEFAULT_PRICE_LIST
    repo.put_price_list(SUMMER_PRICES)


@pytest.mark.usefixtures("seeded")
def test_a_small_storm_through_the_real_adapters_on_moto_ends_the_same() -> None:
    storm = make_storm(300, seed=10)
    deps = handler.dependencies.__wrapped__()  # as Lambda wires it, under the stack's environment
    responses = [handler.handle(event, deps) for event in storm.events()]
    s3 = boto3.client("s3")
    lines = BillingTable(BillingTableSettings.from_environ(os.environ, BILLING_BUCKET.local_name))
    quarantined = QuarantineStore(s3, QUARANTINE_BUCKET.local_name).items()
    rows = lines.rows()
    for row in rows:  # the table keeps UTC timestamps
        row["ctr_last_updated"] = row["ctr_last_updated"].astimezone(UTC)
    check_outcome(
        storm,
        responses,
        keys=table_keys(rows),
        rows=rows,
        quarantined=[(ReceivedRecord.from_archive(item).data, item["reason"]) for item in quarantined],
    )
    archive = CtrArchive(s3, ARCHIVE_BUCKET.local_name)
    archived = sorted(archive.keys_for_days([date(2025, 11, 24)]))  # kinesis_event's arrival day (UTC)
    assert [record.data for key in archived for record in archive.read(key)] == storm.records
