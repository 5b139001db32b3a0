"""Use cases of statistics: read a customer's month (and its CSV). Recording: statistics.recorder."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telefonist.edge.errors import ForbiddenError
from telefonist.edge.identity import Caller, Group
from telefonist.statistics.aggregates import SUMMARY_FIELDS, add_up
from telefonist.statistics.api_models import MonthStatisticsView


class MonthSource(Protocol):
    def month(self, tenant_id: str, month: str) -> Any: ...  # .days: DayAggregate (day, number, counts)


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


def reader_tenant(caller: Caller, tenant_id: str | None, what: str) -> str:
    """The customer whose month `caller` may read: with no `tenant_id`, their own, if they are its
    administrators; a named customer's (the finance routes) if they are in the finance group."""
    if tenant_id is None:
        if caller.tenant_id is None or not caller.in_group(Group.ADMINS):
            raise ForbiddenError(f"only the customer's administrators may read {what}")
        return caller.tenant_id
    if not caller.in_group(Group.FINANCE):
        raise ForbiddenError("this route is for the finance group")
    return tenant_id


@dataclass
class StatisticsQueries:
    """Who may read which customer's statistics: its administrators their own, finance any."""

    source: MonthSource

    def own_month(self, caller: Caller, month: str) -> MonthStatisticsView:
        return self._month(reader_tenant(caller, None, "its statistics"), month)

    def customer_month(self, caller: Caller, tenant_id: str, month: str) -> MonthStatisticsView:
        return self._month(reader_tenant(caller, tenant_id, "its statistics"), month)

    def _month(self, tenant_id: str, month: str) -> MonthStatisticsView:
        return MonthStatisticsView.model_validate(month_statistics(month, self.source.month(tenant_id, month).days))
