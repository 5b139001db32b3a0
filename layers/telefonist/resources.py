"""The AWS resources of the service, described once.

The CDK constructs read key schemas from here, and the local emulation (moto) creates the same
tables, buckets, stream and queues from here, so the demo and the stack cannot drift apart.
Physical names are CDK's in the cloud; `local_name` is used only against moto.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telefonist import config


@dataclass(frozen=True)
class IndexSpec:
    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class ResourceSpec:
    """Every resource: CDK's logical id, and the name it has against moto (CDK names it in the cloud)."""

    logical_id: str
    local_name: str


@dataclass(frozen=True)
class TableSpec(ResourceSpec):
    env_var: str
    # The single-table default: a generic partition key and sort key, the item's kind in their values.
    partition_key: str = "pk"
    sort_key: str | None = "sk"
    indexes: tuple[IndexSpec, ...] = ()
    ttl_attribute: str | None = None


@dataclass(frozen=True)
class BucketSpec(ResourceSpec):
    env_var: str


@dataclass(frozen=True)
class StreamSpec(ResourceSpec):
    shards: int = 1


@dataclass(frozen=True)
class QueueSpec(ResourceSpec):
    env_var: str | None = None
    dead_letter: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


# Sparse, on the customer and statistics tables: items that name a person outside the person's own
# items (employees' sign-in links and sessions; caller history and contact events) carry
# `person_key` = TENANT#<t>#PERSON#<p> (telefonist.dal.keys.person_ref), so a person's export and
# erasure find them without a scan (telefonist.dal.person_data).
PERSON_INDEX = IndexSpec("by-person", "person_key")
# Single table for everything a customer maintains, plus the routing records of its numbers.
CUSTOMER_TABLE = TableSpec(
    "CustomerTable",
    "telefonist-customers",
    config.ENV_CUSTOMER_TABLE,
    # Sparse: only people with a mobile carry `mobile_key` (SMS commands find their sender by it).
    indexes=(IndexSpec("by-mobile", "mobile_key"), PERSON_INDEX),
    ttl_attribute="expires_at",  # employees' sign-in links and sessions (telefonist.dal.employee_access)
)
# Message log: own table because of its volume, retention (TTL) and the notify role's scope.
MESSAGE_TABLE = TableSpec("MessageTable", "telefonist-messages", config.ENV_MESSAGE_TABLE, ttl_attribute="expires_at")
# Billing ledger: one item per billable contact, the newest CTR version wins (conditional writes).
LEDGER_TABLE = TableSpec(
    "RatingLedgerTable", "telefonist-rating-ledger", config.ENV_LEDGER_TABLE, partition_key="contact_id", sort_key=None
)
# Powertools' idempotency records (the notify submit function).
IDEMPOTENCY_TABLE = TableSpec(
    "IdempotencyTable",
    "telefonist-idempotency",
    config.ENV_IDEMPOTENCY_TABLE,
    partition_key="id",
    sort_key=None,
    ttl_attribute="expiration",
)
# Statistics (issue 20): one contact event per inbound contact (newest version wins) and the daily
# aggregates per customer and common number, a month of them under one partition key.
STATISTICS_TABLE = TableSpec(
    "StatisticsTable",
    "telefonist-statistics",
    config.ENV_STATISTICS_TABLE,
    indexes=(PERSON_INDEX,),
    ttl_attribute="expires_at",
)
TABLES = (CUSTOMER_TABLE, MESSAGE_TABLE, LEDGER_TABLE, IDEMPOTENCY_TABLE, STATISTICS_TABLE)

BILLING_BUCKET = BucketSpec("BillingBucket", "telefonist-billing", config.ENV_BILLING_BUCKET)
ARCHIVE_BUCKET = BucketSpec("CtrArchiveBucket", "telefonist-ctr-archive", config.ENV_ARCHIVE_BUCKET)
QUARANTINE_BUCKET = BucketSpec("QuarantineBucket", "telefonist-quarantine", config.ENV_QUARANTINE_BUCKET)
ATHENA_RESULTS_BUCKET = BucketSpec("AthenaResultsBucket", "telefonist-athena-results", "ATHENA_RESULTS_BUCKET")
BUCKETS = (BILLING_BUCKET, ARCHIVE_BUCKET, QUARANTINE_BUCKET, ATHENA_RESULTS_BUCKET)

CTR_STREAM = StreamSpec("CtrStream", "telefonist-ctr")
STREAMS = (CTR_STREAM,)

NOTIFY_DLQ = QueueSpec("NotifyDeadLetterQueue", "telefonist-notify-dlq")
NOTIFY_QUEUE = QueueSpec(
    "NotifyQueue", "telefonist-notify", env_var=config.ENV_NOTIFY_QUEUE_URL, dead_letter=NOTIFY_DLQ.local_name
)
# Receives of a notify job before SQS moves it to the dead-letter queue (local_aws uses 3 as well).
NOTIFY_MAX_RECEIVE_COUNT = 3
RATING_DLQ = QueueSpec("RatingFailureQueue", "telefonist-rating-failures")
QUEUES = (NOTIFY_DLQ, NOTIFY_QUEUE, RATING_DLQ)

GLUE_DATABASE = "telefonist_billing"
BILLING_LINES_TABLE = "billing_lines"
BILLING_LINES_BY_MONTH_TABLE = "billing_lines_by_month"  # same objects, partitioned by month only
ATHENA_WORKGROUP = "telefonist-finance"
