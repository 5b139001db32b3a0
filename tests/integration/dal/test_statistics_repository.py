"""The statistics table: a contact counted once whatever the deliveries, batches in few transactions,
a batch that lost a race to another writer still ends exactly right."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from telefonist import config
from telefonist.dal.statistics_repository import RecordResult, StatisticsRepository, event_key, month_key
from telefonist.statistics.aggregates import contribution
from telefonist.statistics.events import ContactEvent, Outcome

from telefonist_local.local_aws import LocalResources
from tests.builders.statistics import answered_call


def _event(
    contact: str, version: int, day: int = 4, handling: int = 30, outcome: Outcome = Outcome.ANSWERED
) -> ContactEvent:
    return answered_call(
        contact_id=contact, version_us=version, day=date(2027, 1, day), handling_seconds=handling, outcome=outcome
    )


@pytest.fixture
def repo(aws: LocalResources) -> StatisticsRepository:
    return StatisticsRepository(boto3.resource("dynamodb").Table(aws.environment[config.ENV_STATISTICS_TABLE]))


def _month(repo: StatisticsRepository) -> dict[str, dict[str, int]]:
    return {d.day: {k: v for k, v in d.counts.items() if v} for d in repo.month("acme", "2027-01").days}


def _expected(*events: ContactEvent) -> dict[str, dict[str, int]]:
    days: dict[str, Counter[str]] = {}
    for event in events:
        days.setdefault(event.day.isoformat(), Counter()).update(contribution(event))
    return {day: dict(c) for day, c in days.items()}


def test_newer_versions_replace_older_ones_and_redelivery_counts_nothing(repo: StatisticsRepository) -> None:
    assert repo.record(_event("c1", 1, handling=30)) is RecordResult.RECORDED
    assert repo.record(_event("c1", 1, handling=30)) is RecordResult.STALE
    assert repo.record(_event("c1", 3, day=5, handling=60)) is RecordResult.RECORDED  # moved to the 5th
    assert repo.record(_event("c1", 2, handling=40)) is RecordResult.STALE  # older, late
    assert _month(repo) == {"2027-01-05": _expected(_event("c1", 3, day=5, handling=60))["2027-01-05"]}


def test_a_batch_is_written_in_few_transactions(repo: StatisticsRepository) -> None:
    calls: Counter[str] = Counter()
    repo._client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
    events = [_event(f"c{n}", 1, day=4 + n % 3) for n in range(70)]
    assert set(repo.record_many(events)) == {RecordResult.RECORDED}
    assert calls == {"BatchGetItem": 1, "TransactWriteItems": 3}
    assert _month(repo) == _expected(*events)


def test_a_batch_that_lost_a_race_falls_back_contact_by_contact(repo: StatisticsRepository) -> None:
    repo.record(_event("c1", 1, handling=30))  # written by another invocation after this batch read

    class ReadBeforeTheRace(StatisticsRepository):
        def events(self, contact_ids: Any) -> dict[str, dict[str, Any]]:
            return {}

    racing = ReadBeforeTheRace(repo._table)
    results = racing.record_many([_event("c1", 2, handling=50), _event("c2", 1, outcome=Outcome.ABANDONED, handling=0)])
    assert results == [RecordResult.RECORDED, RecordResult.RECORDED]
    assert _month(repo) == _expected(
        _event("c1", 2, handling=50), _event("c2", 1, outcome=Outcome.ABANDONED, handling=0)
    )


def test_a_contact_event_expires_thirteen_months_after_its_day_and_the_aggregates_stay(
    aws: LocalResources, repo: StatisticsRepository
) -> None:
    repo.record(_event("c9", 1, day=4))
    table = boto3.resource("dynamodb").Table(aws.environment[config.ENV_STATISTICS_TABLE])
    event = table.get_item(Key=event_key("c9"))["Item"]
    assert int(event["expires_at"]) == int(datetime(2028, 2, 4, tzinfo=UTC).timestamp())  # 396 days on
    aggregates = table.query(KeyConditionExpression=Key("pk").eq(month_key("acme", "2027-01")))["Items"]
    assert aggregates
    assert all("expires_at" not in item for item in aggregates)
