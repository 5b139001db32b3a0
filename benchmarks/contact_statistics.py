"""Statistics benchmark (issue 20): a customer with `--contacts` contacts in a month (default 100,000).

1. Build cost per contact, CPU: each CTR's JSON to its contact event, contribution and delta
   against an earlier version (what functions/contact_stats computes per record), over every contact.
2. Build cost per contact, store: `--sample` contacts (default 500) and a newer version of every
   fourth, in batches of 100 through the function's recorder into DynamoDB (moto, in process):
   round trips per version (counted on botocore's events) and wall time per version (moto's, not
   DynamoDB's latency).
3. The month's read: the month's aggregates (every contact's contribution added up per day and
   number, as the store would hold them) written to the table, then read through
   `StatisticsRepository.month` (round trips and time, best of `--runs`) and summarised
   (`month_statistics`: per day and number, per day, the month).

    PYTHONPATH=layers:. python benchmarks/contact_statistics.py [--contacts 100000] [--sample 500] [--runs 5]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NUMBERS = ["+46850000001", "+46850000002", "+46850000003", "+46850000004", "+46850000005"]
MONTH_START = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def synthetic_ctr(rng: random.Random, n: int, tenant: str, version: int = 0) -> dict[str, Any]:
    began = MONTH_START + timedelta(days=rng.randrange(30), seconds=rng.randrange(14 * 3600))
    wait = int(rng.expovariate(1 / 18))
    abandoned = rng.random() < 0.06
    talk, acw = int(rng.triangular(5, 240, 25)), int(rng.triangular(0, 30, 3))
    queue = {
        "EnqueueTimestamp": _iso(began),
        "DequeueTimestamp": _iso(began + timedelta(seconds=wait)),
        "Duration": wait,
    }
    attributes = {"tenant_id": tenant, "lookup": "ok", "route_action": "queue"}
    if not abandoned and rng.random() < 0.25:
        attributes["message_channels"] = rng.choice(["sms", "email", "sms,email"])
    record: dict[str, Any] = {
        "ContactId": f"c-{n:07d}",
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": _iso(began - timedelta(seconds=5)),
        "LastUpdateTimestamp": _iso(began + timedelta(seconds=wait + talk + acw + 60 + version)),
        "Attributes": attributes,
        "SystemEndpoint": {"Address": rng.choice(NUMBERS), "Type": "TELEPHONE_NUMBER"},
        "Queue": queue,
        "Agent": None,
    }
    if not abandoned:
        record["Agent"] = {
            "ConnectedToAgentTimestamp": _iso(began + timedelta(seconds=wait)),
            "AgentInteractionDuration": talk,
            "AfterContactWorkDuration": acw if version else 0,
        }
        if rng.random() < 0.4:
            record["TransferCompletedTimestamp"] = _iso(began + timedelta(seconds=wait + talk))
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from telefonist_local.local_aws import FAKE_CREDENTIALS

    os.environ.update(FAKE_CREDENTIALS)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3
    from moto import mock_aws
    from telefonist import config
    from telefonist.dal.statistics_repository import StatisticsRepository, month_key
    from telefonist.statistics.aggregates import contribution, delta
    from telefonist.statistics.events import contact_event
    from telefonist.statistics.recorder import StatisticsRecorder
    from telefonist.statistics.service import month_statistics

    from telefonist_local.local_aws import create_resources

    tenant = "bench"
    rng = random.Random(20)
    raws = [json.dumps(synthetic_ctr(rng, n, tenant, version=1)).encode() for n in range(args.contacts)]

    def nobody(_number: str) -> str | None:
        return None

    # 1. CPU per contact: event, contribution, and the delta against an empty or earlier version
    days: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    started_cpu, started = time.process_time(), time.perf_counter()
    for raw in raws:
        event = contact_event(raw, nobody)
        assert event is not None
        counts = contribution(event)
        delta(None, counts)
        days[(event.day.isoformat(), event.number)].update(counts)
    cpu_us = (time.process_time() - started_cpu) / len(raws) * 1e6
    wall_us = (time.perf_counter() - started) / len(raws) * 1e6
    month = MONTH_START.strftime("%Y-%m")

    with mock_aws():
        created = create_resources()
        table = boto3.resource("dynamodb").Table(created.environment[config.ENV_STATISTICS_TABLE])
        calls: Counter[str] = Counter()
        table.meta.client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
        repo = StatisticsRepository(table)
        # 2. the store path on a sample (its own tenant, so the month below holds exactly --contacts)
        sample_rng = random.Random(21)
        sample = [synthetic_ctr(sample_rng, n, "sample", version=0) for n in range(args.sample)]
        # first versions, then a newer version of every fourth contact (after-contact work added),
        # delivered in batches of 100 as the event source mapping hands them to the function
        newer = [
            dict(r, LastUpdateTimestamp=_iso(datetime.fromisoformat(r["LastUpdateTimestamp"]) + timedelta(seconds=30)))
            for r in sample[::4]
        ]
        stream = [json.dumps(r).encode() for r in sample + newer]
        recorder = StatisticsRecorder(repo, nobody)
        calls.clear()
        started = time.perf_counter()
        for start in range(0, len(stream), 100):
            result = recorder.record_batch(stream[start : start + 100])
            assert not result.failed
        recorded = len(stream)
        store_wall_ms = (time.perf_counter() - started) / recorded * 1e3
        store_calls = dict(calls)
        round_trips_per_version = sum(calls.values()) / recorded

        # 3. the month of --contacts contacts, as the aggregates hold it, then read
        with table.batch_writer() as batch:
            for (day, number), counts in days.items():
                batch.put_item(Item={"pk": month_key(tenant, month), "sk": f"{day}#{number}", **counts})
        reads: list[tuple[float, int, float]] = []
        for _ in range(args.runs):
            calls.clear()
            started = time.perf_counter()
            read = repo.month(tenant, month)
            read_ms = (time.perf_counter() - started) * 1e3
            started = time.perf_counter()
            stats = month_statistics(month, read.days)
            summary_ms = (time.perf_counter() - started) * 1e3
            reads.append((read_ms, sum(calls.values()), summary_ms))
        assert stats["total"]["offered"] == sum(1 for _ in raws) - stats["total"]["closed"]
    best = min(reads)
    result = {
        "benchmark": "statistics",
        "contacts": args.contacts,
        "build_cpu_us_per_contact": round(cpu_us, 1),
        "build_wall_us_per_contact": round(wall_us, 1),
        "store_sample_versions": recorded,
        "store_round_trips_per_version": round(round_trips_per_version, 2),
        "store_calls": store_calls,
        "store_wall_ms_per_version_moto": round(store_wall_ms, 2),
        "month_items": len(read.days),
        "month_read_round_trips": best[1],
        "month_read_ms_moto": round(best[0], 1),
        "month_summary_ms": round(best[2], 1),
        "month_offered": stats["total"]["offered"],
        "month_wait_p50_p90": [stats["total"]["wait_p50"], stats["total"]["wait_p90"]],
        "load_average": round(os.getloadavg()[0], 1),
    }
    print(
        f"{args.contacts:,} contacts: build {cpu_us:.1f} µs CPU per contact; "
        f"store {round_trips_per_version:.2f} round trips per version ({store_calls})"
    )
    print(
        f"month read: {best[1]} round trip(s), {best[0]:.1f} ms (moto), "
        f"summary {best[2]:.1f} ms, {len(read.days)} items"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
