"""`telefonist rate PATH|-`: CTR JSON lines in, one JSON billing line per billable contact out.

The same rating code as the Lambda function. Bad lines go to standard error as one JSON object
each (line number and reason); the run goes on; exit status 2 when anything was rejected.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, Any

EXIT_REJECTED = 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("rate", help="rate CTR JSON lines (a file or - for stdin) to billing lines")
    parser.add_argument("path", help="file of CTR JSON records, one per line, or - for standard input")
    parser.add_argument(
        "--price-list",
        type=Path,
        default=None,
        help="JSON price list ({version, valid_from, amounts_ore}) or price book ({versions: [...]}); "
        "default: the built-in list",
    )
    parser.set_defaults(run=run)


def load_price_book(path: Path | None) -> Any:
    """The price book of a JSON file (one list or several versions); the sample list without one."""
    from telefonist.models.price_list import PriceBook, PriceList
    from telefonist.sample_data import DEFAULT_PRICE_LIST

    if path is None:
        return PriceBook(versions=[DEFAULT_PRICE_LIST])
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "versions" in data:
        return PriceBook.model_validate(data)
    return PriceBook(versions=[PriceList.model_validate(data)])


def rate_stream(source: IO[str], price_book: Any, out: IO[str], err: IO[str]) -> int:
    """Rate every line of `source`; lines to `out`, rejections to `err`; the number rejected."""
    from telefonist.rating.engine import LatestLines, OutcomeStatus, rate_record

    latest = LatestLines()
    rejected = 0
    for number, text in enumerate(source, start=1):
        if not text.strip():
            continue
        outcome = rate_record(text, price_book)
        if outcome.status is OutcomeStatus.REJECTED:
            rejected += 1
            report = {"line": number, "reason": outcome.reason}
            if outcome.contact_id:
                report["contact_id"] = outcome.contact_id
            err.write(json.dumps(report, ensure_ascii=False) + "\n")
        elif outcome.line is not None:
            latest.offer(outcome.line)
    for line in latest.lines():
        out.write(line.model_dump_json() + "\n")
    return rejected


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    try:
        price_book = load_price_book(args.price_list)
    except (OSError, ValueError, ValidationError) as exc:
        sys.stderr.write(json.dumps({"price_list": str(args.price_list), "reason": str(exc).splitlines()[0]}) + "\n")
        return EXIT_REJECTED
    if args.path == "-":
        rejected = rate_stream(sys.stdin, price_book, sys.stdout, sys.stderr)
    else:
        try:
            with open(args.path, encoding="utf-8", errors="replace") as source:
                rejected = rate_stream(source, price_book, sys.stdout, sys.stderr)
        except OSError as exc:
            sys.stderr.write(json.dumps({"path": args.path, "reason": exc.strerror or str(exc)}) + "\n")
            return EXIT_REJECTED
    return EXIT_REJECTED if rejected else 0
