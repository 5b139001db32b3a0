"""functions/notify and functions/notify_sender against moto: what was actually sent, and when not."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from telefonist import config, resources
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.message_repository import MessageRepository
from telefonist.dal.message_template_repository import MessageTemplateRepository
from telefonist.environment import InvalidEnvironment
from telefonist.models.directory import MessagePreference
from telefonist.notify.models import Channel, ChannelStatus, MessageStatus
from telefonist.notify.templates import MessageTemplate, RequiredField, TemplateScope

from functions.notify import handler as submit_handler
from functions.notify_sender import handler as sender_handler
from telefonist_local.local_aws import DEMO_EMAIL_SENDER, LocalResources, patched_environment
from telefonist_local.notify_queue import QueueRun, process_queue_once
from tests.notify_helpers import (
    CALLER_EMAIL,
    EVA_EMAIL,
    EVA_MOBILE,
    TENANT,
    api_event,
    eva,
    landline_as_mobile,
    olle,
    request_body,
    sent_emails,
    sent_sms,
)


@dataclass
class Notify:
    """moto with the stack's resources; the submitting and the sending function as Lambda wires them."""

    aws: LocalResources
    submitting: submit_handler.Dependencies
    sending: sender_handler.Dependencies

    @property
    def environment(self) -> dict[str, str]:
        return self.aws.environment

    def call(self, event: dict[str, Any]) -> dict[str, Any]:
        """An API Gateway event through the submitting function: its answer."""
        return submit_handler.handle(event, self.submitting)

    def send(self, **overrides: Any) -> dict[str, Any]:
        """An operator's message (`request_body(**overrides)`) through the API: the status with the
        answer's body, an error's body under "error"."""
        answer = self.call(api_event(request_body(**overrides)))
        body = json.loads(answer["body"])
        return {"status_code": answer["statusCode"], **(body if answer["statusCode"] < 400 else {"error": body})}

    def drain(self) -> QueueRun:
        """One poll of the notify queue through the sending function."""
        return process_queue_once(handler=lambda event, _context: sender_handler.handle(event, self.sending))


@pytest.fixture
def notify(aws: LocalResources, repo: CustomerRepository) -> Notify:
    """Three people of the demo customer; each function's composition root built as a new container's."""
    for person in (eva(), olle(), landline_as_mobile()):
        repo.put_person(TENANT, person)
    return Notify(aws, submit_handler.dependencies.__wrapped__(), sender_handler.dependencies.__wrapped__())


def _messages() -> MessageRepository:
    return MessageRepository(boto3.resource("dynamodb").Table(resources.MESSAGE_TABLE.local_name))


def _field(error: dict[str, Any]) -> str:
    """The field an error names, with or without the API's `body.` prefix for the request body."""
    return str(error["field"]).removeprefix("body.")


