"""Rating consumer throughput: a Kinesis batch through RatingService over fake ports with latencies.

The ports sleep as AWS would answer: 10 ms per DynamoDB write (the ledger's claim and mark),
50 ms per sink write (the table commit, the archive PUT, a quarantine PUT). One batch is what
the function's handler does: archive, then `process_batch`. Records per second of a `--batch`
record batch (distinct ContactIds; `--malformed` of them quarantined), median of `--runs`.
Goal: ≥ 200 records/s for 100 records.

`--redelivered N`: N records of the batch are exact redeliveries of records a previous batch
(processed first, untimed) already wrote, as Kinesis redelivers after a partial failure; the
DynamoDB writes per batch are counted (a redelivery costs its claim only: no mark, no commit row).

    PYTHONPATH=layers:. python benchmarks/rating_throughput.py [--batch 100] [--runs 5]
        [--ledger-ms 10] [--sink-ms 50] [--concurrency N] [--redelivered N]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telefonist.models.price_list import PriceBook
from telefonist.rating.line import BillingLine
from telefonist.rating.service import (
    DEFAULT_CONCURRENCY,
    LedgerDecision,
    RatingService,
    ReceivedRecord,
    RecordResult,
)

from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.fakes.rating import FakeArchive, FakeLedger, FakeLines, FakeQuarantine
from tests.rating_builders import ctr


class SlowLedger(FakeLedger):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.calls = 0

    def claim(self, contact_id: str, last_updated: datetime, line_key: str, *, rewrite: bool = False) -> LedgerDecision:
        time.sleep(self.seconds)
        self.calls += 1
        return super().claim(contact_id, last_updated, line_key, rewrite=rewrite)

    def mark_written(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None, forget: Sequence[str]
    ) -> bool:
        time.sleep(self.seconds)
        self.calls += 1
        return super().mark_written(contact_id, last_updated, line_key, tenant_id, forget)


class SlowLines(FakeLines):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def write(self, lines: Sequence[BillingLine], replacing: Mapping[str, Sequence[str]]) -> None:
        time.sleep(self.seconds)
        super().write(lines, replacing)


class SlowQuarantine(FakeQuarantine):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def quarantine(self, record: ReceivedRecord, reason: str) -> str:
        time.sleep(self.seconds)
        return super().quarantine(record, reason)


class SlowArchive(FakeArchive):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def archive(self, records: Sequence[ReceivedRecord]) -> str | None:
        time.sleep(self.seconds)
        return super().archive(records)


def make_batch(size: int, malformed: int, run: int, redelivered: int = 0) -> list[ReceivedRecord]:
    """`size` records; the last `redelivered` of them those of `make_batch(.., run=-run - 1)`."""
    arrival = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    records = []
    for i in range(size - redelivered):
        if i < malformed:
            data = b'{"ContactId": "broken'
        else:
            data = json.dumps(
                ctr(f"run{run}-c{i:04d}", answered_local="2026-11-24 09:15", talk=30 + i % 60, acw=i % 20)
            ).encode()
        records.append(
            ReceivedRecord(
                shard_id="shardId-000000000000",
                sequence_number=f"{run:04d}{i:08d}",
                arrival=arrival + timedelta(milliseconds=i),
                data=data,
            )
        )
    return records + make_batch(size, 0, -run - 1)[size - redelivered :] if redelivered else records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ledger-ms", type=float, default=10.0)
    parser.add_argument("--sink-ms", type=float, default=50.0)
    parser.add_argument("--malformed", type=int, default=0, help="records of the batch that are quarantined")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--redelivered", type=int, default=0, help="records of the batch written before")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")

    price_book = PriceBook(versions=[DEFAULT_PRICE_LIST])
    ledger_s, sink_s = args.ledger_ms / 1000, args.sink_ms / 1000
    walls, cpus, writes, results = [], [], [], {}
    for run in range(args.runs + 1):  # the first run warms up (imports, thread pool)
        ledger, lines = SlowLedger(ledger_s), SlowLines(sink_s)
        service = RatingService(
            price_book=lambda: price_book,
            resolve_tenant=lambda _number: None,
            ledger=ledger,
            lines=lines,
            quarantine=SlowQuarantine(sink_s),
            archive=SlowArchive(sink_s),
            concurrency=args.concurrency,
        )
        if args.redelivered:  # the batch that wrote them first
            assert not service.process_batch(make_batch(args.batch, 0, -run - 1)).failed()
            ledger.calls = lines.commits = 0
        records = make_batch(args.batch, args.malformed, run, args.redelivered)
        wall, cpu = time.perf_counter(), time.process_time()
        service.archive(records)  # as the handler does, before the batch
        batch = service.process_batch(records)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert not batch.failed(), batch.errors
        if run:
            walls.append(wall)
            cpus.append(cpu)
            writes.append(ledger.calls)
            results = {r.value: batch.results.count(r) for r in RecordResult if batch.results.count(r)}
            assert lines.commits == (1 if args.redelivered < args.batch else 0)
    wall = statistics.median(walls)
    rate = args.batch / wall
    floor = (args.sink_ms * 2 + args.ledger_ms * 2) / 1000  # archive + commit, one claim and one mark
    print(
        f"batch of {args.batch} ({results}), concurrency {args.concurrency}: median {wall * 1000:.0f} ms wall "
        f"(CPU {statistics.median(cpus) * 1000:.0f} ms), {rate:.0f} records/s (goal ≥ 200); "
        f"latency floor {floor * 1000:.0f} ms; {statistics.median(writes):.0f} DynamoDB writes "
        f"({args.redelivered} redelivered)"
    )
    print(
        json.dumps(
            {
                "benchmark": "rating_throughput",
                "batch": args.batch,
                "ledger_write_ms": args.ledger_ms,
                "sink_write_ms": args.sink_ms,
                "concurrency": args.concurrency,
                "redelivered": args.redelivered,
                "dynamodb_writes": statistics.median(writes),
                "results": results,
                "median_batch_ms": round(wall * 1000, 1),
                "median_cpu_ms": round(statistics.median(cpus) * 1000, 1),
                "records_per_second": round(rate),
                "goal_records_per_second": 200,
                "meets_goal": rate >= 200,
                "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            }
        )
    )


if __name__ == "__main__":
    main()
