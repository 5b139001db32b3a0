"""Use cases of statistics: record a batch of CTRs, read a customer's month (and its CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from telefonist.dal.errors import RepositoryError
from telefonist.edge.errors import ForbiddenError
from telefonist.edge.identity import Caller, Group
from telefonist.statistics.aggregates import SUMMARY_FIELDS, add_up
from telefonist.statistics.api_models import MonthStatisticsView
from telefonist.statistics.model import ContactEvent


class EventStore(Protocol):
    def record_many(self, events: Sequence[ContactEvent]) -> Sequence[Any]: ...


class MonthSource(Protocol):
    def month(self, tenant_id: str, month: str) -> Any: ...  # .days: DayAggregate (day, number, counts)


@dataclass
class BatchResult:
    recorded: int = 0  # events written (first or newer version)
    stale: int = 0  # redelivered or older versions: nothing written
    ignored: int = 0  # not an inbound contact of a customer, or not a CTR
    failed: list[int] = field(default_factory=list)  # indexes to retry (the store failed)


@dataclass
class StatisticsRecorder:
    store: EventStore
    resolve_tenant: Callable[[str], str | None]

    def record_batch(self, records: Sequence[bytes | str | dict[str, Any]]) -> BatchResult:
        """Each contact's newest version in the batch, written exactly once; a store failure fails
        the batch's records of a customer contact (the event source retries them; redelivery is harmless)."""
        from telefonist.statistics.events import contact_event  # rating's CTR parser: not on the API's path

        result = BatchResult()
        newest: dict[str, tuple[ContactEvent, list[int]]] = {}
        for index, raw in enumerate(records):
            try:
                event = contact_event(raw, self.resolve_tenant)
            except RepositoryError:  # the routing lookup failed: retried by the event source
                result.failed.append(index)
                continue
            if event is None:
                result.ignored += 1
                continue
            held = newest.get(event.contact_id)
            if held is None:
                newest[event.contact_id] = (event, [index])
                continue
            result.stale += 1  # an older (or the same) version of a contact in this batch
            held[1].append(index)
            if event.version_us > held[0].version_us:
                newest[event.contact_id] = (event, held[1])
        events = [event for event, _ in newest.values()]
        try:
            outcomes = self.store.record_many(events)
        except RepositoryError:  # the store failed: retried by the event source
            result.failed.extend(i for _, indexes in newest.values() for i in indexes)
            result.failed.sort()
            return result
        for outcome in outcomes:
            if str(outcome) == "recorded":
                result.recorded += 1
            else:
                result.stale += 1
        return result


CSV_COLUMNS = ("day", "number", *SUMMARY_FIELDS)


def month_statistics(month: str, days: Sequence[Any]) -> dict[str, Any]:
    """The month's figures: one row per day and number, a total per day, and the month's total.

    `days` are aggregates with `day`, `number` and `counts` (telefonist.dal.statistics_repository).
    """
    rows = [{"day": d.day, "number": d.number, **add_up([d.counts]).summary()} for d in days]
    rows.sort(key=lambda r: (r["day"], r["number"]))
    per_day: dict[str, list[Any]] = {}
    for d in days:
        per_day.setdefault(d.day, []).append(d.counts)
    totals = [{"day": day, **add_up(per_day[day]).summary()} for day in sorted(per_day)]
    return {"month": month, "rows": rows, "days": totals, "total": add_up(d.counts for d in days).summary()}


def statistics_csv(statistics: dict[str, Any]) -> str:
    """The month's rows as CSV (one line per day and common number)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in statistics["rows"]:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


@dataclass
class StatisticsQueries:
    """Who may read which customer's statistics: its administrators their own, finance any."""

    source: MonthSource

    def own_month(self, caller: Caller, month: str) -> MonthStatisticsView:
        if caller.tenant_id is None or not caller.in_group(Group.ADMINS):
            raise ForbiddenError("only the customer's administrators may read its statistics")
        return self._month(caller.tenant_id, month)

    def customer_month(self, caller: Caller, tenant_id: str, month: str) -> MonthStatisticsView:
        if not caller.in_group(Group.FINANCE):
            raise ForbiddenError("this route is for the finance group")
        return self._month(tenant_id, month)

    def _month(self, tenant_id: str, month: str) -> MonthStatisticsView:
        return MonthStatisticsView.model_validate(month_statistics(month, self.source.month(tenant_id, month).days))
