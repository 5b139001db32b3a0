"""functions/inbound_sms: an employee's SMS command (`LUNCH 13`, `IN`) changes their own referral.

AWS End User Messaging SMS delivers each message sent to the service's two-way number to an SNS
topic as JSON (`originationNumber`, `destinationNumber`, `messageBody`, `inboundMessageId`, ...);
the topic invokes this function. The sender must be a person's registered mobile; only that
person's referral changes; the answer is an SMS. No number and no message text is ever logged.
A record that is not an inbound SMS is logged (by kind only) and skipped; a store failure raises
(Lambda retries the asynchronous invocation; setting the same status twice changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from telefonist import config
from telefonist.environment import SMS_SENDER_ID_PATTERN, load_env
from telefonist.observability import logger, metrics
from telefonist.referral_automation.service import SmsCommands

from functions import lambda_entry


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    sms_sender_id: str = field(metadata={"env": config.ENV_SMS_SENDER_ID, "pattern": SMS_SENDER_ID_PATTERN})


@dataclass(frozen=True)
class Dependencies:
    commands: SmsCommands


class InboundSms(BaseModel):
    """The two-way SMS payload End User Messaging SMS publishes (the fields this function reads)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    origination_number: str = Field(alias="originationNumber", min_length=3, max_length=20)
    message_body: str = Field(alias="messageBody", max_length=1600)
    inbound_message_id: str = Field(default="", alias="inboundMessageId", max_length=100)


@cache
def dependencies() -> Dependencies:
    import boto3
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.notify_adapters import SnsSmsSender
    from telefonist.dal.sms_refusals import SmsRefusalLog
    from telefonist.dal.table import dynamodb_tables
    from telefonist.referral_automation.service import OwnStatus
    from telefonist.self_service.billing import UnavailableBillingSummarySource
    from telefonist.self_service.service import SelfService

    env = load_env(Environment)
    table = dynamodb_tables().Table(env.customer_table)
    repo = CustomerRepository(table)  # no secrets: referrals and people hold none
    status = OwnStatus(lambda: SelfService(repo, UnavailableBillingSummarySource()))
    sms = SnsSmsSender(boto3.client("sns"), env.sms_sender_id)
    return Dependencies(SmsCommands(repo, status, sms, SmsRefusalLog(table)))


def _messages(event: dict[str, Any]) -> list[InboundSms | None]:
    found: list[InboundSms | None] = []
    for record in event.get("Records") or []:
        try:
            found.append(InboundSms.model_validate_json(record["Sns"]["Message"]))
        except (KeyError, TypeError, ValidationError):
            found.append(None)
    return found


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, int]:
    """Each record's command for its sender; a record that is no inbound SMS is counted and skipped."""
    handled = 0
    for message in _messages(event):
        if message is None:
            logger.warning("not an inbound SMS: skipped")
            metrics.add_metric(name="InboundSmsMalformed", unit="Count", value=1)
            continue
        outcome = deps.commands.handle(message.origination_number, message.message_body, message.inbound_message_id)
        metrics.add_metric(name=f"InboundSms_{outcome.value}", unit="Count", value=1)
        handled += 1
    return {"handled": handled}


lambda_handler = lambda_entry(handle, dependencies, logger=logger, metrics=metrics)
