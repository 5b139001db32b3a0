"""How long each store keeps personal data (issue 20), in one place; SECURITY.md lists it store by store.

Defaults are written here and in SECURITY.md; a deployment changes them with the CDK context key
`telefonist:retention` (e.g. `-c 'telefonist:retention={"ctr_archive_days": 800}'`), which only
lengthens or shortens what the lifecycle rules enforce. DynamoDB items carry their own expiry
(`expires_at`, written from these defaults), so a table's TTL needs no deployment-time number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

CONTEXT_KEY = "telefonist:retention"


@dataclass(frozen=True)
class Retention:
    """Days each store keeps what it holds."""

    messages_days: int = 90  # message log: TTL on MessageTable (`expires_at`)
    caller_history_days: int = 30  # caller history: TTL on StatisticsTable's CALLER# items
    # what became of each call (statistics' contact events, the call log's outcomes; a masked caller and
    # the person it went to): TTL on StatisticsTable's CONTACT# items, as long as the raw CTRs they come from
    contact_events_days: int = 396
    ctr_archive_days: int = 396  # raw CTRs, 13 months: S3 lifecycle on the archive bucket
    quarantine_days: int = 90  # bad CTRs kept whole for inspection: S3 lifecycle
    # bookkeeping (bokföringslagen 7 kap. 2 §): 7 years after the end of the (calendar) fiscal year,
    # see billing_months_to_delete; billing lines hold no caller number at all (only the dialled one)
    billing_lines_days: int = 7 * 366
    noncurrent_versions_days: int = 30  # replaced or deleted objects of versioned buckets
    query_results_days: int = 30  # Athena's result files

    @classmethod
    def from_context(cls, value: Any) -> Retention:
        """The defaults with a deployment's overrides (a dict of the fields above); unknown keys refused."""
        if not value:
            return cls()
        if not isinstance(value, dict):
            raise ValueError(f"{CONTEXT_KEY} must be an object of day counts")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"{CONTEXT_KEY}: unknown keys {unknown}")
        days = {k: int(v) for k, v in value.items()}
        if any(d < 1 for d in days.values()):
            raise ValueError(f"{CONTEXT_KEY}: every retention is at least one day")
        return replace(cls(), **days)


DEFAULT = Retention()


def billing_months_to_delete(months: Iterable[str], today: date, days: int) -> list[str]:
    """The months (YYYY-MM) whose billing lines may go: those whose calendar year ended more than `days` ago.

    Bokföringslagen keeps accounting records until the end of the seventh year after the fiscal
    year ended; telefonist's fiscal year is the calendar year, so a month's lines are counted from
    the end of their year, never from the month itself (that would delete January's lines eleven
    months early). With the default 7 × 366 days, the lines of 2019 go in the first run after
    5 January 2027; those of 2020 stay until 2028.
    """
    return sorted(m for m in set(months) if date(int(m[:4]), 12, 31) + timedelta(days=days) < today)
