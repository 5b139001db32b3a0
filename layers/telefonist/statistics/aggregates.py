"""Daily aggregates per customer and common number, built incrementally from contact events.

A contact's contribution is a map of counter name -> integer; a day's aggregate is the sum of
its contacts' contributions. A newer version of a contact subtracts its old contribution and
adds its new one (`delta`), so that the aggregate never counts a contact twice, whatever the
order and number of deliveries. Waits and handling times are counted in fixed histogram buckets:
p50 and p90 read back as the upper bound of the bucket holding the nearest-rank percentile.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from telefonist.statistics.model import MESSAGE_CHANNELS, ContactEvent, Outcome

ANSWER_TARGET_SECONDS = 20  # answered within 20 s
HANDLING_BUDGET_SECONDS = 45  # the 45-second budget (billing's over_45s: strictly over)
# Bucket upper bounds in seconds: every second to a minute, then 5 s to 3 min, 30 s to 15 min,
# 5 min to an hour; beyond the last bound one open bucket (read back as None).
BUCKET_BOUNDS: tuple[int, ...] = (
    tuple(range(0, 61)) + tuple(range(65, 181, 5)) + tuple(range(210, 901, 30)) + tuple(range(1200, 3601, 300))
)
OVERFLOW = "over"
COUNTERS = (
    "offered",
    "answered",
    "abandoned",
    "closed",
    "fallback",
    "answered_20s",
    "over_45s",
    "transfers",
    "wait_seconds",
    "handling_seconds",
    *tuple(f"messages_{channel}" for channel in MESSAGE_CHANNELS),
)
WAIT_PREFIX, HANDLING_PREFIX = "w_", "h_"
# What a summary holds: the counts (not the sums of seconds), shares and percentiles.
SUMMARY_FIELDS = (
    *(name for name in COUNTERS if not name.endswith("_seconds")),
    "answered_20s_share",
    "over_45s_share",
    "wait_p50",
    "wait_p90",
    "handling_p50",
    "handling_p90",
)


def bucket_of(seconds: int) -> str:
    """The histogram bucket holding `seconds`: its upper bound, or OVERFLOW."""
    index = bisect_left(BUCKET_BOUNDS, seconds)
    return str(BUCKET_BOUNDS[index]) if index < len(BUCKET_BOUNDS) else OVERFLOW


def contribution(event: ContactEvent) -> dict[str, int]:
    """What one contact adds to its day's aggregate (counters that are zero are left out)."""
    counts: Counter[str] = Counter()
    answered = event.outcome is Outcome.ANSWERED
    queued = event.outcome is not Outcome.CLOSED
    counts["offered"] += queued
    counts["answered"] += answered
    counts["abandoned"] += event.outcome is Outcome.ABANDONED
    counts["closed"] += event.outcome is Outcome.CLOSED
    counts["fallback"] += event.fallback
    if queued:
        counts[WAIT_PREFIX + bucket_of(event.wait_seconds)] += 1
        counts["wait_seconds"] += event.wait_seconds
    if answered:
        counts["answered_20s"] += event.wait_seconds <= ANSWER_TARGET_SECONDS
        counts["over_45s"] += event.handling_seconds > HANDLING_BUDGET_SECONDS
        counts[HANDLING_PREFIX + bucket_of(event.handling_seconds)] += 1
        counts["handling_seconds"] += event.handling_seconds
        counts["transfers"] += event.transferred
        for channel in event.message_channels:
            counts[f"messages_{channel}"] += 1
    return {name: count for name, count in counts.items() if count}


def delta(old: Mapping[str, int] | None, new: Mapping[str, int]) -> dict[str, int]:
    """new - old, the counters that change."""
    change = Counter(new)
    change.subtract(old or {})
    return {name: count for name, count in change.items() if count}


def percentile(histogram: Mapping[str, int], share: float) -> int | None:
    """Nearest-rank percentile as a bucket's upper bound (None: empty, or beyond the last bound)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = math.ceil(share * total)
    seen = 0
    for bound in BUCKET_BOUNDS:
        seen += histogram.get(str(bound), 0)
        if seen >= rank:
            return bound
    return None


@dataclass(frozen=True)
class Aggregate:
    """The counters of one day and common number (or of a sum of them)."""

    counts: Mapping[str, int]

    def histogram(self, prefix: str) -> dict[str, int]:
        return {name[len(prefix) :]: n for name, n in self.counts.items() if name.startswith(prefix)}

    def summary(self) -> dict[str, Any]:
        """The figures the page and the CSV show."""
        c = self.counts
        answered = c.get("answered", 0)
        waits, handling = self.histogram(WAIT_PREFIX), self.histogram(HANDLING_PREFIX)
        result: dict[str, Any] = {name: int(c.get(name, 0)) for name in COUNTERS if not name.endswith("_seconds")}
        result.update(
            answered_20s_share=_share(c.get("answered_20s", 0), answered),
            over_45s_share=_share(c.get("over_45s", 0), answered),
            wait_p50=percentile(waits, 0.5),
            wait_p90=percentile(waits, 0.9),
            handling_p50=percentile(handling, 0.5),
            handling_p90=percentile(handling, 0.9),
        )
        return result


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def add_up(aggregates: Iterable[Mapping[str, int]]) -> Aggregate:
    total: Counter[str] = Counter()
    for counts in aggregates:
        total.update(counts)
    return Aggregate(dict(total))
