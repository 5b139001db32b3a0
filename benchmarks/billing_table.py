"""Billing table benchmark: a month of billing lines in the local Iceberg table against one Parquet file.

1. `--lines` lines (default 1,000,000) for one month across `--tenants` customers (default 100;
   2 % of the lines unresolved), written to the local table (SQLite catalog, folder warehouse in a
   temporary directory) in commits of `--commit-lines`, and the same rows to one Parquet file.
2. Finance's four named queries (`telefonist_local.rating.finance`), each the best of `--runs`: against
   the table (PyIceberg's Arrow scan pruned to the partitions, then DuckDB, as `run_finance_query`
   does) before and after maintenance, and with DuckDB alone over the one file. Goal: table ≤ 2×.
3. Maintenance (`BillingTable.compact_month`): the month's data files before and after; the month
   is rewritten as sorted files of ~250,000 rows under the month-only partition spec. With
   `--partition-layout` (default) the former maintenance runs first (one file per month × customer
   partition, 101 files) and the queries and a re-version batch are measured there too, in the
   same run, for comparison.
4. The rating function's added cost per CTR: commits of `--batch` new lines (a first version: only
   an append) and of a batch whose lines re-version contacts of the compacted month (copy-on-write
   of the files holding them: `BillingTable.write`), and once through PyIceberg's delete(filter)
   as the writer did before (`--former`); Lambda time at 1,024 MB and the S3 PUTs.

Wall and CPU time are printed, both as ratios, with the load average (the machine is shared).
DuckDB runs with the same settings on both sides (Parquet metadata cache on).

    PYTHONPATH=layers:. python benchmarks/billing_table.py [--lines 1000000] [--tenants 100]
        [--commit-lines 50000] [--batch 100] [--runs 3] [--query-runs 7] [--no-partition-layout]
        [--former]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers"))

import pyarrow as pa
import pyarrow.parquet as pq
from telefonist.dal.billing_table import (
    LINE_SCHEMA,
    BillingTable,
    BillingTableSettings,
    _expressions,
    lines_to_arrow,
    replacement_filter,
)
from telefonist.rating.finance import QUERIES
from telefonist.rating.line import BillingLine, line_key

from telefonist_local.rating.finance import adapt_for_duckdb, run_finance_query

MONTH = "2026-11"
STOCKHOLM = timedelta(hours=1)  # November: CET
# Prices for the cost figure (AWS list prices, eu-north-1, x86_64): Lambda per GB-second, S3 PUT.
LAMBDA_GB_SECOND_USD = 0.0000166667
LAMBDA_MEMORY_GB = 1.0  # infra/constructs/rating_construct.py: memory_size=1024
S3_PUT_USD = 0.005 / 1000
METADATA_PUTS_PER_SNAPSHOT = 2  # manifest, manifest list (a commit: one or two snapshots)
METADATA_PUTS_PER_COMMIT = 1  # metadata.json


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def make_lines(count: int, tenants: int, seed: int = 19) -> pa.Table:
    """`count` lines of November 2026 as an Arrow table of LINE_SCHEMA."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # 2026-11-01 00:00 Stockholm
    tenant_names = [f"tenant-{n:03d}" for n in range(tenants)]
    columns: dict[str, list[Any]] = {field.name: [] for field in LINE_SCHEMA}
    for i in range(count):
        answered = start + timedelta(seconds=rng.randrange(30 * 86400))
        unresolved = rng.random() < 0.02
        talk = rng.choice([15, 30, 44, 60, 119, 121, 300])
        handling = talk + rng.choice([0, 5, 10, 30])
        tariff = rng.randrange(1, 7)
        columns["contact_id"].append(f"{i:08x}-{rng.getrandbits(64):016x}")
        columns["tenant_id"].append(None if unresolved else rng.choice(tenant_names))
        columns["tenant_source"].append("unresolved" if unresolved else "attribute")
        columns["tariff"].append(tariff)
        columns["period"].append("weekday_day" if tariff % 2 else "evening_weekend")
        columns["answered_at"].append((answered + STOCKHOLM).replace(tzinfo=None).isoformat() + "+01:00")
        columns["answered_at_utc"].append(answered)
        columns["month"].append(MONTH)
        columns["talk_seconds"].append(talk)
        columns["handling_seconds"].append(handling)
        columns["over_45s"].append(handling > 45)
        columns["transferred"].append(rng.random() < 0.2)
        columns["amount_ore"].append(2900 + 1000 * (tariff - 1))
        columns["price_list_version"].append("2026-01")
        columns["ctr_last_updated"].append(answered + timedelta(minutes=5))
        columns["dialed_number"].append(f"+4681234{rng.randrange(10000):04d}")
        columns["queue"].append(f"queue-{tariff}")
    return pa.Table.from_pydict(columns, schema=LINE_SCHEMA)


