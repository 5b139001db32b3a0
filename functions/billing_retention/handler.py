"""Billing lines' retention (issue 20): once a month (an EventBridge schedule), the months past the
bookkeeping period leave the Iceberg table and their files leave the billing bucket
(telefonist.dal.billing_retention). Idempotent: a rerun finds nothing due."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field
from telefonist import config
from telefonist.clock import to_local, utc_now
from telefonist.observability import logger, metrics


class Environment(BaseModel):
    """What CDK passes; validated once per cold start."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    billing_bucket: str = Field(alias=config.ENV_BILLING_BUCKET, min_length=3)
    billing_lines_days: int = Field(alias=config.ENV_BILLING_LINES_DAYS, ge=1)


@cache
def environment() -> Environment:
    return Environment.model_validate(os.environ)


def run(environ: dict[str, str] | None = None) -> dict[str, Any]:
    from telefonist.dal.billing_retention import enforce_retention
    from telefonist.dal.billing_table import BillingTable, BillingTableSettings

    env = environment() if environ is None else Environment.model_validate(environ)
    billing = BillingTable(BillingTableSettings.from_environ(environ or os.environ, env.billing_bucket))
    done = enforce_retention(billing, to_local(utc_now()).date(), env.billing_lines_days)
    metrics.add_metric(name="BillingMonthsDeleted", unit="Count", value=len(done.months_deleted))
    metrics.add_metric(name="BillingFilesDeleted", unit="Count", value=done.files_deleted)
    result = {
        "months_deleted": done.months_deleted,
        "snapshots_expired": done.snapshots_expired,
        "files_deleted": done.files_deleted,
    }
    logger.info("billing retention", extra=result)  # months and counts only
    return result


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    del event, context
    return run()