def _queue_depth(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def _dlq_url() -> str:
    return boto3.client("sqs").get_queue_url(QueueName=resources.NOTIFY_DLQ.local_name)["QueueUrl"]


def test_an_sms_is_sent_to_the_persons_mobile_with_the_message(notify: Notify) -> None:
    # Given a message for Eva, who prefers SMS; When it is submitted and the queue is drained
    answer = notify.send()
    assert answer["status_code"] == 202
    assert answer["channels"] == ["sms"]
    stored = _messages().get(TENANT, answer["message_id"])
    assert stored is not None
    assert stored.status is MessageStatus.QUEUED
    assert sent_sms() == []
    run = notify.drain()
    # Then exactly one SMS went to her mobile in E.164 with the caller, number and text
    assert (run.received, run.sent) == (1, 1)
    [(number, text)] = sent_sms()
    assert number == EVA_MOBILE
    assert text == (
        f"Meddelande från Anna Kund, Kundbolaget AB kl {text.split(' kl ')[1][:5]}: "
        "Undrar om offerten på 12 pallar, hör av dig före fredag.\nVill bli uppringd på 070-765 43 21."
    )
    message = _messages().get(TENANT, answer["message_id"])
    assert message is not None
    assert message.status is MessageStatus.SENT
    assert message.attempts == 1
    assert message.deliveries[Channel.SMS].provider_message_id is not None


def test_an_e_mail_goes_from_the_configured_sender_with_both_bodies(notify: Notify) -> None:
    answer = notify.call(api_event(request_body(person_id="olle", caller_email=CALLER_EMAIL, urgency="urgent")))
    assert answer["statusCode"] == 202
    body = json.loads(answer["body"])
    assert body["channels"] == ["email"]
    notify.drain()
    [email] = sent_emails()
    assert email.source == DEMO_EMAIL_SENDER
    assert email.destinations["ToAddresses"] == ["olle.berg@acme.example"]
    assert email.subject == "BRÅDSKANDE: Telefonmeddelande från Anna Kund, Kundbolaget AB"
    assert "<p>Hej Olle!</p>" in email.body  # moto keeps the HTML part
    assert "Undrar om offerten på 12 pallar" in email.body
    message = _messages().get(TENANT, body["message_id"])
    assert message is not None
    assert message.status is MessageStatus.SENT
    assert message.email is not None
    assert message.email.text.startswith("Hej Olle!\n\nAnna Kund, Kundbolaget AB ringde")
    assert message.email.reply_to == CALLER_EMAIL


def test_the_sesv2_request_carries_reply_to_text_and_html(notify: Notify) -> None:
    seen: list[dict[str, Any]] = []
    client = boto3.client("sesv2")
    client.meta.events.register("provide-client-params.sesv2.SendEmail", lambda params, **_: seen.append(params))
    from telefonist.dal.notify_adapters import SesEmailSender
    from telefonist.notify.models import RenderedEmail

    SesEmailSender(client, DEMO_EMAIL_SENDER).send_email(
        EVA_EMAIL, RenderedEmail(subject="Ämne", text="Hej", html="<p>Hej</p>", reply_to=CALLER_EMAIL)
    )
    [params] = seen
    assert params["FromEmailAddress"] == DEMO_EMAIL_SENDER
    assert params["ReplyToAddresses"] == [CALLER_EMAIL]
    assert params["Content"]["Simple"]["Body"]["Text"]["Data"] == "Hej"
    assert params["Content"]["Simple"]["Body"]["Html"]["Data"] == "<p>Hej</p>"


def test_both_channels_with_a_customer_template_for_a_common_number(notify: Notify, customer_table: Any) -> None:
    template = MessageTemplate(sms="${urgent}Till ${person} från ${sender}: ${text} /Acme Support")
    MessageTemplateRepository(customer_table).put_template(
        TENANT, TemplateScope(common_number_id="support", template=template)
    )
    answer = notify.send(channel="both", common_number_id="support", callback_wanted=False, caller_number=None)
    assert answer["channels"] == ["sms", "email"]
    notify.drain()
    [(number, text)] = sent_sms()
    assert number == EVA_MOBILE
    assert text == (
        "Till Eva från Anna Kund, Kundbolaget AB: "
        "Undrar om offerten på 12 pallar, hör av dig före fredag. /Acme Support"
    )
    [email] = sent_emails()
    assert email.destinations["ToAddresses"] == [EVA_EMAIL]


def test_the_message_form_shows_channels_instructions_and_required_fields(
    notify: Notify, repo: CustomerRepository, customer_table: Any
) -> None:
    from telefonist_local.sample_data import demo_common_numbers, demo_tenant

    repo.put_tenant(demo_tenant(TENANT))  # a customer's common numbers need its profile first
    for common in demo_common_numbers():
        repo.put_common_number(TENANT, common)
    template = MessageTemplate(urgent_channel=MessagePreference.SMS, required_fields=[RequiredField.CALLER_COMPANY])
    MessageTemplateRepository(customer_table).put_template(
        TENANT, TemplateScope(common_number_id="vaxel", template=template)
    )
    repo.put_person(TENANT, eva(MessagePreference.EMAIL))
    path = f"/tenants/{TENANT}/people/eva/message-form"
    answer = notify.call(api_event(None, method="GET", path=path, query={"common_number_id": "vaxel"}))
    assert answer["statusCode"] == 200
    form = json.loads(answer["body"])
    assert form["person_name"] == "Eva Lind"
    assert form["channels"] == ["email"]
    assert form["urgent_channels"] == ["sms"]
    assert form["instructions"] == "Namn, företag, nummer och ärende. SMS om det är brådskande."
    assert form["required_fields"] == ["caller_company"]
    # The customer's rule is enforced on submit: company missing is a 400 naming it.
    refused = notify.send(common_number_id="vaxel", caller_company=None)
    assert (refused["status_code"], _field(refused["error"])) == (400, "caller_company")
    missing = notify.call(api_event(None, method="GET", path=f"/tenants/{TENANT}/people/nobody/message-form"))
    assert missing["statusCode"] == 404


def test_a_double_submit_sends_once(notify: Notify) -> None:
    first = notify.send(request_id="dubbel-klick-1")
    second = notify.send(request_id="dubbel-klick-1")
    via_api = json.loads(notify.call(api_event(request_body(request_id="dubbel-klick-1")))["body"])
    assert first["message_id"] == second["message_id"] == via_api["message_id"]
    while notify.drain().received:
        pass
    assert len(sent_sms()) == 1
    assert len(_messages().list_recent(TENANT)) == 1


def test_a_reused_request_id_with_another_text_is_a_409(notify: Notify) -> None:
    notify.send(request_id="samma-id-1")
    answer = notify.send(request_id="samma-id-1", text="Något helt annat")
    assert answer["status_code"] == 409
    assert _field(answer["error"]) == "request_id"


@pytest.mark.parametrize(
    "changed",
    [
        {"caller_name": "Bertil Annan"},
        {"caller_number": "070-111 22 33"},
        {"caller_number": None},
        {"caller_email": CALLER_EMAIL},
        {"caller_company": "Annat Bolag AB"},
        {"caller_company": None},
        {"text": "Något helt annat"},
        {"callback_wanted": False},
        {"urgency": "urgent"},
        {"channel": "both"},
        {"person_id": "olle"},
        {"common_number_id": "vaxel"},
    ],
)
def test_a_reused_request_id_with_any_other_content_is_a_409_and_nothing_more_is_sent(
    notify: Notify, changed: dict[str, Any]
) -> None:
    # Given a message submitted with a request id
    first = notify.send(request_id="samma-id-2")
    assert first["status_code"] == 202
    # When the same request id comes again with one field different
    again = notify.send(request_id="samma-id-2", **changed)
    # Then it is a 409 naming request_id, and only the first message is stored and sent
    assert (again["status_code"], _field(again["error"])) == (409, "request_id")
    assert [m.message_id for m in _messages().list_recent(TENANT)] == [first["message_id"]]
    while notify.drain().received:
        pass
    assert len(sent_sms()) == 1
    assert sent_emails() == []


def test_the_same_content_again_replays_the_first_answer_and_sends_once(notify: Notify) -> None:
    body = request_body(request_id="samma-id-3", channel="both", caller_email=CALLER_EMAIL, urgency="urgent")
    first = notify.send(**body)
    again = notify.send(**body)
    via_api = json.loads(notify.call(api_event(body))["body"])
    assert first["status_code"] == again["status_code"] == 202
    assert first["message_id"] == again["message_id"] == via_api["message_id"]
    assert first["channels"] == again["channels"] == ["sms", "email"]
    while notify.drain().received:
        pass
    assert (len(sent_sms()), len(sent_emails())) == (1, 1)


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"person_id": "nobody"}, 404, "person_id"),
        ({"person_id": "olle", "channel": "sms"}, 400, "channel"),
        ({"person_id": "kim", "channel": "sms"}, 400, "channel"),
        ({"caller_number": "070-12"}, 400, "caller_number"),
        ({"caller_email": "kund@"}, 400, "caller_email"),
        ({"caller_name": "Anna\r\nBcc: x@example.com"}, 400, "caller_name"),
        ({"text": "   "}, 400, "text"),
        ({"text": "x" * 1001}, 400, "text"),
        ({"text": "🙂" * 500}, 400, "text"),  # fits the text limit, not six SMS parts
        ({"request_id": None}, 400, "request_id"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(
    notify: Notify, overrides: dict[str, Any], status: int, field: str
) -> None:
    answer = notify.send(**overrides)
    assert answer["status_code"] == status
    assert _field(answer["error"]) == field
    assert _messages().list_recent(TENANT) == []  # nothing stored, nothing queued
    assert _queue_depth(notify.environment[config.ENV_NOTIFY_QUEUE_URL]) == 0


@pytest.mark.parametrize(("body", "field"), [("{not json", "body"), ("[1, 2]", "body")])
def test_a_body_that_is_not_a_json_object_is_a_400(notify: Notify, body: str, field: str) -> None:
    answer = notify.call(api_event(body))
    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["field"] == field


@pytest.mark.parametrize("groups", [None, "customer-admins", "finance"])
def test_only_operators_send_messages(notify: Notify, groups: str | None) -> None:
    answer = notify.call(api_event(request_body(), groups=groups))
    assert answer["statusCode"] == 403
    assert _messages().list_recent(TENANT) == []


def test_ses_failing_keeps_the_message_retries_and_lands_in_the_dead_letter_queue(notify: Notify) -> None:
    # Given SES refuses everything (the sender identity is gone: MessageRejected)
    boto3.client("ses").delete_identity(Identity=DEMO_EMAIL_SENDER)
    answer = notify.send(person_id="olle")
    message_id = answer["message_id"]
    queue_url = notify.environment[config.ENV_NOTIFY_QUEUE_URL]
    # When the sender polls as often as SQS lets it
    runs = []
    while (run := notify.drain()).received:
        runs.append(run)
    # Then every receive failed and was retried, up to maxReceiveCount
    assert len(runs) == resources.NOTIFY_MAX_RECEIVE_COUNT
    assert all(run.sent == 0 and len(run.failed_message_ids) == 1 for run in runs)
    message = _messages().get(TENANT, message_id)
    assert message is not None
    assert message.status is MessageStatus.FAILED
    assert message.attempts == resources.NOTIFY_MAX_RECEIVE_COUNT
    assert message.last_error == "email: SES MessageRejected"
    assert message.email is not None  # the content is kept for a redrive
    assert sent_emails() == []
    # And the job is in the dead-letter queue, nothing left in the queue
    assert _queue_depth(queue_url) == 0
    dead = boto3.client("sqs").receive_message(QueueUrl=_dlq_url(), MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["message_id"] for m in dead] == [message_id]

    # When SES is back and the dead letter is redriven, the e-mail goes out after all
    boto3.client("ses").verify_email_identity(EmailAddress=DEMO_EMAIL_SENDER)
    sqs = boto3.client("sqs")
    for dead_message in dead:
        sqs.send_message(QueueUrl=queue_url, MessageBody=dead_message["Body"])
        sqs.delete_message(QueueUrl=_dlq_url(), ReceiptHandle=dead_message["ReceiptHandle"])
    assert notify.drain().sent == 1
    [email] = sent_emails()
    assert email.destinations["ToAddresses"] == ["olle.berg@acme.example"]
    message = _messages().get(TENANT, message_id)
    assert message is not None
    assert message.status is MessageStatus.SENT
    assert message.attempts == resources.NOTIFY_MAX_RECEIVE_COUNT + 1


def test_sns_failing_keeps_the_sms_retries_and_lands_in_the_dead_letter_queue(notify: Notify) -> None:
    from botocore.stub import Stubber

    # Given Eva prefers SMS, and SNS fails every publish
    message_id = notify.send(person_id="eva")["message_id"]
    sns = notify.sending.delivery.sms._client  # type: ignore[attr-defined]
    with Stubber(sns) as stub:
        for _ in range(resources.NOTIFY_MAX_RECEIVE_COUNT):
            stub.add_client_error("publish", "InternalError", http_status_code=500)
        # When the sender polls as often as SQS lets it
        runs = []
        while (run := notify.drain()).received:
            runs.append(run)
        stub.assert_no_pending_responses()
    # Then it was tried up to maxReceiveCount, kept, marked failed, and dead-lettered
    assert len(runs) == resources.NOTIFY_MAX_RECEIVE_COUNT
    message = _messages().get(TENANT, message_id)
    assert message is not None
    assert message.status is MessageStatus.FAILED
    assert message.attempts == resources.NOTIFY_MAX_RECEIVE_COUNT
    assert message.last_error == "sms: SNS InternalError"
    assert sent_sms() == []
    dead = boto3.client("sqs").receive_message(QueueUrl=_dlq_url(), MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["message_id"] for m in dead] == [message_id]


def test_sms_sent_and_e_mail_failing_to_the_end_is_partially_sent(notify: Notify) -> None:
    # Given a message for Eva by SMS and e-mail, and SES refusing everything
    boto3.client("ses").delete_identity(Identity=DEMO_EMAIL_SENDER)
    message_id = notify.send(channel="both", request_id="halvt-skickat-1")["message_id"]
    # When the sender polls as often as SQS lets it
    runs = []
    while (run := notify.drain()).received:
        runs.append(run)
        message = _messages().get(TENANT, message_id)
        assert message is not None
        if len(runs) < resources.NOTIFY_MAX_RECEIVE_COUNT:
            assert message.status is MessageStatus.QUEUED  # still in flight
    # Then the SMS went once and stays sent; the e-mail is failed; the message is partially sent
    assert len(runs) == resources.NOTIFY_MAX_RECEIVE_COUNT
    assert [number for number, _ in sent_sms()] == [EVA_MOBILE]
    assert sent_emails() == []
    message = _messages().get(TENANT, message_id)
    assert message is not None
    assert message.status is MessageStatus.PARTIALLY_SENT
    sms, email = message.deliveries[Channel.SMS], message.deliveries[Channel.EMAIL]
    assert (sms.status, sms.attempts, sms.last_error) == (ChannelStatus.SENT, 1, None)
    assert sms.provider_message_id is not None
    assert (email.status, email.attempts, email.last_error) == (
        ChannelStatus.FAILED,
        resources.NOTIFY_MAX_RECEIVE_COUNT,
        "SES MessageRejected",
    )
    assert email.provider_message_id is None
    assert message.last_error == "email: SES MessageRejected"
    dead = boto3.client("sqs").receive_message(QueueUrl=_dlq_url(), MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["message_id"] for m in dead] == [message_id]

    # When SES is back and the dead letter is redriven: only the e-mail goes, the message is sent
    boto3.client("ses").verify_email_identity(EmailAddress=DEMO_EMAIL_SENDER)
    queue_url = notify.environment[config.ENV_NOTIFY_QUEUE_URL]
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody=dead[0]["Body"])
    assert notify.drain().sent == 1
    assert (len(sent_sms()), len(sent_emails())) == (1, 1)
    message = _messages().get(TENANT, message_id)
    assert message is not None
    assert message.status is MessageStatus.SENT
    assert message.deliveries[Channel.EMAIL].status is ChannelStatus.SENT
    assert message.deliveries[Channel.SMS].attempts == 1


