"""Rating: CTRs from the Kinesis stream to billing lines (one per billable contact) in the Iceberg table.

Partial batch responses: a record fails only when a dependency fails (DynamoDB, the table, S3); a
bad record is quarantined with its reason and counts as processed, so it never blocks the shard.
The batch is handed to the service whole (not record by record through Powertools'
BatchProcessor): its ledger round trips run concurrently and its lines are one table commit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from telefonist.environment import load_env
from telefonist.observability import logger, metrics
from telefonist.rating.service import RatingService, ReceivedRecord, RecordResult

from functions import lambda_entry
from functions.rating.dependencies import Environment, build_service


@dataclass(frozen=True)
class Dependencies:
    service: RatingService


@cache
def dependencies() -> Dependencies:
    """Built once per container: the environment is read here, at cold start."""
    return Dependencies(build_service(load_env(Environment)))


def received(record: KinesisStreamRecord) -> ReceivedRecord:
    """The record's position and its bytes as delivered."""
    shard_id = record.event_id.split(":", 1)[0]
    return ReceivedRecord(
        shard_id=shard_id,
        sequence_number=record.kinesis.sequence_number,
        arrival=datetime.fromtimestamp(record.kinesis.approximate_arrival_timestamp, tz=UTC),
        data=record.kinesis.data_as_bytes(),
    )


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    """Archive the batch as received, then rate and store it; the partial batch response."""
    service = deps.service
    records = [received(KinesisStreamRecord(raw)) for raw in event.get("Records", [])]
    # Archive first: a batch that cannot be archived fails whole and is retried (bisected).
    service.archive(records)
    batch = service.process_batch(records)
    for index, result in enumerate(batch.results):
        if result is RecordResult.QUARANTINED:
            logger.warning("record quarantined", extra={"sequence_number": records[index].sequence_number})
    for index, error in batch.errors.items():
        logger.warning(
            "record failed",
            extra={"sequence_number": records[index].sequence_number, "error": type(error).__name__},
        )
    # One metric per outcome and batch (not per record): billed, stale, not_billable, quarantined, failed.
    for outcome, count in Counter(result.value for result in batch.results).items():
        metrics.add_metric(name=f"Records_{outcome}", unit="Count", value=count)
    return {"batchItemFailures": [{"itemIdentifier": records[i].sequence_number} for i in batch.failed()]}


# Its first batch commits the billing table (a large heap): it collects from the first invocation on.
lambda_handler = lambda_entry(
    handle, dependencies, logger=logger, metrics=metrics, pause_through_first_invocation=False
)
