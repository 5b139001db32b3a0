"""`telefonist demo`: the main job, locally, against moto's server on 127.0.0.1."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("demo", help="run a week of calls end to end locally (no AWS account)")
    parser.add_argument("--calls", type=_positive, default=200, help="simulated calls (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="random seed: the same seed, the same week")
    parser.add_argument(
        "--date", type=date.fromisoformat, default=None, help="first day of the simulated week (default 2027-01-04)"
    )
    parser.add_argument("--people", type=_positive, default=50, help="people in the demo directory")
    parser.add_argument("--port", type=int, default=None, help="moto server port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--report", type=Path, default=None, help="write the full report (JSON) to this file")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="the functions' AWS calls to moto's server application without the socket (faster; default: over HTTP)",
    )
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    # Before the functions' modules create their loggers: only warnings on the console.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    from telefonist_local.demo.present import present
    from telefonist_local.demo.run import DEFAULT_WEEK, DemoSettings, run_demo
    from telefonist_local.local_aws import LocalAwsError

    settings = DemoSettings(
        calls=args.calls,
        seed=args.seed,
        week_start=args.date or DEFAULT_WEEK,
        people=args.people,
        port=args.port,
        report_path=args.report,
        progress=not args.no_progress and sys.stderr.isatty(),
        in_process=args.in_process,
    )
    try:
        report = run_demo(settings)
    except LocalAwsError as exc:
        print(f"telefonist demo: {exc}", file=sys.stderr)
        return 1
    present(report)
    # One machine-readable line; the rows behind it are in --report.
    compact = {**report.summary(), "unresolved": len(report.unresolved), "invoice": len(report.invoice)}
    print(json.dumps(compact, ensure_ascii=False, default=str))
    return 0 if report.ok else 1