def test_both_channels_failing_to_the_end_is_failed(notify: Notify) -> None:
    from botocore.stub import Stubber

    # Given SNS fails every publish and SES refuses everything
    boto3.client("ses").delete_identity(Identity=DEMO_EMAIL_SENDER)
    message_id = notify.send(channel="both", request_id="inget-skickat-1")["message_id"]
    sns = notify.sending.delivery.sms._client  # type: ignore[attr-defined]
    with Stubber(sns) as stub:
        for _ in range(resources.NOTIFY_MAX_RECEIVE_COUNT):
            stub.add_client_error("publish", "InternalError", http_status_code=500)
        while notify.drain().received:
            pass
        stub.assert_no_pending_responses()
    # Then nothing was sent, each channel is failed with its error, and the message is failed
    assert (sent_sms(), sent_emails()) == ([], [])
    message = _messages().get(TENANT, message_id)
    assert message is not None
    assert message.status is MessageStatus.FAILED
    assert {channel: (d.status, d.attempts, d.last_error) for channel, d in message.deliveries.items()} == {
        Channel.SMS: (ChannelStatus.FAILED, resources.NOTIFY_MAX_RECEIVE_COUNT, "SNS InternalError"),
        Channel.EMAIL: (ChannelStatus.FAILED, resources.NOTIFY_MAX_RECEIVE_COUNT, "SES MessageRejected"),
    }
    assert message.last_error == "sms: SNS InternalError; email: SES MessageRejected"


