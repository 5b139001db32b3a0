"""Contact events and daily aggregates in the statistics table (issue 20).

Items (pk, sk):
- `CONTACT#<contact_id>`, `EVENT`: the newest version's event: `version_us`, `tenant_id`, `day`,
  `number`, `outcome`, ..., `counts` (its contribution) and `agg_pk`/`agg_sk` (the aggregate it is in).
  `expires_at` (the table's TTL): the contact's day plus `Retention.contact_events_days` (13
  months); the daily aggregates below hold no personal data and stay.
  A contact transferred to a person also carries `person_key` (keys.person_ref): the sparse
  `by-person` index finds it for that person's export and erasure (telefonist.dal.person_data),
  which removes `transferred_to_person` and `person_key` and keeps `counts` (the statistics stay right).
- `STATS#<tenant>#<YYYY-MM>`, `<YYYY-MM-DD>#<number>`: a day's counters for one common number,
  a month's under one partition key (one Query per tenant-month).

Recording a version: read the held event (1 round trip), then one transaction that writes the
event on condition that the held version is still the one read, and adds new - old to the
aggregate(s). Redelivery of the held version or an older one writes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from telefonist.dal.batch_get import batch_get_all
from telefonist.dal.keys import person_ref
from telefonist.ports.store import RepositoryError
from telefonist.resources import PERSON_INDEX
from telefonist.retention import DEFAULT
from telefonist.statistics.aggregates import contribution
from telefonist.statistics.model import ContactEvent

EVENT_SK = "EVENT"
MAX_ATTEMPTS = 5  # a transaction lost to a concurrent writer of the same contact is retried
# Contacts per transaction: a Put each plus an Update per aggregate touched (at most two each),
# within DynamoDB's 100 actions per TransactWriteItems.
TRANSACTION_CONTACTS = 33


class RecordResult(StrEnum):
    RECORDED = "recorded"  # first version, or a newer one replacing the held one
    STALE = "stale"  # the held version is as new or newer: nothing written


def event_key(contact_id: str) -> dict[str, str]:
    return {"pk": f"CONTACT#{contact_id}", "sk": EVENT_SK}


def month_key(tenant_id: str, month: str) -> str:
    return f"STATS#{tenant_id}#{month}"


def aggregate_key(event: ContactEvent) -> dict[str, str]:
    return {"pk": month_key(event.tenant_id, event.month), "sk": f"{event.day.isoformat()}#{event.number}"}


@dataclass(frozen=True)
class DayAggregate:
    day: str  # YYYY-MM-DD (Stockholm)
    number: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class MonthRead:
    days: list[DayAggregate]
    round_trips: int


def expiry_of(event: ContactEvent) -> int:
    """When the event's item may go (epoch seconds, DynamoDB TTL): its day plus the retention."""
    end = datetime.combine(event.day + timedelta(days=DEFAULT.contact_events_days), time(), UTC)
    return int(end.timestamp())


def _event_item(event: ContactEvent, counts: Mapping[str, int]) -> dict[str, Any]:
    agg = aggregate_key(event)
    item: dict[str, Any] = {
        **event_key(event.contact_id),
        "version_us": event.version_us,
        "tenant_id": event.tenant_id,
        "day": event.day.isoformat(),
        "number": event.number,
        "outcome": event.outcome.value,
        "fallback": event.fallback,
        "wait_seconds": event.wait_seconds,
        "handling_seconds": event.handling_seconds,
        "transferred": event.transferred,
        "transferred_to_person": event.transferred_to_person,
        "message_channels": list(event.message_channels),
        "caller_masked": event.caller_masked,
        "counts": dict(counts),
        "agg_pk": agg["pk"],
        "agg_sk": agg["sk"],
        "expires_at": expiry_of(event),
    }
    if event.transferred_to_person:
        item[PERSON_INDEX.partition_key] = person_ref(event.tenant_id, event.transferred_to_person)
    return item