def timed(work: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Best wall and best CPU seconds of `runs` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def query_params(tenants: int) -> dict[str, dict[str, Any]]:
    return {
        "monthly_invoice": {"tenant_id": f"tenant-{tenants // 2:03d}", "month": MONTH},
        "monthly_invoices_all_customers": {"month": MONTH},
        "calls_over_45s_share": {"month": MONTH},
        "unresolved_lines": {"month": MONTH},
    }


def parquet_runner(path: Path) -> Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]:
    """The same SQL in DuckDB over one Parquet file (the baseline)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET parquet_metadata_cache = true")  # as the table's runner (telefonist_local.rating.finance)
    connection.execute(f"CREATE VIEW billing_lines AS SELECT * FROM read_parquet('{path}')")

    def run(name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        query = QUERIES[name]
        values = {**query.defaults, **params}
        return connection.execute(adapt_for_duckdb(query.sql), [values[p] for p in query.parameters]).fetchall()

    return run


def time_queries(
    run: Callable[[str, dict[str, Any]], Any], params: dict[str, dict[str, Any]], runs: int
) -> dict[str, dict[str, float]]:
    figures = {}
    for name, values in params.items():
        wall, cpu, result = timed(lambda name=name, values=values: run(name, values), runs)
        figures[name] = {"wall_s": round(wall, 4), "cpu_s": round(cpu, 4), "rows": len(result)}
    return figures


def batch_lines(data: pa.Table, count: int, rng: random.Random, reversion: bool) -> list[BillingLine]:
    """`count` lines as the rating function would commit them: new contacts, or newer versions of
    contacts already in the table (their row is replaced)."""
    rows = [data.slice(n, 1).to_pylist()[0] for n in rng.sample(range(data.num_rows), count)]  # distinct contacts
    lines = []
    for n, row in enumerate(rows):
        row = dict(row)
        row.pop("answered_at_utc")
        row["answered_at"] = datetime.fromisoformat(row["answered_at"])
        if reversion:
            row["ctr_last_updated"] = row["ctr_last_updated"] + timedelta(hours=1)
            row["amount_ore"] += 100
        else:
            row["contact_id"] = f"new-{rng.getrandbits(64):016x}-{n}"
        lines.append(BillingLine.model_validate(row))
    return lines


def commit_cost(
    table: BillingTable, data: pa.Table, batch: int, runs: int, reversion: bool, pyiceberg_delete: bool = False
) -> dict[str, float]:
    """A rating batch's commit (the sink write): seconds, data files written, cost per CTR.
    `pyiceberg_delete`: the former writer, PyIceberg's delete(filter) + append, for comparison."""
    rng = random.Random((7 if reversion else 8) + 10 * pyiceberg_delete)
    walls, cpus, files, rows, puts = [], [], [], [], []
    for _ in range(runs):
        lines = batch_lines(data, batch, rng, reversion)
        replacing = {line.contact_id: (line_key(line),) for line in lines} if reversion else {}
        table.table.refresh()
        parent = table.table.current_snapshot()
        wall, cpu = time.perf_counter(), time.process_time()
        if pyiceberg_delete:
            table.commit(lines_to_arrow(lines), replacement_filter(replacing))
        else:
            table.write(lines, replacing)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        summaries = commit_summaries(table, parent.snapshot_id if parent else None)
        files.append(sum(int(summary.get("added-data-files", "0") or 0) for summary in summaries))
        rows.append(sum(int(summary.get("added-records", "0") or 0) for summary in summaries))
        puts.append(files[-1] + METADATA_PUTS_PER_SNAPSHOT * len(summaries) + METADATA_PUTS_PER_COMMIT)
    wall = sorted(walls)[len(walls) // 2]
    put = sorted(puts)[len(puts) // 2]
    usd = (wall * LAMBDA_MEMORY_GB * LAMBDA_GB_SECOND_USD + put * S3_PUT_USD) / batch
    return {
        "batch": batch,
        "median_wall_s": round(wall, 3),
        "median_cpu_s": round(sorted(cpus)[len(cpus) // 2], 3),
        "data_files_written": sorted(files)[len(files) // 2],
        "rows_written": sorted(rows)[len(rows) // 2],
        "s3_puts": put,
        "ms_per_ctr": round(wall / batch * 1000, 2),
        "usd_per_million_ctrs": round(usd * 1e6, 2),
    }


def commit_summaries(table: BillingTable, before: int | None) -> list[Any]:
    """The summaries of the snapshots a commit made (a transaction may make two), newest first."""
    table.table.refresh()
    summaries = []
    snapshot = table.table.current_snapshot()
    while snapshot is not None and snapshot.snapshot_id != before:
        summaries.append(snapshot.summary)
        parent = snapshot.parent_snapshot_id
        snapshot = table.table.snapshot_by_id(parent) if parent is not None else None
    return summaries


def compact_per_partition(table: BillingTable, month: str) -> int:
    """The former maintenance: the month rewritten as one file per month × customer partition."""
    data = table.scan(month=month).sort_by([("tenant_id", "ascending"), ("contact_id", "ascending")])
    table.commit(data.cast(LINE_SCHEMA), _expressions().EqualTo("month", month))
    return table.data_files(month)


def compare(
    label: str, baseline: dict[str, dict[str, float]], figures: dict[str, dict[str, float]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Wall and CPU ratios of the table's queries to the one file's; printed."""
    ratios, cpu_ratios = {}, {}
    print(f"{label}: {'query':34} {'parquet':>9} {'table':>9} {'ratio':>7}  (best wall s; best CPU s, ratio)")
    for name, one_file in baseline.items():
        assert figures[name]["rows"] == one_file["rows"], name
        ratios[name] = round(figures[name]["wall_s"] / one_file["wall_s"], 2)
        cpu_ratios[name] = round(figures[name]["cpu_s"] / max(one_file["cpu_s"], 1e-6), 2)
        print(
            f"{label}: {name:34} {one_file['wall_s']:9.4f} {figures[name]['wall_s']:9.4f} {ratios[name]:6.2f}×  "
            f"(CPU {one_file['cpu_s']:.4f} / {figures[name]['cpu_s']:.4f}, {cpu_ratios[name]:.2f}×)"
        )
    return ratios, cpu_ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--commit-lines", type=int, default=50_000, help="lines per commit while loading")
    parser.add_argument("--batch", type=int, default=100, help="lines of a rating batch (cost per CTR)")
    parser.add_argument("--runs", type=int, default=3, help="commits of each kind for the cost figure")
    parser.add_argument("--query-runs", type=int, default=7, help="runs of each query (the best counts)")
    parser.add_argument(
        "--former",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also time one re-version batch through PyIceberg's delete(filter), the former writer",
    )
    parser.add_argument(
        "--partition-layout",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="first measure the former maintenance's layout (one file per month × customer partition)",
    )
    args = parser.parse_args()
    print(f"load average at start: {load()} ({os.cpu_count()} cores)")

    with tempfile.TemporaryDirectory(prefix="telefonist-billing-bench-") as tmp:
        started = time.perf_counter()
        data = make_lines(args.lines, args.tenants)
        print(f"{data.num_rows} lines generated in {time.perf_counter() - started:.1f} s")
        parquet_path = Path(tmp) / "lines.parquet"
        pq.write_table(data, parquet_path, compression="zstd")
        print(f"one Parquet file: {parquet_path.stat().st_size / 2**20:.1f} MiB")

        table = BillingTable(BillingTableSettings.local_folder(Path(tmp) / "table"))
        load_wall, load_cpu = time.perf_counter(), time.process_time()
        for offset in range(0, data.num_rows, args.commit_lines):
            table.commit(data.slice(offset, args.commit_lines), None)
        load_wall, load_cpu = time.perf_counter() - load_wall, time.process_time() - load_cpu
        commits = -(-data.num_rows // args.commit_lines)
        files_before = table.data_files(MONTH)
        print(
            f"table loaded in {commits} commits of ≤ {args.commit_lines} lines: {load_wall:.1f} s wall, "
            f"{load_cpu:.1f} s CPU; {files_before} data files (load {load()})"
        )

        params = query_params(args.tenants)
        baseline = time_queries(parquet_runner(parquet_path), params, args.query_runs)
        before = time_queries(lambda name, values: run_finance_query(name, table, values), params, args.query_runs)

        compare("before maintenance", baseline, before)

        former_layout = None
        if args.partition_layout:
            wall, cpu, files = timed(lambda: compact_per_partition(table, MONTH), 1)
            print(f"former maintenance: {wall:.1f} s wall, {cpu:.1f} s CPU; data files {files_before} → {files}")
            queries = time_queries(lambda name, values: run_finance_query(name, table, values), params, args.query_runs)
            wall_ratios, cpu_ratio_figures = compare("month × customer files", baseline, queries)
            reversions = commit_cost(table, data, args.batch, args.runs, reversion=True)
            print(f"month × customer files, rating batch of {args.batch} re-versions: {reversions}")
            former_layout = {
                "data_files": files,
                "maintenance_wall_s": round(wall, 1),
                "maintenance_cpu_s": round(cpu, 1),
                "query_wall_s_table": {k: v["wall_s"] for k, v in queries.items()},
                "query_cpu_s_table": {k: v["cpu_s"] for k, v in queries.items()},
                "ratio_to_parquet": wall_ratios,
                "cpu_ratio_to_parquet": cpu_ratio_figures,
                "commit_reversions": reversions,
            }

        maint_wall, maint_cpu, files_after = timed(lambda: table.compact_month(MONTH), 1)
        print(f"compact_month: {maint_wall:.1f} s wall, {maint_cpu:.1f} s CPU; data files → {files_after}")
        after = time_queries(lambda name, values: run_finance_query(name, table, values), params, args.query_runs)
        ratios, cpu_ratios = compare("compacted month", baseline, after)

        append = commit_cost(table, data, args.batch, args.runs, reversion=False)
        reversion = commit_cost(table, data, args.batch, args.runs, reversion=True)
        print(f"rating batch of {args.batch} new contacts: {append}")
        print(f"rating batch of {args.batch} re-versions: {reversion}")
        former = commit_cost(table, data, args.batch, 1, reversion=True, pyiceberg_delete=True) if args.former else None
        if former:
            print(f"rating batch of {args.batch} re-versions, PyIceberg's delete(filter) as before: {former}")
        files_end = table.data_files(MONTH)
        print(f"data files of the month after those commits: {files_end}")
        print(f"load average at end: {load()}")
        worst = max(ratios.values())
        worst_cpu = max(cpu_ratios.values())
        print(
            json.dumps(
                {
                    "benchmark": "billing_table",
                    "lines": data.num_rows,
                    "tenants": args.tenants,
                    "month": MONTH,
                    "load_commits": commits,
                    "load_wall_s": round(load_wall, 1),
                    "parquet_mib": round(parquet_path.stat().st_size / 2**20, 1),
                    "query_wall_s_parquet": {k: v["wall_s"] for k, v in baseline.items()},
                    "query_wall_s_table_before_maintenance": {k: v["wall_s"] for k, v in before.items()},
                    "query_wall_s_table": {k: v["wall_s"] for k, v in after.items()},
                    "query_cpu_s_parquet": {k: v["cpu_s"] for k, v in baseline.items()},
                    "query_cpu_s_table": {k: v["cpu_s"] for k, v in after.items()},
                    "ratio_to_parquet": ratios,
                    "cpu_ratio_to_parquet": cpu_ratios,
                    "worst_ratio": worst,
                    "worst_cpu_ratio": worst_cpu,
                    "goal_ratio": 2.0,
                    "meets_goal": worst <= 2.0,
                    "meets_goal_cpu": worst_cpu <= 2.0,
                    "data_files_before_maintenance": files_before,
                    "data_files_after_maintenance": files_after,
                    "maintenance_wall_s": round(maint_wall, 1),
                    "maintenance_cpu_s": round(maint_cpu, 1),
                    "partition_layout": former_layout,
                    "commit_new_contacts": append,
                    "commit_reversions": reversion,
                    "commit_reversions_pyiceberg_delete": former,
                    "data_files_after_commits": files_end,
                    "load_average": load(),
                }
            )
        )


if __name__ == "__main__":
    main()
