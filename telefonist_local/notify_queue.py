"""Drive the sender in-process, as Lambda's SQS event source mapping would (demo and tests).

`process_queue_once()` receives up to ten messages from the notify queue, calls the sender's
handler with an SQS-shaped event, deletes what was sent and makes the failures visible again at
once, so the next call retries them; after maxReceiveCount receives SQS moves a message to the
dead-letter queue on the next receive, exactly as in the cloud.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from telefonist import config
from telefonist.dal.notify_adapters import SqsMessageQueue

from functions.notify_sender.handler import lambda_handler
from telefonist_local.local_aws import LocalLambdaContext


@dataclass
class QueueRun:
    received: int = 0
    sent: int = 0
    failed_message_ids: list[str] = field(default_factory=list)


def process_queue_once(
    queue_url: str | None = None,
    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = lambda_handler,
    max_messages: int = 10,
    sqs: Any = None,
) -> QueueRun:
    """One poll of the notify queue through the sender; returns what was received, sent, failed.

    `sqs`: the SQS client to poll with (a caller that polls often keeps one; default a new one)."""
    queue = SqsMessageQueue(sqs or boto3.client("sqs"), queue_url or os.environ[config.ENV_NOTIFY_QUEUE_URL])
    records = queue.receive_records(max_messages)
    if not records:
        return QueueRun()
    response = handler({"Records": records}, LocalLambdaContext(function_name="notify-sender-local"))
    failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
    for record in records:
        if record["messageId"] in failed:
            queue.release(record["receiptHandle"])
    queue.acknowledge([r["receiptHandle"] for r in records if r["messageId"] not in failed])
    return QueueRun(received=len(records), sent=len(records) - len(failed), failed_message_ids=sorted(failed))
