"""Billing lines' retention (issue 20): once a month (an EventBridge schedule), the months past the
bookkeeping period leave the Iceberg table and their files leave the billing bucket
(telefonist.dal.billing_retention). Then the month just closed is compacted (issue 19): rewritten
as a few files sorted by customer under the month-only partition spec, the layout finance's
month-wide queries need (docs/billing-table.md). Idempotent: a rerun finds nothing due and a
compacted month as it is."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from telefonist import config
from telefonist.clock import to_local, utc_now
from telefonist.environment import load_env
from telefonist.observability import logger, metrics

from functions import lambda_entry

if TYPE_CHECKING:
    from telefonist.dal.billing_table import BillingTable


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    billing_bucket: str = field(metadata={"env": config.ENV_BILLING_BUCKET})
    billing_lines_days: int = field(metadata={"env": config.ENV_BILLING_LINES_DAYS, "pattern": r"[1-9]\d*"})


@dataclass(frozen=True)
class Dependencies:
    billing: BillingTable
    lines_days: int  # how long a month's lines are kept, counted from the end of its year


@cache
def dependencies() -> Dependencies:
    from telefonist.dal.billing_table import BillingTable, BillingTableSettings

    env = load_env(Environment)
    billing = BillingTable(BillingTableSettings.from_environ(os.environ, env.billing_bucket))
    return Dependencies(billing=billing, lines_days=env.billing_lines_days)


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    """Delete the months due on today's Stockholm date, then compact the month just closed; the
    months, snapshots and files it took, and the closed month's data files after."""
    from telefonist.dal.billing_retention import compact_closed_month, enforce_retention

    today = to_local(utc_now()).date()
    done = enforce_retention(deps.billing, today, deps.lines_days)
    metrics.add_metric(name="BillingMonthsDeleted", unit="Count", value=len(done.months_deleted))
    metrics.add_metric(name="BillingFilesDeleted", unit="Count", value=done.files_deleted)
    closed, files = compact_closed_month(deps.billing, today)
    metrics.add_metric(name="BillingClosedMonthFiles", unit="Count", value=files)
    result = {
        "months_deleted": done.months_deleted,
        "snapshots_expired": done.snapshots_expired,
        "files_deleted": done.files_deleted,
        "month_compacted": closed,
        "month_files": files,
    }
    logger.info("billing retention", extra=result)  # months and counts only
    return result


lambda_handler = lambda_entry(handle, dependencies, logger=logger, metrics=metrics)
