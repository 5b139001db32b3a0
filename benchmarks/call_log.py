"""Call log benchmark (issue 20): a customer with `--calls` billed calls in a month (default 30,000,
the call log's cap), rated into the billing table (Iceberg: a SQLite catalog and a local folder) and each with
its contact event in the statistics table (moto's DynamoDB; a third of them transferred to one of
50 people of the directory), read as the self-service routes read them (`CallLogQueries`):

1. a page (the first, and one deep in the month through its cursor): the month's lines (one scan
   of the partition), the page's 100 events (BatchGetItem) and the directory's names;
2. the whole month as CSV: every line, every event (BatchGetItem, 100 keys a round trip).

Round trips are counted on botocore's events (DynamoDB; the table scan reads local files); times
are moto's (no network), best of `--runs`, wall and CPU (process) time.

    PYTHONPATH=layers:. python benchmarks/call_log.py [--calls 30000] [--runs 3]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TENANT, MONTH = "acme", "2027-03"
PEOPLE = 50


def _best(runs: int, work: Callable[[], Any], calls: Counter[str]) -> tuple[float, float, dict[str, int], Any]:
    """(best wall ms, its CPU ms, DynamoDB calls of one run, the result)."""
    best: tuple[float, float, dict[str, int], Any] | None = None
    for _ in range(runs):
        calls.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        took = ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
        if best is None or took[0] < best[0]:
            best = (round(took[0], 1), round(took[1], 1), dict(calls), result)
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from telefonist_local.local_aws import FAKE_CREDENTIALS

    os.environ.update(FAKE_CREDENTIALS)
    os.environ.pop("AWS_ENDPOINT_URL", None)

    import boto3
    from moto import mock_aws
    from telefonist import config
    from telefonist.dal.billing_summary import TableBillingSummarySource
    from telefonist.dal.billing_table import BillingTable, BillingTableSettings
    from telefonist.dal.directory_names import DirectoryNameReader
    from telefonist.dal.statistics_repository import StatisticsRepository, _event_item
    from telefonist.edge.identity import Caller
    from telefonist.models.price_list import PriceBook
    from telefonist.rating.engine import rate_record
    from telefonist.statistics.aggregates import contribution
    from telefonist.statistics.call_log import CallLogQueries
    from telefonist.statistics.events import contact_event

    from telefonist_local.demo.ctr_builder import build_ctr
    from telefonist_local.demo.scenarios import generate_calls
    from telefonist_local.local_aws import create_resources
    from telefonist_local.sample_data import DEFAULT_PRICE_LIST
    from telefonist_local.self_service.demo_billing import _ABANDONED_SHARE

    book = PriceBook(versions=[DEFAULT_PRICE_LIST])
    with mock_aws():
        created = create_resources()
        if True:  # the tables' names from the resources created, as CDK passes them
            dynamodb = boto3.resource("dynamodb")
            # The month: simulated calls rated into lines, and each call's contact event.
            start = time.perf_counter()
            wanted = int(args.calls / (1 - _ABANDONED_SHARE)) + 50
            scenarios = generate_calls(wanted, 3, date(2027, 3, 1), ["+46850000001"], ["-"])
            lines, events = [], []
            for index, call in enumerate(scenarios):
                attributes = {"tenant_id": TENANT}
                if index % 3 == 0:
                    attributes["transfer_person_id"] = f"p{index % PEOPLE:05d}"
                ctr = build_ctr(call, attributes, transfer_to="+46701112233" if call.transferred else None)
                line = rate_record(ctr, book).line
                if line is None or line.month != MONTH:
                    continue
                lines.append(line)
                event = contact_event(ctr, lambda _number: TENANT)
                assert event is not None
                events.append(event)
                if len(lines) == args.calls:
                    break
            table = BillingTable(BillingTableSettings.local_folder(tempfile.mkdtemp(prefix="call-log-bench-")))
            table.write(lines, {})
            statistics_table = dynamodb.Table(created.environment[config.ENV_STATISTICS_TABLE])
            with statistics_table.batch_writer() as batch:
                for event in events:
                    batch.put_item(Item=_event_item(event, contribution(event)))
            customers = dynamodb.Table(created.environment[config.ENV_CUSTOMER_TABLE])
            with customers.batch_writer() as batch:
                for n in range(PEOPLE):
                    batch.put_item(
                        Item={
                            "pk": f"TENANT#{TENANT}",
                            "sk": f"PERSON#p{n:05d}",
                            "entity": "person",
                            "person_id": f"p{n:05d}",
                            "first_name": f"First{n}",
                            "last_name": f"Last{n}",
                        }
                    )
            setup_s = time.perf_counter() - start

            calls: Counter[str] = Counter()
            client = dynamodb.meta.client
            client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
            queries = CallLogQueries(
                TableBillingSummarySource(table), StatisticsRepository(statistics_table), DirectoryNameReader(customers)
            )
            admin = Caller(subject="bench", tenant_id=TENANT, groups=frozenset({"admins"}))
            first = _best(args.runs, lambda: queries.own_page(admin, MONTH, 100, None), calls)
            cursor = first[3].next_cursor
            for _ in range(len(lines) // 200):  # half-way through the month, page by page
                cursor = queries.own_page(admin, MONTH, 100, cursor).next_cursor
            deep = _best(args.runs, lambda: queries.own_page(admin, MONTH, 100, cursor), calls)
            whole = _best(args.runs, lambda: queries.own_csv(admin, MONTH), calls)

    page = first[3]
    assert page.totals.count == len(lines)
    assert page.totals.amount_ore == sum(line.amount_ore for line in lines)
    assert whole[3].count("\r\n") == len(lines) + 1
    load = os.getloadavg()[0]
    print(f"month: {len(lines)} billed calls, {len(events)} contact events (setup {setup_s:.1f} s), load {load:.1f}")
    for name, (wall, cpu, trips, _) in (("first page", first), ("a page half-way", deep), ("CSV", whole)):
        print(f"{name:16} {wall:8.1f} ms wall {cpu:8.1f} ms CPU   DynamoDB calls {trips}")
    print(
        json.dumps(
            {
                "calls": len(lines),
                "load_1min": round(load, 1),
                "page_ms": first[0],
                "page_cpu_ms": first[1],
                "page_round_trips": first[2],
                "deep_page_ms": deep[0],
                "deep_page_cpu_ms": deep[1],
                "csv_ms": whole[0],
                "csv_cpu_ms": whole[1],
                "csv_round_trips": whole[2],
                "csv_bytes": len(whole[3].encode()),
            }
        )
    )


if __name__ == "__main__":
    main()
