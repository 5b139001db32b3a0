"""Import cost of each function's handler in two trees (e.g. two commits), interleaved, as CPU time.

Each measurement is a fresh interpreter importing `functions.<name>.handler` with only that tree's
`layers` and root on the path; before and after alternate (with an `import boto3` baseline) so both
see the same load on a shared machine. The figure is the child's CPU time (user + system), the
median over runs; `change_pct` is after against before.

    git archive <before> | tar -x -C /tmp/before; git archive <after> | tar -x -C /tmp/after
    python benchmarks/handler_imports.py --before /tmp/before --after /tmp/after [--runs 7] [--only a,b]

The last line is JSON. Goal (issue 17): no handler's import grows by more than 10 %.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

GOAL_PCT = 10.0


def cpu_of(tree: Path, code: str) -> float:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": f"{tree / 'layers'}{os.pathsep}{tree}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], env=env, cwd=tree, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="comma-separated function names")
    args = parser.parse_args()
    names = (
        args.only.split(",")
        if args.only
        else sorted(
            p.name
            for p in (args.after / "functions").iterdir()
            if (p / "handler.py").is_file() and (args.before / "functions" / p.name / "handler.py").is_file()
        )
    )
    load_before = os.getloadavg()[0]
    results = {}
    for name in names:
        code = f"import functions.{name}.handler"
        trees = {"before": args.before, "after": args.after}
        for tree in trees.values():
            cpu_of(tree, code)  # .pyc files written: not a cold-start cost in Lambda
        cpu: dict[str, list[float]] = {key: [] for key in trees}
        baseline = []
        for _ in range(args.runs):
            baseline.append(cpu_of(args.after, "import boto3"))
            for key, tree in trees.items():
                cpu[key].append(cpu_of(tree, code))
        before, after = statistics.median(cpu["before"]), statistics.median(cpu["after"])
        results[name] = {
            "before_cpu_s": round(before, 3),
            "after_cpu_s": round(after, 3),
            "change_pct": round(100 * (after - before) / before, 1),
            "boto3_cpu_s": round(statistics.median(baseline), 3),
        }
        print(f"{name:17} before {before:.3f} s  after {after:.3f} s  {results[name]['change_pct']:+.1f} %", flush=True)
    print(
        json.dumps(
            {
                "benchmark": "handler_imports",
                "measure": "child process CPU (user+sys) of importing the handler, median of interleaved runs",
                "runs": args.runs,
                "functions": results,
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "goal_pct": GOAL_PCT,
                "goal_met": all(r["change_pct"] <= GOAL_PCT for r in results.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
