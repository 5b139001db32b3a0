"""Rating benchmark: 100,000 CTRs through the rating code, and a 10,000-record batch on moto.

Prints figures; the last line is JSON. Goal: rating ≤ 2× bare `json.loads` of the same records.
Run: PYTHONPATH=layers:. python benchmarks/rating.py [--records N] [--batch N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telefonist_local.local_aws import FAKE_CREDENTIALS

os.environ.update(FAKE_CREDENTIALS)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Telefonist")

from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import LatestLines, OutcomeStatus, rate_record

from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import ctr, kinesis_event


def make_records(count: int, seed: int = 6) -> list[bytes]:
    """Realistic CTRs for November 2026: mostly answered inbound, some legs and abandoned calls."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
    records = []
    for i in range(count):
        answered = start + timedelta(seconds=rng.randrange(30 * 86400))
        roll = rng.random()
        record = ctr(
            f"{i:08x}-bench-{rng.randrange(16**8):08x}",
            answered_utc=answered.strftime("%Y-%m-%dT%H:%M:%SZ"),
            talk=rng.choice([15, 30, 44, 60, 119, 121, 300]),
            acw=rng.choice([0, 5, 10, 30]),
            transfer_completed=roll < 0.3,
            transferred_to=roll < 0.2,
            initiation="TRANSFER" if roll > 0.95 else "INBOUND",
            agent=roll < 0.92 or roll > 0.95,
            tenant=None if roll < 0.05 else f"tenant-{rng.randrange(50)}",
            last_updated=(answered + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        records.append(json.dumps(record).encode())
    return records


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def kinesis_batch_on_moto(records: list[bytes]) -> dict[str, float]:
    """One Kinesis event of `records` through the function's handler, against in-process moto."""
    import boto3
    from moto import mock_aws
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.resources import CUSTOMER_TABLE

    from telefonist_local.local_aws import create_resources, patched_environment
    from telefonist_local.sample_data import demo_common_numbers, demo_tenant

    with mock_aws():
        created = create_resources()
        with patched_environment(created.environment):
            repo = CustomerRepository(boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name))
            repo.put_tenant(demo_tenant())
            for common in demo_common_numbers():
                repo.put_common_number("acme", common)
            repo.rebuild_routes("acme")
            repo.put_price_list(DEFAULT_PRICE_LIST)
            from functions.rating import handler

            event = kinesis_event(list(records), arrival=1795500000.0)
            started = time.perf_counter()
            response = handler.handle(event, handler.dependencies.__wrapped__())  # a cold container's wiring
            seconds = time.perf_counter() - started
            assert response == {"batchItemFailures": []}, response
            s3 = boto3.client("s3")
            objects = sum(
                page.get("KeyCount", 0)
                for page in s3.get_paginator("list_objects_v2").paginate(
                    Bucket=created.environment["BILLING_BUCKET_NAME"]
                )
            )
    return {"seconds": seconds, "records_per_second": len(records) / seconds, "line_objects": objects}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()

    price_book = PriceBook(versions=[DEFAULT_PRICE_LIST])
    records = make_records(args.records)
    mean_bytes = sum(map(len, records)) / len(records)
    print(f"{len(records)} CTRs, {mean_bytes:.0f} bytes each on average")

    def parse_all() -> None:
        for r in records:
            json.loads(r)

    def rate_all() -> None:
        for r in records:
            rate_record(r, price_book)

    loads = best_of(3, parse_all)
    rate = best_of(3, rate_all)
    per_ctr_us = rate / len(records) * 1e6
    loads_us = loads / len(records) * 1e6
    ratio = rate / loads
    print(f"json.loads: {loads_us:.2f} µs/CTR; rating: {per_ctr_us:.2f} µs/CTR; ratio {ratio:.2f}× (goal ≤ 2×)")

    outcomes = [rate_record(r, price_book) for r in records]
    counts = {status.value: sum(o.status is status for o in outcomes) for status in OutcomeStatus}
    del outcomes
    print(f"outcomes: {counts}")

    tracemalloc.start()
    latest = LatestLines()
    for r in records:
        outcome = rate_record(r, price_book)
        if outcome.line is not None:
            latest.offer(outcome.line)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mib = peak / 2**20
    print(f"peak memory rating {len(records)} CTRs, keeping {len(latest)} lines: {peak_mib:.1f} MiB (tracemalloc)")

    batch = kinesis_batch_on_moto(records[: args.batch])
    print(
        f"Kinesis batch of {args.batch} on moto: {batch['seconds']:.1f} s, "
        f"{batch['records_per_second']:.0f} records/s, {batch['line_objects']} line objects"
    )
    print(
        json.dumps(
            {
                "benchmark": "rating",
                "ctrs": len(records),
                "rating_us_per_ctr": round(per_ctr_us, 2),
                "json_loads_us_per_ctr": round(loads_us, 2),
                "ratio_to_json_loads": round(ratio, 2),
                "goal_ratio": 2.0,
                "meets_goal": ratio <= 2.0,
                "outcomes": counts,
                "peak_memory_mib": round(peak_mib, 1),
                "kinesis_batch_records": args.batch,
                "kinesis_batch_seconds": round(batch["seconds"], 2),
                "kinesis_batch_records_per_second": round(batch["records_per_second"]),
                "line_objects": batch["line_objects"],
            }
        )
    )


if __name__ == "__main__":
    main()
