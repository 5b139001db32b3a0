"""The message log and message templates on DynamoDB (moto), and the SNS/SES/SQS adapters' edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from telefonist import config, resources
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.message_repository import RETENTION, MessageRepository
from telefonist.dal.message_template_repository import MessageTemplateRepository
from telefonist.dal.notify_adapters import SesEmailSender, SnsSmsSender, SqsMessageQueue
from telefonist.models.directory import MessagePreference
from telefonist.notify.errors import MessageNotAccepted, SendError
from telefonist.notify.models import (
    Channel,
    ChannelStatus,
    Delivery,
    FinalStatus,
    Message,
    MessageStatus,
    NotifyJob,
    RenderedEmail,
    Urgency,
)
from telefonist.notify.service import new_message_id
from telefonist.notify.templates import MessageTemplate, TemplateScope
from telefonist.ports.store import ConflictError, NotFoundError

from telefonist_local.local_aws import LocalResources
from telefonist_local.sample_data import demo_common_numbers, demo_tenant

T0 = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


def _message(at: datetime, tenant_id: str = "acme") -> Message:
    return Message(
        tenant_id=tenant_id,
        message_id=new_message_id(at),
        request_id="req-12345678",
        person_id="eva",
        created_at=at,
        urgency=Urgency.NORMAL,
        deliveries={Channel.SMS: Delivery(destination="+46701234567"), Channel.EMAIL: Delivery(destination="e@a.se")},
    )


@pytest.fixture
def messages(aws: LocalResources) -> MessageRepository:
    return MessageRepository(boto3.resource("dynamodb").Table(resources.MESSAGE_TABLE.local_name))


def test_a_message_round_trips_with_its_ttl(messages: MessageRepository) -> None:
    message = _message(T0)
    messages.create(message)
    assert messages.get("acme", message.message_id) == message
    item = (
        boto3.resource("dynamodb")
        .Table(resources.MESSAGE_TABLE.local_name)
        .get_item(Key={"pk": "acme", "sk": message.message_id})["Item"]
    )
    assert int(item["expires_at"]) == int((T0 + RETENTION).timestamp())


def test_an_id_is_never_overwritten(messages: MessageRepository) -> None:
    message = _message(T0)
    messages.create(message)
    with pytest.raises(ConflictError):
        messages.create(message)


def test_status_attempts_and_provider_ids_are_kept(messages: MessageRepository) -> None:
    message = _message(T0)
    messages.create(message)
    assert messages.start_attempt("acme", message.message_id, T0) == 1
    assert messages.start_attempt("acme", message.message_id, T0) == 2
    messages.mark_failed("acme", message.message_id, Channel.SMS, "SNS Throttling", False, T0)
    messages.mark_delivered("acme", message.message_id, Channel.SMS, "sns-1", T0)
    messages.mark_failed("acme", message.message_id, Channel.EMAIL, "SES Throttling", False, T0)
    messages.note_error("acme", message.message_id, "email: SES Throttling", T0)
    stored = messages.get("acme", message.message_id)
    assert stored is not None
    assert stored.attempts == 2
    sms, email = stored.deliveries[Channel.SMS], stored.deliveries[Channel.EMAIL]
    assert (sms.status, sms.attempts, sms.provider_message_id, sms.sent_at, sms.last_error) == (
        ChannelStatus.SENT,
        2,
        "sns-1",
        T0,
        None,
    )
    assert (email.status, email.attempts, email.last_error) == (ChannelStatus.QUEUED, 1, "SES Throttling")
    assert stored.status is MessageStatus.QUEUED
    messages.mark_failed("acme", message.message_id, Channel.EMAIL, "SES MessageRejected", True, T0)
    answered = messages.finish(
        "acme", message.message_id, FinalStatus(MessageStatus.PARTIALLY_SENT, "email: SES MessageRejected", T0)
    )
    final = messages.get("acme", message.message_id)
    assert final is not None
    assert answered == final  # finish answers with the stored message: no second read needed
    assert final.status is MessageStatus.PARTIALLY_SENT
    assert final.last_error == "email: SES MessageRejected"
    assert final.deliveries[Channel.SMS] == sms
    assert final.deliveries[Channel.EMAIL].model_dump(include={"status", "attempts", "last_error"}) == {
        "status": ChannelStatus.FAILED,
        "attempts": 2,
        "last_error": "SES MessageRejected",
    }
    # A redrive puts the message in flight again
    messages.note_error("acme", message.message_id, "email: SES Throttling", T0)
    again = messages.get("acme", message.message_id)
    assert again is not None
    assert again.status is MessageStatus.QUEUED


def test_a_message_given_up_before_sending_has_every_channel_failed(messages: MessageRepository) -> None:
    message = _message(T0)
    messages.create(message)
    messages.finish(
        "acme", message.message_id, FinalStatus(MessageStatus.FAILED, "not queued", T0, give_up=(*Channel,))
    )
    stored = messages.get("acme", message.message_id)
    assert stored is not None
    assert stored.status is MessageStatus.FAILED
    assert {c: (d.status, d.attempts) for c, d in stored.deliveries.items()} == {
        Channel.SMS: (ChannelStatus.FAILED, 0),
        Channel.EMAIL: (ChannelStatus.FAILED, 0),
    }


def test_a_message_stored_before_channels_counted_attempts_is_read_and_counted(
    messages: MessageRepository,
) -> None:
    message = _message(T0)
    messages.create(message)
    table = boto3.resource("dynamodb").Table(resources.MESSAGE_TABLE.local_name)
    key = {"pk": "acme", "sk": message.message_id}
    table.update_item(Key=key, UpdateExpression="REMOVE deliveries.sms.attempts, deliveries.email.attempts")
    stored = messages.get("acme", message.message_id)
    assert stored is not None
    assert stored.deliveries[Channel.SMS].attempts == 0
    messages.mark_delivered("acme", message.message_id, Channel.SMS, "sns-1", T0)
    messages.mark_failed("acme", message.message_id, Channel.EMAIL, "SES Throttling", False, T0)
    counted = messages.get("acme", message.message_id)
    assert counted is not None
    assert (counted.deliveries[Channel.SMS].attempts, counted.deliveries[Channel.EMAIL].attempts) == (1, 1)


def test_updating_a_missing_message_is_not_found(messages: MessageRepository) -> None:
    with pytest.raises(NotFoundError):
        messages.start_attempt("acme", "01NOPE", T0)
    assert messages.get("acme", "01NOPE") is None


def test_a_customers_messages_list_newest_first_and_only_its_own(messages: MessageRepository) -> None:
    created = [_message(T0 + timedelta(minutes=i)) for i in range(3)]
    for message in created:
        messages.create(message)
    messages.create(_message(T0, tenant_id="other"))
    listed = messages.list_recent("acme")
    assert [m.message_id for m in listed] == [m.message_id for m in reversed(created)]


def test_templates_are_stored_per_scope_and_stay_out_of_the_configuration(
    customer_table: Any, repo: CustomerRepository
) -> None:
    tenant = demo_tenant()
    repo.put_tenant(tenant)
    for common in demo_common_numbers():
        repo.put_common_number(tenant.tenant_id, common)
    templates = MessageTemplateRepository(customer_table)
    customer = TemplateScope(template=MessageTemplate(urgent_channel=MessagePreference.SMS))
    support = TemplateScope(common_number_id="support", template=MessageTemplate(sms="Support: ${text}"))
    templates.put_template(tenant.tenant_id, customer)
    templates.put_template(tenant.tenant_id, support)
    assert sorted(templates.load_templates(tenant.tenant_id), key=lambda s: s.common_number_id or "") == [
        customer,
        support,
    ]
    configuration = repo.load_configuration(tenant.tenant_id)
    assert len(configuration.common_numbers) == 2
    assert templates.load_templates("other") == []


def test_sns_publish_is_transactional_with_the_sender_id(aws: LocalResources) -> None:
    client = boto3.client("sns")
    seen: list[dict[str, Any]] = []
    client.meta.events.register("provide-client-params.sns.Publish", lambda params, **_: seen.append(params))
    message_id = SnsSmsSender(client, "AcmeVaxel").send_sms("+46701234567", "Hej")
    assert message_id
    [params] = seen
    assert params["PhoneNumber"] == "+46701234567"
    assert "TopicArn" not in params  # direct to the phone, no topic
    assert params["MessageAttributes"]["AWS.SNS.SMS.SenderID"]["StringValue"] == "AcmeVaxel"
    assert params["MessageAttributes"]["AWS.SNS.SMS.SMSType"]["StringValue"] == "Transactional"


def test_sns_errors_become_send_errors_naming_only_the_code() -> None:
    client = boto3.client("sns", region_name=config.DEFAULT_REGION)
    with Stubber(client) as stub:
        stub.add_client_error("publish", service_error_code="Throttled", http_status_code=429)
        with pytest.raises(SendError) as exc:
            SnsSmsSender(client, "Acme").send_sms("+46701234567", "Hej")
    assert str(exc.value) == "SNS Throttled"


def test_ses_errors_become_send_errors_naming_only_the_code() -> None:
    client = boto3.client("sesv2", region_name=config.DEFAULT_REGION)
    email = RenderedEmail(subject="S", text="T", html="<p>T</p>")
    with Stubber(client) as stub:
        stub.add_client_error("send_email", service_error_code="TooManyRequestsException", http_status_code=429)
        with pytest.raises(SendError) as exc:
            SesEmailSender(client, "vaxel@telefonist.example").send_email("eva@acme.example", email)
    assert str(exc.value) == "SES TooManyRequestsException"


def test_a_queue_outage_is_not_accepted() -> None:
    client = boto3.client("sqs", region_name=config.DEFAULT_REGION)
    with Stubber(client) as stub:
        stub.add_client_error("send_message", service_error_code="ServiceUnavailable", http_status_code=503)
        with pytest.raises(MessageNotAccepted, match="SQS ServiceUnavailable"):
            SqsMessageQueue(client, "https://sqs.example/q").enqueue(NotifyJob(tenant_id="acme", message_id="X"))
