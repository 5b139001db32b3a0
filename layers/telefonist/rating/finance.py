"""Finance's queries over the billing lines: the Athena SQL (the local DuckDB runner: telefonist_local.rating.finance).

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
from typing import Any

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
