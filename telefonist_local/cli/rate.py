"""`telefonist rate PATH|-`: CTRs in, one JSON billing line per billable contact out.

The same rating code as the Lambda function. The input is JSON lines (one CTR object per line),
or a JSON document: one pretty-printed CTR, or a JSON array of CTRs (like spec/examples/*.json).
Bad records go to standard error as one JSON object each (the line they start on, their place
in an array, the reason); the run goes on, and the good lines are written whatever else fails;
exit status 2 when anything was rejected.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telefonist.rating.engine import RatingOutcome

EXIT_REJECTED = 2
INPUT_FORMS = (
    "one CTR JSON object per line (JSON lines), one pretty-printed CTR, or a JSON array of CTRs "
    "(like spec/examples/*.json)"
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "rate",
        help="rate CTRs (a file or - for stdin) to billing lines",
        description=f"Rate contact trace records to billing lines (JSON, one per line, on standard output). "
        f"Input: {INPUT_FORMS}. Each rejected record is one JSON object on standard error, with the line "
        f"it starts on; exit status {EXIT_REJECTED} when any was rejected.",
    )
    parser.add_argument("path", help=f"file of CTRs, or - for standard input: {INPUT_FORMS}")
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

    from telefonist_local.sample_data import DEFAULT_PRICE_LIST

    if path is None:
        return PriceBook(versions=[DEFAULT_PRICE_LIST])
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "versions" in data:
        return PriceBook.model_validate(data)
    return PriceBook(versions=[PriceList.model_validate(data)])


# One CTR of the input as JSON text: (the line it starts on, the text, its place in an array or
# None). A plain tuple: an object per CTR costs a microsecond, and only a rejection needs more.
SourceRecord = tuple[int, str, int | None]


def report(record: SourceRecord, reason: str) -> dict[str, Any]:
    """A rejection's report: the line the record starts on, its place in an array, the reason."""
    line, _text, index = record
    where: dict[str, Any] = {"line": line}
    if index is not None:
        where["record"] = index
    return {**where, "reason": reason}


class UnreadableDocument(ValueError):
    """A JSON document broken at a line: what came before it was read, nothing after can be."""

    def __init__(self, line: int) -> None:
        super().__init__(f"not valid JSON at line {line}")
        self.line = line


def _is_document(first_line: str) -> bool:
    """A JSON array, or an object whose first line holds only its brace (pretty-printed)."""
    stripped = first_line.strip()
    return stripped.startswith("[") or stripped == "{"


def _blank(text: str) -> bool:
    """Only white space (`isspace` stops at the first other character; `strip` copies the line)."""
    return not text or text.isspace()


def read_records(source: Iterable[str]) -> Iterator[SourceRecord]:
    """The CTRs of JSON lines or of a JSON document, each with the line it starts on.

    UnreadableDocument when a document breaks (after the records before the break); a bad line
    of JSON lines is a record like any other, rejected when rated.
    """
    lines = iter(source)
    for number, text in enumerate(lines, start=1):
        if _blank(text):
            continue
        if _is_document(text):
            yield from _document_records(text + "".join(lines), first_line=number)
            return
        yield number, text, None
        for later, more in enumerate(lines, start=number + 1):
            if more and not more.isspace():  # not _blank(more): a call less per CTR
                yield later, more, None
        return


_DECODER = json.JSONDecoder()


def _document_records(text: str, first_line: int) -> Iterator[SourceRecord]:
    """The records of a document: the elements of an array, or one or more objects in a row."""

    def line_of(position: int) -> int:
        return first_line + text.count("\n", 0, position)

    def skip_space(position: int) -> int:
        while position < len(text) and text[position].isspace():
            position += 1
        return position

    def value_end(position: int) -> int:
        try:
            return int(_DECODER.raw_decode(text, position)[1])
        except json.JSONDecodeError as exc:
            raise UnreadableDocument(line_of(exc.pos)) from None
        except ValueError:  # an integer too long to read: the element can only be skipped with the rest
            raise UnreadableDocument(line_of(position)) from None

    position = skip_space(0)
    if not text.startswith("[", position):
        while position < len(text):
            end = value_end(position)
            yield line_of(position), text[position:end], None
            position = skip_space(end)
        return
    position = skip_space(position + 1)
    index = 0
    while not text.startswith("]", position):
        if index and not text.startswith(",", position):
            raise UnreadableDocument(line_of(position))
        if index:
            position = skip_space(position + 1)
        index += 1
        end = value_end(position)
        yield line_of(position), text[position:end], index
        position = skip_space(end)
    if skip_space(position + 1) < len(text):
        raise UnreadableDocument(line_of(skip_space(position + 1)))


