"""Which file layout lets finance's month-wide queries meet 2× one Parquet file, CPU time (issue 19).

The month of `--lines` lines across `--tenants` customers (benchmarks/billing_table.py's lines) is
loaded into the local Iceberg table and compacted as the former maintenance did (one file per
partition, month × customer). Then the four named queries run in DuckDB (same settings on every
side, Parquet metadata cache on; best CPU of `--runs`) over:

- one Parquet file of the month (the baseline of the issue's goal);
- the table's partition files, through `run_finance_query`;
- the table after `BillingTable.compact_month` (sorted month-only files of ~250,000 rows: the
  partition evolution built from this benchmark's findings), through `run_finance_query`;
- the same rows rewritten as a month-only layout, sorted by customer and contact, in each of
  `--files` counts, one row group per file (so a customer's query is pruned by the files'
  tenant_id bounds, and a month-wide one reads few row groups);
- the sorted rows in one file of 10,000-row groups (a customer per row group: what a finer
  layout costs a month-wide scan).

The plain-file layouts measure only the query engine's side; the table's rows go through
PyIceberg's planning as finance's runner does (see docs/billing-table.md).

    PYTHONPATH=layers:. python benchmarks/billing_layouts.py [--lines 1000000] [--tenants 100]
        [--files 4,8,16] [--runs 7]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa
import pyarrow.parquet as pq
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.rating.finance import QUERIES

from benchmarks.billing_table import MONTH, compact_per_partition, load, make_lines, parquet_runner, query_params
from telefonist_local.rating.finance import _duckdb, adapt_for_duckdb, run_finance_query

LOAD_COMMIT_LINES = 50_000


def best_cpu_ms(work: Callable[[], Any], runs: int) -> float:
    cpus = []
    for _ in range(runs):
        started = time.process_time()
        work()
        cpus.append(time.process_time() - started)
    return round(min(cpus) * 1000, 1)


def files_runner(paths: list[str]) -> Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]:
    """The named query over these Parquet files, in the finance runner's shared DuckDB."""

    def run(name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        query = QUERIES[name]
        values = {**query.defaults, **params}
        cursor = _duckdb().cursor()
        try:
            cursor.register("billing_lines", cursor.read_parquet(paths))
            rows: list[tuple[Any, ...]] = cursor.execute(
                adapt_for_duckdb(query.sql), [values[p] for p in query.parameters]
            ).fetchall()
            return rows
        finally:
            cursor.close()

    return run


def write_sorted(rows: pa.Table, folder: Path, files: int, row_group: int | None) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    step = -(-rows.num_rows // files)
    paths = []
    for n in range(files):
        path = str(folder / f"part-{n:03d}.parquet")
        pq.write_table(rows.slice(n * step, step), path, compression="zstd", row_group_size=row_group)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--files", default="4,8,16", help="file counts of the month-only sorted layout")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"load average at start: {load()} ({os.cpu_count()} cores)")
    params = query_params(args.tenants)
    results: dict[str, dict[str, float]] = {}

    def measure(label: str, run: Callable[[str, dict[str, Any]], Any]) -> None:
        results[label] = {name: best_cpu_ms(lambda name=name: run(name, params[name]), args.runs) for name in params}
        print(f"{label:34} " + "  ".join(f"{name} {ms:6.1f} ms" for name, ms in results[label].items()), flush=True)

    with tempfile.TemporaryDirectory(prefix="telefonist-layouts-") as tmp:
        root = Path(tmp)
        data = make_lines(args.lines, args.tenants)
        pq.write_table(data, root / "month.parquet", compression="zstd")
        table = BillingTable(BillingTableSettings.local_folder(root / "table"))
        for offset in range(0, data.num_rows, LOAD_COMMIT_LINES):
            table.commit(data.slice(offset, LOAD_COMMIT_LINES), None)
        partition_files = compact_per_partition(table, MONTH)
        print(f"table loaded and compacted: {partition_files} files (load {load()})", flush=True)

        measure("one Parquet file", parquet_runner(root / "month.parquet"))
        measure(f"table, {partition_files} partition files", lambda n, p: run_finance_query(n, table, p))
        compacted = table.compact_month(MONTH)
        measure(f"table, compact_month: {compacted} files", lambda n, p: run_finance_query(n, table, p))
        ordered = data.sort_by([("tenant_id", "ascending"), ("contact_id", "ascending")])
        for count in (int(n) for n in args.files.split(",")):
            measure(
                f"month-only, {count} sorted files",
                files_runner(write_sorted(ordered, root / f"s{count}", count, None)),
            )
        measure("one sorted file, 10,000-row groups", files_runner(write_sorted(ordered, root / "rg", 1, 10_000)))

    baseline = results["one Parquet file"]
    ratios = {
        label: {n: round(ms / max(baseline[n], 1e-3), 2) for n, ms in row.items()} for label, row in results.items()
    }
    for label, row in ratios.items():
        print(f"{label:34} CPU ratio " + "  ".join(f"{n} {r:.2f}×" for n, r in row.items()))
    print(
        json.dumps(
            {
                "benchmark": "billing_layouts",
                "lines": args.lines,
                "tenants": args.tenants,
                "cpu_ms": results,
                "cpu_ratio_to_one_file": ratios,
                "worst_cpu_ratio": {label: max(row.values()) for label, row in ratios.items()},
                "goal_ratio": 2.0,
                "load_average": load(),
            }
        )
    )


if __name__ == "__main__":
    main()
