"""Finance's queries over the billing lines: the Athena SQL, and a local runner on DuckDB.

The SQL text below is what CDK stores as Athena named queries (workgroup `telefonist-finance`),
verbatim. They read one Apache Iceberg table, `billing_lines` (telefonist.dal.billing_table),
partitioned by `month` and `tenant_id`: Athena prunes a one-customer month to its partition and a
cross-customer report to the month's. The table holds exactly one row per billed contact (the
rating function replaces a contact's row in the same commit that writes its newer version), so
no latest-version view is needed: a plain SELECT never counts a call twice. Parameters are
positional (`?`), in the order of `FinanceQuery.parameters`. Amounts are integer öre (SEK × 100,
excluding VAT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import pyarrow as pa

from telefonist import resources
from telefonist.rating.tariff import OVER_BUDGET_THRESHOLD_PERCENT

DATABASE = resources.GLUE_DATABASE
TABLE = resources.BILLING_LINES_TABLE
DEFAULT_OVER_BUDGET_THRESHOLD_PERCENT = OVER_BUDGET_THRESHOLD_PERCENT
# SQL below is built with f-strings from these module constants only, never from input (ruff S608
# is silenced for this file); values always travel as `?` parameters.


@dataclass(frozen=True)
class FinanceQuery:
    name: str
    description: str
    sql: str
    parameters: tuple[str, ...]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    unresolved_only: bool = False  # reads only the partition of lines without a tenant


MONTHLY_INVOICE = FinanceQuery(
    name="monthly_invoice",
    description="One customer's invoice for a month: calls and amount (öre) per tariff and price-list version",
    parameters=("tenant_id", "month"),
    sql=f"""SELECT tenant_id, month, tariff, price_list_version,
       COUNT(*) AS calls,
       SUM(amount_ore) AS amount_ore
FROM "{DATABASE}"."{TABLE}"
WHERE tenant_id = ? AND month = ?
GROUP BY tenant_id, month, tariff, price_list_version
ORDER BY tariff, price_list_version""",
)

MONTHLY_INVOICES = FinanceQuery(
    name="monthly_invoices_all_customers",
    description="Every customer's invoice lines for a month: calls and amount (öre) per customer and tariff",
    parameters=("month",),
    sql=f"""SELECT tenant_id, month, tariff,
       COUNT(*) AS calls,
       SUM(amount_ore) AS amount_ore
FROM "{DATABASE}"."{TABLE}"
WHERE month = ? AND tenant_id IS NOT NULL
GROUP BY tenant_id, month, tariff
ORDER BY tenant_id, tariff""",
)

OVER_BUDGET_SHARE = FinanceQuery(
    name="calls_over_45s_share",
    description="Per customer and month: calls whose handling exceeded 45 s, their share, and a flag above "
    "the threshold (percent of the month's calls; default 25)",
    parameters=("threshold_percent", "month"),
    defaults={"threshold_percent": DEFAULT_OVER_BUDGET_THRESHOLD_PERCENT},
    sql=f"""SELECT tenant_id, month,
       COUNT(*) AS calls,
       COUNT_IF(over_45s) AS calls_over_45s,
       ROUND(100.0 * COUNT_IF(over_45s) / COUNT(*), 1) AS share_over_45s_percent,
       100.0 * COUNT_IF(over_45s) > ? * COUNT(*) AS above_threshold
FROM "{DATABASE}"."{TABLE}"
WHERE month = ? AND tenant_id IS NOT NULL
GROUP BY tenant_id, month
ORDER BY share_over_45s_percent DESC, tenant_id""",
)

UNRESOLVED_LINES = FinanceQuery(
    name="unresolved_lines",
    description="Billed calls of a month whose customer could not be resolved: to be assigned before invoicing",
    parameters=("month",),
    unresolved_only=True,
    sql=f"""SELECT contact_id, answered_at, dialed_number, queue, tariff, amount_ore, ctr_last_updated
FROM "{DATABASE}"."{TABLE}"
WHERE month = ? AND tenant_id IS NULL
ORDER BY answered_at, contact_id""",
)

QUERIES: dict[str, FinanceQuery] = {
    q.name: q for q in (MONTHLY_INVOICE, MONTHLY_INVOICES, OVER_BUDGET_SHARE, UNRESOLVED_LINES)
}


def adapt_for_duckdb(sql: str) -> str:
    """Athena SQL → DuckDB: the one dialect difference these queries have.

    Athena qualifies the table with the Glue database; locally the table is a DuckDB view of the
    same name over the Arrow scan, so the qualifier goes. COUNT_IF, ROUND, `?` parameters and
    boolean comparisons are the same in both.
    """
    return sql.replace(f'"{DATABASE}".', "")


def _positional(query: FinanceQuery, params: Mapping[str, Any]) -> list[Any]:
    values = {**query.defaults, **params}
    missing = [name for name in query.parameters if name not in values]
    if missing:
        raise ValueError(f"query {query.name} needs parameter(s) {missing}")
    return [values[name] for name in query.parameters]


class LineSource(Protocol):
    """Where the lines are: the Iceberg table (telefonist.dal.billing_table.BillingTable)."""

    def scan(self, *, month: str | None = None, tenant_id: str | None = None) -> pa.Table: ...


@cache
def _duckdb() -> Any:
    """One in-memory DuckDB per process (opening one costs ~30 ms of CPU, as much as a query over a
    month of 1,000,000 lines). Its Parquet metadata cache is on: an Iceberg data file is never
    changed once written (a rewrite is a new file under a new name), so a cached footer cannot
    go stale, and a warm process does not parse the same 101 footers for every query."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET parquet_metadata_cache = true")
    return connection


def run_finance_query(name: str, lines: LineSource | pa.Table, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run a finance query locally in DuckDB over the billing table (no DuckDB extension needed).

    Only the query's partitions are read, as Athena would: one customer's month, the month, or
    the month's unresolved lines. When the table's data files are on a local disk, DuckDB reads
    the files PyIceberg's plan names with its own Parquet reader (`local_parquet_files`; about
    10× faster than PyIceberg's Arrow scan over a month of 100 partitions); otherwise (moto's S3,
    delete files) it reads PyIceberg's Arrow scan. An Arrow table of lines is taken as it is.
    """
    query = QUERIES.get(name)
    if query is None:
        raise KeyError(f"unknown finance query {name!r}; known: {sorted(QUERIES)}")
    positional = _positional(query, params)
    month, tenant_id = params.get("month"), params.get("tenant_id")
    files: list[str] | None = None
    data: pa.Table | None = None
    if isinstance(lines, pa.Table):
        data = lines
    else:
        local_files = getattr(lines, "local_parquet_files", None)
        if local_files is not None:
            files = local_files(month=month, tenant_id=tenant_id, unresolved=query.unresolved_only)
        if not files:  # None (not readable directly) or no file at all: the Arrow scan (cheap then)
            files = None
            data = lines.scan(month=month, tenant_id=tenant_id)
    connection = _duckdb().cursor()  # its own connection to the shared database: views are its own
    try:
        # registered, not a view: a view would be the shared database's, seen by concurrent queries
        connection.register(TABLE, connection.read_parquet(files) if files is not None else data)
        cursor = connection.execute(adapt_for_duckdb(query.sql), positional)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()
