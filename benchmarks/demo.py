"""`telefonist demo`'s speed: wall and CPU seconds of the whole command, its phases, the machine's load.

Each run is `python -m telefonist_local.cli demo --calls N` in its own process (moto's server
runs inside it, so its CPU counts); CPU time (user + system) comes from the children's resource
usage. The machine is shared, so CPU seconds are the comparable figure; wall time is printed
beside them with the load average before and after. Goals (issue 18, quiet 2-core machine):
200 calls under 15 s, 1,000 calls under 60 s.

`--against DIR` runs another checkout of the project (e.g. a `git worktree` of an older commit)
alternately with this one, each round in turn first, and checks that both print the same
invoice, statistics and billing lines.

    python benchmarks/demo.py [--calls 200] [--rounds 1] [--against DIR]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# What the two checkouts must agree on: everything the demo reports but its timings.
COMPARED = (
    "calls",
    "billable",
    "rated_contacts",
    "invoice",
    "over_budget",
    "unresolved",
    "messages_per_channel",
    "lines",
)


def run_once(checkout: Path, calls: int) -> dict[str, Any]:
    """One `telefonist demo` of `checkout` in its own process: wall and CPU seconds, phases, report."""
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "telefonist_local.cli", "demo", "--calls", str(calls), "--no-progress"]
        environment = {**os.environ, "PYTHONPATH": f"{checkout / 'layers'}{os.pathsep}{checkout}"}
        # As `make demo` on a developer's machine: modules compiled once, not at every run (an
        # environment that forbids writing bytecode would recompile some 1,800 modules per run).
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        load_before = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [*command, "--report", str(report_path)],
            cwd=tmp,  # the function logs (demo-out/) go there too
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = json.loads(report_path.read_text())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "phases_s": report["timings_s"],
        "phases_cpu_s": report.get("cpu_s", {}),  # an older checkout's report may not have them
        "ok": report["ok"],
        # the table's rows in contact order: the order of its files is not the demo's output
        "report": {key: report.get(key) for key in COMPARED}
        | {"lines": sorted(report["lines"], key=lambda line: str(line["contact_id"]))},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--against", type=Path, default=None, help="another checkout, run alternately")
    args = parser.parse_args()
    checkouts = {"this": ROOT} | ({"against": args.against.resolve()} if args.against else {})
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in checkouts}
    for round_number in range(args.rounds):
        order = list(checkouts) if round_number % 2 == 0 else list(reversed(checkouts))
        for label in order:
            run = run_once(checkouts[label], args.calls)
            runs[label].append(run)
            print(
                f"{label:8s} {args.calls} calls: {run['wall_s']:6.1f} s wall, {run['cpu_s']:6.1f} s CPU, "
                f"load {run['load'][0]}-{run['load'][1]}, phases {run['phases_s']}, "
                f"phases' CPU {run['phases_cpu_s']}, ok {run['ok']}"
            )
    reports = [json.dumps(run.pop("report"), sort_keys=True, default=str) for label in runs for run in runs[label]]
    result = {
        "calls": args.calls,
        "same_output": len(set(reports)) == 1,
        **{
            label: {"cpu_s": [r["cpu_s"] for r in rs], "wall_s": [r["wall_s"] for r in rs], "runs": rs}
            for label, rs in runs.items()
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
