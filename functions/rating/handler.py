"""Rating: CTRs from the Kinesis stream to billing lines (one per billable contact) in S3.

Partial batch responses: a record fails only when a dependency fails (DynamoDB, S3); a bad
record is quarantined with its reason and counts as processed, so it never blocks the shard.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from telefonist.observability import logger, metrics
from telefonist.rating.service import RatingService, ReceivedRecord, RecordResult

from functions.rating import dependencies

processor = BatchProcessor(event_type=EventType.KinesisDataStreams)


def received(record: KinesisStreamRecord) -> ReceivedRecord:
    """The record's position and its bytes as delivered."""
    shard_id = record.event_id.split(":", 1)[0]
    return ReceivedRecord(
        shard_id=shard_id,
        sequence_number=record.kinesis.sequence_number,
        arrival=datetime.fromtimestamp(record.kinesis.approximate_arrival_timestamp, tz=UTC),
        data=record.kinesis.data_as_bytes(),
    )


def handle_batch(event: dict[str, Any], context: LambdaContext, service: RatingService) -> dict[str, Any]:
    """Archive the batch as received, then rate every record; the partial batch response."""
    records = [received(KinesisStreamRecord(raw)) for raw in event.get("Records", [])]
    # Archive first: a batch that cannot be archived fails whole and is retried (bisected).
    service.archive(records)

    results: Counter[str] = Counter()

    def rate_one(record: KinesisStreamRecord) -> str:
        result = service.process(received(record))
        results[result.value] += 1
        if result is RecordResult.QUARANTINED:
            logger.warning("record quarantined", extra={"sequence_number": record.kinesis.sequence_number})
        return result.value

    response = process_partial_response(event=event, record_handler=rate_one, processor=processor, context=context)
    # One metric per outcome and batch (not per record): billed, stale, not_billable, quarantined, failed.
    results["failed"] = len(response.get("batchItemFailures", []))
    for outcome, count in results.items():
        metrics.add_metric(name=f"Records_{outcome}", unit="Count", value=count)
    return dict(response)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_batch(event, context, dependencies.service())