def test_a_malformed_queue_message_is_reported_failed_not_dropped(notify: Notify) -> None:
    queue_url = notify.environment[config.ENV_NOTIFY_QUEUE_URL]
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody='{"tenant_id": "acme"}')
    run = notify.drain()
    assert (run.received, run.sent, len(run.failed_message_ids)) == (1, 0, 1)
    assert _queue_depth(queue_url) == 1  # still there: retried, then dead-lettered


def test_a_sender_with_a_bad_environment_fails_at_cold_start(notify: Notify) -> None:
    with (
        patched_environment({config.ENV_SMS_SENDER_ID: "Växeln Acme AB"}),
        pytest.raises(InvalidEnvironment, match=config.ENV_SMS_SENDER_ID),
    ):
        sender_handler.dependencies.__wrapped__()


def test_the_preference_both_skips_an_unreachable_sms_half(notify: Notify) -> None:
    answer = notify.send(person_id="kim")
    assert answer["channels"] == ["email"]


def test_logs_hold_no_phone_number_address_or_text(
    notify: Notify, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from telefonist.observability import logger

    secret_text = "Hemlig offert 4711 till Kundbolaget"
    logger.setLevel("DEBUG")
    caplog.set_level("DEBUG", logger="aws_lambda_powertools")  # botocore debug logs bodies; Lambda runs it at WARNING
    try:
        # Both handlers, successes and failures
        notify.send(person_id="eva", channel="both", text=secret_text, caller_email=CALLER_EMAIL)
        notify.call(api_event(request_body(person_id="olle", text=secret_text, request_id="api-logg-1")))
        notify.send(caller_number="070-12", text=secret_text, request_id="fel-nummer-1")
        notify.send(caller_email="kund@", text=secret_text, request_id="fel-adress-1")
        notify.send(person_id="nobody", text=secret_text, request_id="okand-person-1")  # refused by the service
        assert notify.drain().sent == 2
        boto3.client("ses").delete_identity(Identity=DEMO_EMAIL_SENDER)  # now e-mail fails, is retried, dead-lettered
        notify.send(person_id="olle", text=secret_text, request_id="ses-nere-1", caller_email=CALLER_EMAIL)
        while notify.drain().received:
            pass
    finally:
        logger.setLevel("INFO")
    output = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert "message sent" in output  # the logs were captured at all
    assert "moved to the dead-letter queue" in output
    assert "message refused" in output
    assert len(sent_sms()) == 1
    forbidden = [
        EVA_MOBILE,
        "0701234567",
        "701234567",
        "070-123 45 67",
        "+46707654321",
        "0707654321",
        "070-765 43 21",
        "707654321",
        EVA_EMAIL,
        "olle.berg@acme.example",
        CALLER_EMAIL,
        "kund@kundbolaget",
        secret_text,
        "Hemlig offert",
        "Undrar om offerten",
    ]
    leaked = [value for value in forbidden if value in output]
    assert leaked == []


def test_a_message_log_outage_is_a_503_and_nothing_is_queued(notify: Notify) -> None:
    boto3.client("dynamodb").delete_table(TableName=resources.MESSAGE_TABLE.local_name)
    answer = notify.send(request_id="logg-nere-1")
    assert answer["status_code"] == 503
    assert _queue_depth(notify.environment[config.ENV_NOTIFY_QUEUE_URL]) == 0


def test_a_queue_outage_is_a_503_the_message_is_marked_failed_and_a_resubmit_works(notify: Notify) -> None:
    queue_url = notify.environment[config.ENV_NOTIFY_QUEUE_URL]
    sqs = boto3.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])["Attributes"]
    sqs.delete_queue(QueueUrl=queue_url)
    answer = notify.call(api_event(request_body(request_id="ko-nere-1")))
    assert answer["statusCode"] == 503
    [stored] = _messages().list_recent(TENANT)
    assert stored.status is MessageStatus.FAILED
    assert stored.last_error == "not queued"
    # The queue is back: the same request id is accepted now (a failed submit is not remembered)
    sqs.create_queue(QueueName=resources.NOTIFY_QUEUE.local_name, Attributes=attributes)
    retry = notify.call(api_event(request_body(request_id="ko-nere-1")))
    assert retry["statusCode"] == 202
    assert notify.drain().sent == 1
    assert len(sent_sms()) == 1
