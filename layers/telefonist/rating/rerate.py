"""Re-rating a month from the raw CTR archive, after a price-list change (or a new route)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from telefonist.rating.engine import OutcomeStatus
from telefonist.rating.line import BillingLine
from telefonist.rating.service import RatingService, ReceivedRecord, RecordResult
from telefonist.rating.spool import LatestLineSpool

# The archive is by UTC arrival day; a month's calls arrive from its first local hour (the day
# before in UTC) until some days after its end (CTRs are re-published when updated).
DAYS_BEFORE_MONTH = 1
DAYS_AFTER_MONTH = 7
COMMIT_LINES = 10_000  # lines per table commit: few, large files
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of a `YYYY-MM` text; ValueError naming the expected form."""
    match = _MONTH.match(text)
    if not match:
        raise ValueError(f"month must be YYYY-MM, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def archive_days(month: str) -> list[date]:
    """The archive days that can hold CTRs of calls answered in a (Stockholm) month."""
    year, number = parse_month(month)
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    start = first - timedelta(days=DAYS_BEFORE_MONTH)
    end = following + timedelta(days=DAYS_AFTER_MONTH - 1)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass
class RerateSummary:
    month: str
    records: int = 0
    rejected: int = 0
    not_billable: int = 0
    other_months: int = 0
    lines: int = 0
    written: int = 0
    stale: int = 0


def rerate_month(
    month: str,
    records: Iterable[ReceivedRecord],
    service: RatingService,
    progress: Callable[[int], None] = lambda _n: None,
) -> RerateSummary:
    """Rate every archived record again and replace the month's lines (newest version per contact).

    Bad records were quarantined when first received; here they are only counted. Each line goes
    through the ledger like a live one, so a version older than the ledger's is never written.
    Lines wait on disk until the end (telefonist.rating.spool), then go to the table in commits
    of COMMIT_LINES.
    """
    parse_month(month)
    summary = RerateSummary(month=month)
    with LatestLineSpool() as latest:
        for record in records:
            summary.records += 1
            outcome = service.rate(record)
            if outcome.status is OutcomeStatus.REJECTED:
                summary.rejected += 1
            elif outcome.line is None:
                summary.not_billable += 1
            elif outcome.line.month != month:
                summary.other_months += 1
            else:
                latest.offer(outcome.line)
            progress(1)
        summary.lines = len(latest)
        chunk = []
        for line in latest.lines():
            chunk.append(line)
            if len(chunk) == COMMIT_LINES:
                _store(chunk, service, summary)
                chunk = []
        _store(chunk, service, summary)
    return summary


def _store(lines: list[BillingLine], service: RatingService, summary: RerateSummary) -> None:
    if not lines:
        return
    batch = service.store_lines(lines)
    if batch.errors:
        raise next(iter(batch.errors.values()))
    for result in batch.results:
        if result is RecordResult.BILLED:
            summary.written += 1
        elif result is RecordResult.QUARANTINED:  # quarantined when it was received, like any rejected record
            summary.rejected += 1
        else:
            summary.stale += 1
