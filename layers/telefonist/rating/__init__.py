"""Rating: contact trace records to per-tariff billing lines (rules: spec/tariffs.md).

Pure domain: no boto3, no environment. Data access for the ledger and the billing bucket is in
`telefonist.dal`; the Lambda function and the CLI compose the two.
"""

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
