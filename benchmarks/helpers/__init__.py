"""What the benchmark scripts share. A package, not a script: `make bench` runs benchmarks/*.py."""

from __future__ import annotations


def percentile(values: list[float], share: float) -> float:
    """The value at `share` (0.95 for p95) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