def _add(table_name: str, key: Mapping[str, str], change: Mapping[str, int]) -> dict[str, Any]:
    names = {f"#c{i}": name for i, name in enumerate(change)}
    values = {f":c{i}": count for i, count in enumerate(change.values())}
    return {
        "Update": {
            "TableName": table_name,
            "Key": dict(key),
            "UpdateExpression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(change))),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


class StatisticsRepository:
    """The statistics table through a boto3 resource Table (its client takes Python values)."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client

    def record(self, event: ContactEvent) -> RecordResult:
        """Record a version of a contact exactly once; the newest version wins."""
        for _ in range(MAX_ATTEMPTS):
            held = self._held(event.contact_id)
            if held is not None and int(held["version_us"]) >= event.version_us:
                return RecordResult.STALE
            if self._replace(event, held):
                return RecordResult.RECORDED
        raise RepositoryError(f"contact {event.contact_id} kept changing while its statistics were recorded")

    def record_many(self, events: Sequence[ContactEvent]) -> list[RecordResult]:
        """Record a batch's events (one per contact): the held versions read together (BatchGetItem,
        100 a round trip), then the newer events in transactions of up to TRANSACTION_CONTACTS
        contacts (their aggregates' changes summed); a group that lost a race goes contact by contact."""
        held = self.events([e.contact_id for e in events])
        results = {}
        newer = []
        for event in events:
            item = held.get(event.contact_id)
            if item is not None and int(item["version_us"]) >= event.version_us:
                results[event.contact_id] = RecordResult.STALE
            else:
                newer.append((event, item))
        for start in range(0, len(newer), TRANSACTION_CONTACTS):
            group = newer[start : start + TRANSACTION_CONTACTS]
            if self._transact(group):
                results.update((event.contact_id, RecordResult.RECORDED) for event, _ in group)
            else:
                results.update((event.contact_id, self.record(event)) for event, _ in group)
        return [results[event.contact_id] for event in events]

    def _held(self, contact_id: str) -> dict[str, Any] | None:
        try:
            item: dict[str, Any] | None = self._table.get_item(Key=event_key(contact_id), ConsistentRead=True).get(
                "Item"
            )
        except ClientError as exc:
            raise RepositoryError(f"statistics read failed for contact {contact_id}") from exc
        return item

    def _replace(self, event: ContactEvent, held: dict[str, Any] | None) -> bool:
        """One transaction: the event (if the held version is unchanged) and the aggregates' change."""
        return self._transact([(event, held)])

    def _transact(self, group: Sequence[tuple[ContactEvent, dict[str, Any] | None]]) -> bool:
        """One transaction for some contacts (distinct): each event written on condition that the
        version read is still held, and every aggregate's summed change; False if any lost a race."""
        name = self._table.name
        puts: list[dict[str, Any]] = []
        changes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for event, held in group:
            new = contribution(event)
            put: dict[str, Any] = {"TableName": name, "Item": _event_item(event, new)}
            if held is None:
                put["ConditionExpression"] = "attribute_not_exists(pk)"
            else:
                put["ConditionExpression"] = "version_us = :held"
                put["ExpressionAttributeValues"] = {":held": held["version_us"]}
            puts.append({"Put": put})
            new_key = aggregate_key(event)
            old_counts = {k: int(v) for k, v in (held or {}).get("counts", {}).items()}
            old_key = {"pk": held["agg_pk"], "sk": held["agg_sk"]} if held else new_key
            # out of the old aggregate, into the new (the same one unless the contact moved day or number)
            changes[(old_key["pk"], old_key["sk"])].subtract(old_counts)
            changes[(new_key["pk"], new_key["sk"])].update(new)
        items = puts + [
            _add(name, {"pk": pk, "sk": sk}, {k: v for k, v in change.items() if v})
            for (pk, sk), change in changes.items()
            if any(change.values())
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons") or []
                if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or not reasons:
                    return False
            raise RepositoryError("statistics write failed for a batch of contacts") from exc
        return True

    def events(self, contact_ids: Sequence[str], attributes: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
        """The held events of some contacts (BatchGetItem, 100 keys a round trip), by contact id;
        with `attributes`, only those of each event (a projection: the call log reads five)."""
        projection: dict[str, Any] = {}
        if attributes:
            names = {f"#a{i}": name for i, name in enumerate(("pk", *attributes))}
            projection = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
        keys = [event_key(c) for c in dict.fromkeys(contact_ids)]
        items = batch_get_all(self._table, keys, "contact events", **projection)
        return {str(item["pk"]).removeprefix("CONTACT#"): item for item in items}

    def month(self, tenant_id: str, month: str) -> MonthRead:
        """Every day's aggregate of a tenant's month: one Query (and its pages)."""
        days: list[DayAggregate] = []
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": month_key(tenant_id, month)},
        }
        round_trips = 0
        while True:
            try:
                page = self._table.query(**kwargs)
            except ClientError as exc:
                raise RepositoryError(f"statistics read failed for {month}") from exc
            round_trips += 1
            for item in page.get("Items", []):
                day, _, number = str(item["sk"]).partition("#")
                counts = {k: int(v) for k, v in item.items() if k not in ("pk", "sk")}
                if any(counts.values()):  # not a day every contact of which moved to another
                    days.append(DayAggregate(day=day, number=number, counts=counts))
            if "LastEvaluatedKey" not in page:
                return MonthRead(days=days, round_trips=round_trips)
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
