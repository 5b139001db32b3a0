"""Rating: contact trace records to per-tariff billing lines (rules: spec/tariffs.md).

Pure domain: no boto3, no environment. Data access for the ledger and the billing bucket is in
`telefonist.dal`; the Lambda function and the CLI compose the two.

Names load lazily (PEP 562), as in `telefonist.models`: a reader of CTRs (the statistics consumer)
imports `telefonist.rating.ctr` without the engine's holiday calendars (~80 ms of its cold start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telefonist.lazy import lazy_exports

if TYPE_CHECKING:
    from telefonist.rating.ctr import ContactTraceRecord, MalformedRecord, parse_ctr
    from telefonist.rating.engine import (
        LatestLines,
        OutcomeStatus,
        RatingOutcome,
        TenantResolver,
        is_billable,
        latest_lines,
        no_tenant_lookup,
        rate_ctr,
        rate_record,
    )
    from telefonist.rating.line import UNRESOLVED_TENANT, BillingLine, line_key, month_prefix, partition_of_key
    from telefonist.rating.period import Period, is_swedish_holiday, period_of
    from telefonist.rating.tariff import is_over_budget, tariff_for

_MODULES = {
    "ContactTraceRecord": "telefonist.rating.ctr",
    "MalformedRecord": "telefonist.rating.ctr",
    "parse_ctr": "telefonist.rating.ctr",
    "LatestLines": "telefonist.rating.engine",
    "OutcomeStatus": "telefonist.rating.engine",
    "RatingOutcome": "telefonist.rating.engine",
    "TenantResolver": "telefonist.rating.engine",
    "is_billable": "telefonist.rating.engine",
    "latest_lines": "telefonist.rating.engine",
    "no_tenant_lookup": "telefonist.rating.engine",
    "rate_ctr": "telefonist.rating.engine",
    "rate_record": "telefonist.rating.engine",
    "UNRESOLVED_TENANT": "telefonist.rating.line",
    "BillingLine": "telefonist.rating.line",
    "line_key": "telefonist.rating.line",
    "month_prefix": "telefonist.rating.line",
    "partition_of_key": "telefonist.rating.line",
    "Period": "telefonist.rating.period",
    "is_swedish_holiday": "telefonist.rating.period",
    "period_of": "telefonist.rating.period",
    "is_over_budget": "telefonist.rating.tariff",
    "tariff_for": "telefonist.rating.tariff",
}

__all__ = [
    "UNRESOLVED_TENANT",
    "BillingLine",
    "ContactTraceRecord",
    "LatestLines",
    "MalformedRecord",
    "OutcomeStatus",
    "Period",
    "RatingOutcome",
    "TenantResolver",
    "is_billable",
    "is_over_budget",
    "is_swedish_holiday",
    "latest_lines",
    "line_key",
    "month_prefix",
    "no_tenant_lookup",
    "parse_ctr",
    "partition_of_key",
    "period_of",
    "rate_ctr",
    "rate_record",
    "tariff_for",
]

__getattr__ = lazy_exports(__name__, _MODULES)
