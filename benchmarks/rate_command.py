"""`telefonist rate` over a large file: peak memory and time per CTR against bare `json.loads`.

`--ctrs` CTRs (default 1,000,000; benchmarks/rating.py's mix of November 2026 calls, 5 % of
them later versions of an earlier contact) are generated to a temporary JSON-lines file. Then,
each in its own process: `telefonist rate FILE > /dev/null`, and the baseline, the same file
read line by line with `json.loads` (no rating). CPU time (user + system) and peak resident
memory come from the children's resource usage; the machine is shared, so CPU time is the
figure compared. Goals: peak ≤ 400 MiB; time per CTR ≤ 2× the baseline's.

    PYTHONPATH=layers:. python benchmarks/rate_command.py [--ctrs 1000000]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.rating import make_records

ROOT = Path(__file__).resolve().parent.parent

BASELINE = "import json, sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"


def write_ctrs(path: Path, count: int, seed: int = 6) -> int:
    """`count` CTRs as JSON lines; 5 % re-send an earlier contact with a later LastUpdateTimestamp."""
    rng = random.Random(seed)
    shapes = [json.loads(record) for record in make_records(500, seed)]  # benchmarks/rating.py's mix
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            record = dict(rng.choice(shapes))
            if i and rng.random() < 0.05:
                record["ContactId"] = f"{rng.randrange(i):08x}-bench"
                record["LastUpdateTimestamp"] = "2026-12-02T10:00:00Z"
            else:
                record["ContactId"] = f"{i:08x}-bench"
            out.write(json.dumps(record))
            out.write("\n")
    return path.stat().st_size


def run_child(argv: list[str]) -> dict[str, float]:
    """Run a child process, its output discarded: wall and CPU seconds, peak resident MiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers'}:{ROOT}"}
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        completed = subprocess.run(argv, stdout=devnull, stderr=subprocess.PIPE, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 2):
        raise SystemExit(f"{argv} failed: {completed.stderr.decode()[-2000:]}")
    return {
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        # ru_maxrss of RUSAGE_CHILDREN is the largest child's so far: the rate run goes first
        "peak_mib": after.ru_maxrss / 1024,
        "stderr_lines": completed.stderr.count(b"\n"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ctrs", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")

    with tempfile.TemporaryDirectory(prefix="telefonist-rate-bench-") as tmp:
        path = Path(tmp) / "ctrs.jsonl"
        started = time.perf_counter()
        size = write_ctrs(path, args.ctrs)
        print(f"{args.ctrs} CTRs written ({size / 2**20:.0f} MiB) in {time.perf_counter() - started:.1f} s")
        rate = run_child([sys.executable, "-m", "telefonist_local.cli", "rate", str(path)])
        print(
            f"telefonist rate: {rate['wall_s']:.1f} s wall, {rate['cpu_s']:.1f} s CPU, peak {rate['peak_mib']:.0f} MiB"
        )
        baseline = run_child([sys.executable, "-c", BASELINE, str(path)])
        print(f"bare json.loads: {baseline['wall_s']:.1f} s wall, {baseline['cpu_s']:.1f} s CPU")

    rate_us = rate["cpu_s"] / args.ctrs * 1e6
    loads_us = baseline["cpu_s"] / args.ctrs * 1e6
    ratio = rate["cpu_s"] / baseline["cpu_s"]
    print(
        f"per CTR (CPU): rate {rate_us:.1f} µs, json.loads {loads_us:.1f} µs: {ratio:.2f}× (goal ≤ 2×); "
        f"peak {rate['peak_mib']:.0f} MiB (goal ≤ 400)"
    )
    print(
        json.dumps(
            {
                "benchmark": "rate_command",
                "ctrs": args.ctrs,
                "file_mib": round(size / 2**20),
                "rate_wall_s": round(rate["wall_s"], 1),
                "rate_cpu_s": round(rate["cpu_s"], 1),
                "rejected_reports": rate["stderr_lines"],
                "json_loads_cpu_s": round(baseline["cpu_s"], 1),
                "rate_us_per_ctr_cpu": round(rate_us, 2),
                "json_loads_us_per_ctr_cpu": round(loads_us, 2),
                "ratio_to_json_loads": round(ratio, 2),
                "goal_ratio": 2.0,
                "peak_memory_mib": round(rate["peak_mib"]),
                "goal_peak_mib": 400,
                "meets_goal": ratio <= 2.0 and rate["peak_mib"] <= 400,
                "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            }
        )
    )


if __name__ == "__main__":
    main()
