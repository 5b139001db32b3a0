"""functions/notify_sender: sends queued messages (SQS → SNS SMS / SES e-mail).

An SQS event source mapping with partial batch responses: a message whose sending fails is
reported as a batch item failure, SQS retries it after the visibility timeout, and after
maxReceiveCount receives it moves to the dead-letter queue; on that last receive the message log
marks the channels that still fail as failed and the message partially_sent or failed. Nothing
is sent twice for a channel already marked sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict, Field, Json
from telefonist import config, resources
from telefonist.dal.message_repository import MessageRepository
from telefonist.dal.notify_adapters import SesEmailSender, SnsSmsSender
from telefonist.dal.table import dynamodb_tables
from telefonist.environment import SMS_SENDER_ID_PATTERN, load_env
from telefonist.notify.errors import DeliveryFailed
from telefonist.notify.models import MessageStatus, NotifyJob
from telefonist.notify.service import DeliveryService
from telefonist.observability import logger, metrics
from telefonist.ports.store import RepositoryError

from functions import lambda_entry


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    message_table: str = field(metadata={"env": config.ENV_MESSAGE_TABLE})
    sms_sender_id: str = field(metadata={"env": config.ENV_SMS_SENDER_ID, "pattern": SMS_SENDER_ID_PATTERN})
    email_sender: str = field(metadata={"env": config.ENV_EMAIL_SENDER, "pattern": r".+@.+"})
    max_receives: int = field(
        default=resources.NOTIFY_MAX_RECEIVE_COUNT,
        metadata={"env": config.ENV_NOTIFY_MAX_RECEIVES, "pattern": r"[1-9]\d*"},
    )


class SqsRecordAttributes(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    ApproximateReceiveCount: int = Field(ge=1)


class NotifyJobRecord(BaseModel):
    """The fields of an SQS record this function reads (Powertools' batch utility and its parser
    models of every AWS event cost ~0.15 s of cold start for a loop of a few lines)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    messageId: str = Field(min_length=1)
    body: Json[NotifyJob]
    attributes: SqsRecordAttributes


@dataclass(frozen=True)
class Dependencies:
    delivery: DeliveryService
    max_receives: int  # SQS's maxReceiveCount: the last receive marks what still fails


@cache
def dependencies() -> Dependencies:
    env = load_env(Environment)
    delivery = DeliveryService(
        log=MessageRepository(dynamodb_tables().Table(env.message_table)),
        sms=SnsSmsSender(boto3.client("sns"), env.sms_sender_id),
        email=SesEmailSender(boto3.client("sesv2"), env.email_sender),
    )
    return Dependencies(delivery=delivery, max_receives=env.max_receives)


def send(record: NotifyJobRecord, deps: Dependencies) -> None:
    """Send one queued message; raising marks the record failed (SQS retries it)."""
    job = record.body
    receive_count = record.attributes.ApproximateReceiveCount
    try:
        message = deps.delivery.deliver(job, receive_count, deps.max_receives)
    except (DeliveryFailed, RepositoryError) as exc:
        final = receive_count >= deps.max_receives
        status = exc.final_status if isinstance(exc, DeliveryFailed) else None
        metric = "MessageSendRetries"
        if final:
            metric = "MessagesPartiallySent" if status == MessageStatus.PARTIALLY_SENT else "MessagesFailed"
        metrics.add_metric(name=metric, unit="Count", value=1)
        logger.warning(
            "message not sent" + (": moved to the dead-letter queue" if final else ": will be retried"),
            extra={"tenant_id": job.tenant_id, "message_id": job.message_id, "status": status, "reason": str(exc)},
        )
        raise
    metrics.add_metric(name="MessagesSent", unit="Count", value=1)
    logger.info(
        "message sent",
        extra={"tenant_id": job.tenant_id, "message_id": job.message_id, "attempts": message.attempts},
    )


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, list[dict[str, str]]]:
    """A partial batch response: each record that failed (unreadable, or not sent) is retried by SQS."""
    failures = []
    for raw in event.get("Records", []):
        try:
            send(NotifyJobRecord.model_validate(raw), deps)
        except Exception as exc:  # every failure is the record's own: the others are still sent
            if not isinstance(exc, (DeliveryFailed, RepositoryError)):  # those were logged with their message
                logger.warning("queue record not processed", extra={"error_type": type(exc).__name__})
            failures.append({"itemIdentifier": str(raw.get("messageId", "")) if isinstance(raw, dict) else ""})
    return {"batchItemFailures": failures}


lambda_handler = lambda_entry(handle, dependencies, logger=logger, metrics=metrics)