def rate_stream(
    source: Iterable[str],
    price_book: Any,
    out: IO[str],
    err: IO[str],
    rate: Callable[[str, Any], RatingOutcome] | None = None,
) -> int:
    """Rate every CTR of `source`; lines to `out`, rejections to `err`; the number rejected.

    Whatever fails for one record (or while reading the rest of the input) is reported and the
    run goes on: the lines of every good record are written at the end, newest version winning.
    Memory holds one integer per contact, not the lines (telefonist.rating.spool).
    """
    from telefonist.rating.engine import OutcomeStatus, rate_record
    from telefonist.rating.spool import LatestLineSpool

    rate = rate or rate_record
    rejected = 0
    is_rejected = OutcomeStatus.REJECTED  # once: an Enum member is a Python-level lookup

    def reject(report: dict[str, Any]) -> None:
        nonlocal rejected
        rejected += 1
        err.write(json.dumps(report, ensure_ascii=False) + "\n")

    with LatestLineSpool() as latest:  # lines wait on disk, not in memory (see telefonist.rating.spool)
        offer = latest.offer
        try:
            for record in read_records(source):
                try:
                    outcome = rate(record[1], price_book)
                except Exception as exc:  # a fault of the rating itself: this record is lost, not the run
                    reject(report(record, f"cannot be rated ({type(exc).__name__})"))
                    continue
                line = outcome.line
                if line is not None:  # billed (a rejected or not billable outcome has no line)
                    try:
                        offer(line)  # its JSON straight into the spool; unchanged if it cannot be written
                    except Exception as exc:
                        reject({"contact_id": line.contact_id, "reason": f"cannot be written ({type(exc).__name__})"})
                elif outcome.status is is_rejected:
                    rejection = report(record, outcome.reason or "rejected")
                    if outcome.contact_id:
                        rejection["contact_id"] = outcome.contact_id
                    reject(rejection)
        except UnreadableDocument as exc:
            reject({"line": exc.line, "reason": "not valid JSON"})
        except OSError as exc:
            reject({"reason": f"cannot read the input ({exc.strerror or type(exc).__name__})"})
        _write_lines(latest.json_lines(), out)
    return rejected


def _write_lines(lines: Iterable[bytes], out: IO[str]) -> None:
    """JSON lines (UTF-8) to `out`: as bytes to its buffer when it has one (no text decoding)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.writelines(data.decode("utf-8") for data in lines)
        return
    out.flush()
    buffer.writelines(lines)
    buffer.flush()


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    try:
        price_book = load_price_book(args.price_list)
    except (OSError, ValueError, ValidationError) as exc:
        sys.stderr.write(json.dumps({"price_list": str(args.price_list), "reason": str(exc).splitlines()[0]}) + "\n")
        return EXIT_REJECTED
    # What is loaded by now lives as long as the command: out of the collector's sight (gc.freeze).
    # Rating allocates no cycles, so young collections can be rare: ~10 % of the CPU per CTR.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    if args.path == "-":
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(errors="replace")  # bad bytes make a bad record, not a failed run
        rejected = rate_stream(sys.stdin, price_book, sys.stdout, sys.stderr)
    else:
        try:
            with open(args.path, encoding="utf-8", errors="replace") as source:
                rejected = rate_stream(source, price_book, sys.stdout, sys.stderr)
        except OSError as exc:
            sys.stderr.write(json.dumps({"path": args.path, "reason": exc.strerror or str(exc)}) + "\n")
            return EXIT_REJECTED
    return EXIT_REJECTED if rejected else 0
