"""Benchmark scripts run as `python benchmarks/<name>.py`, which puts benchmarks/ first on sys.path."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_no_benchmark_script_shadows_a_standard_library_module() -> None:
    # benchmarks/statistics.py once made every other script's `import statistics` load it instead.
    scripts = {path.stem for path in BENCHMARKS.glob("*.py")}
    assert scripts, "the benchmarks folder holds the scripts"
    assert not scripts & set(sys.stdlib_module_names)
