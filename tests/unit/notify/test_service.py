"""Submit and deliver with fake ports: stored before sending, sent once per channel, failed at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from telefonist.models.directory import MessagePreference, Person
from telefonist.notify.errors import DeliveryFailed, InvalidMessage, MessageNotAccepted, PersonNotFound, SendError
from telefonist.notify.models import (
    MAX_SMS_SEGMENTS,
    Channel,
    ChannelStatus,
    FinalStatus,
    Message,
    MessageRequest,
    MessageStatus,
    NotifyJob,
    RenderedEmail,
)
from telefonist.notify.service import DeliveryService, NotifyService, new_message_id
from telefonist.notify.templates import MessageContext, MessageTemplate, RequiredField

from tests.notify_helpers import EVA_EMAIL, EVA_MOBILE, TENANT, direct_event, eva

NOW = datetime(2026, 11, 24, 13, 5, tzinfo=UTC)


@dataclass
class FakePeople:
    people: dict[str, Person]
    context: MessageContext = field(default_factory=MessageContext)

    def find_person(self, tenant_id: str, person_id: str) -> Person | None:
        return self.people.get(person_id) if tenant_id == TENANT else None

    def message_context(self, tenant_id: str, common_number_id: str | None) -> MessageContext:
        return self.context


@dataclass
class FakeLog:
    """An in-memory message log that records the order of events."""

    events: list[str]
    messages: dict[str, Message] = field(default_factory=dict)

    def create(self, message: Message) -> None:
        self.events.append("stored")
        self.messages[message.message_id] = message

    def get(self, tenant_id: str, message_id: str) -> Message | None:
        return self.messages.get(message_id)

    def _set(self, message_id: str, **changes: object) -> None:
        self.messages[message_id] = self.messages[message_id].model_copy(update=changes)

    def start_attempt(self, tenant_id: str, message_id: str, now: datetime) -> int:
        attempts = self.messages[message_id].attempts + 1
        self._set(message_id, attempts=attempts)
        return attempts

    def _set_channel(self, message_id: str, channel: Channel, **changes: object) -> None:
        deliveries = dict(self.messages[message_id].deliveries)
        delivery = deliveries[channel]
        deliveries[channel] = delivery.model_copy(update={"attempts": delivery.attempts + 1, **changes})
        self._set(message_id, deliveries=deliveries)

    def mark_delivered(
        self, tenant_id: str, message_id: str, channel: Channel, provider_id: str, now: datetime
    ) -> None:
        self._set_channel(
            message_id, channel, status=ChannelStatus.SENT, provider_message_id=provider_id, last_error=None
        )

    def mark_failed(
        self, tenant_id: str, message_id: str, channel: Channel, error: str, final: bool, now: datetime
    ) -> None:
        status = ChannelStatus.FAILED if final else ChannelStatus.QUEUED
        self._set_channel(message_id, channel, status=status, last_error=error)

    def finish(self, tenant_id: str, message_id: str, final: FinalStatus) -> Message:
        deliveries = {
            channel: d.model_copy(update={"status": ChannelStatus.FAILED}) if channel in final.give_up else d
            for channel, d in self.messages[message_id].deliveries.items()
        }
        self._set(message_id, status=final.status, last_error=final.error, deliveries=deliveries)
        return self.messages[message_id]

    def note_error(self, tenant_id: str, message_id: str, error: str, now: datetime) -> None:
        self._set(message_id, status=MessageStatus.QUEUED, last_error=error)


@dataclass
class FakeQueue:
    events: list[str]
    fail: bool = False
    jobs: list[NotifyJob] = field(default_factory=list)

    def enqueue(self, job: NotifyJob) -> None:
        if self.fail:
            raise MessageNotAccepted("SQS ServiceUnavailable")
        self.events.append("queued")
        self.jobs.append(job)


@dataclass
class FakeSms:
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send_sms(self, phone_number: str, text: str) -> str:
        self.sent.append((phone_number, text))
        return f"sms-{len(self.sent)}"


@dataclass
class FakeEmail:
    failures_left: int = 0
    sent: list[tuple[str, RenderedEmail]] = field(default_factory=list)

    def send_email(self, to_address: str, email: RenderedEmail) -> str:
        if self.failures_left:
            self.failures_left -= 1
            raise SendError("SES ServiceUnavailable")
        self.sent.append((to_address, email))
        return f"email-{len(self.sent)}"


@pytest.fixture
def events() -> list[str]:
    return []


@pytest.fixture
def log(events: list[str]) -> FakeLog:
    return FakeLog(events)


def _service(events: list[str], log: FakeLog, person: Person | None = None, **context: object) -> NotifyService:
    people = FakePeople({"eva": person or eva()}, MessageContext(**context))  # type: ignore[arg-type]
    return NotifyService(people=people, log=log, queue=FakeQueue(events), clock=lambda: NOW)


def _request(**overrides: object) -> MessageRequest:
    return MessageRequest.model_validate(direct_event(**overrides))


def test_a_message_is_stored_as_queued_before_it_is_queued(events: list[str], log: FakeLog) -> None:
    result = _service(events, log).submit(_request())
    assert events == ["stored", "queued"]
    stored = log.messages[result.message_id]
    assert stored.status is MessageStatus.QUEUED
    assert stored.deliveries[Channel.SMS].destination == EVA_MOBILE
    assert stored.sms is not None
    assert "Anna Kund" in stored.sms.text
    assert result.channels == [Channel.SMS]
    assert result.sms_segments == 1


def test_an_unknown_person_is_not_found(events: list[str], log: FakeLog) -> None:
    with pytest.raises(PersonNotFound):
        _service(events, log).submit(_request(person_id="nobody"))
    assert events == []


def test_a_text_too_long_for_sms_is_refused_on_text(events: list[str], log: FakeLog) -> None:
    with pytest.raises(InvalidMessage) as exc:
        _service(events, log).submit(_request(text="🙂" * 300))  # UCS-2: far more than the parts allowed
    assert exc.value.field == "text"
    assert f"at most {MAX_SMS_SEGMENTS}" in exc.value.reason
    assert events == []


def test_the_same_text_fits_by_e_mail(events: list[str], log: FakeLog) -> None:
    result = _service(events, log).submit(_request(text="🙂" * 300, channel="email"))
    assert result.channels == [Channel.EMAIL]


def test_the_customers_required_fields_are_enforced(events: list[str], log: FakeLog) -> None:
    template = MessageTemplate(required_fields=[RequiredField.CALLER_COMPANY])
    service = _service(events, log, template=template)
    with pytest.raises(InvalidMessage) as exc:
        service.submit(_request(caller_company=None))
    assert exc.value.field == "caller_company"


def test_a_queue_outage_marks_the_message_failed_and_says_so(events: list[str], log: FakeLog) -> None:
    service = _service(events, log)
    service.queue = FakeQueue(events, fail=True)
    with pytest.raises(MessageNotAccepted):
        service.submit(_request())
    [stored] = log.messages.values()
    assert stored.status is MessageStatus.FAILED
    assert {d.status for d in stored.deliveries.values()} == {ChannelStatus.FAILED}
    assert {d.attempts for d in stored.deliveries.values()} == {0}  # never tried


def _submitted(events: list[str], log: FakeLog, **overrides: object) -> NotifyJob:
    person = eva(MessagePreference.BOTH)
    _service(events, log, person).submit(_request(**overrides))
    [message] = log.messages.values()
    return NotifyJob(tenant_id=TENANT, message_id=message.message_id)


def test_deliver_sends_each_channel_and_marks_sent(events: list[str], log: FakeLog) -> None:
    job = _submitted(events, log, caller_email="kund@kundbolaget.example")
    sms, email = FakeSms(), FakeEmail()
    message = DeliveryService(log, sms, email, clock=lambda: NOW).deliver(job, receive_count=1, max_receives=3)
    assert message.status is MessageStatus.SENT
    assert message.attempts == 1
    assert sms.sent[0][0] == EVA_MOBILE
    assert email.sent[0][0] == EVA_EMAIL
    assert str(email.sent[0][1].reply_to) == "kund@kundbolaget.example"
    assert message.deliveries[Channel.EMAIL].provider_message_id == "email-1"


def test_a_retry_sends_only_what_failed_and_the_last_failure_is_partially_sent(events: list[str], log: FakeLog) -> None:
    job = _submitted(events, log)
    sms, email = FakeSms(), FakeEmail(failures_left=3)
    delivery = DeliveryService(log, sms, email, clock=lambda: NOW)
    for receive in (1, 2):
        with pytest.raises(DeliveryFailed) as retried:
            delivery.deliver(job, receive_count=receive, max_receives=3)
        assert retried.value.final_status is None
        message = log.messages[job.message_id]
        assert message.status is MessageStatus.QUEUED  # in flight
        assert message.deliveries[Channel.EMAIL].status is ChannelStatus.QUEUED
    with pytest.raises(DeliveryFailed) as last:
        delivery.deliver(job, receive_count=3, max_receives=3)
    assert last.value.final_status == MessageStatus.PARTIALLY_SENT
    message = log.messages[job.message_id]
    assert message.status is MessageStatus.PARTIALLY_SENT
    assert message.attempts == 3
    assert message.last_error == "email: SES ServiceUnavailable"
    assert len(sms.sent) == 1  # the SMS went out on the first attempt and was never repeated
    sms_channel, email_channel = message.deliveries[Channel.SMS], message.deliveries[Channel.EMAIL]
    assert (sms_channel.status, sms_channel.attempts, sms_channel.provider_message_id) == (
        ChannelStatus.SENT,
        1,
        "sms-1",
    )
    assert (email_channel.status, email_channel.attempts, email_channel.last_error) == (
        ChannelStatus.FAILED,
        3,
        "SES ServiceUnavailable",
    )
    # Redriven from the dead-letter queue once SES is back: the e-mail goes, the SMS is not repeated.
    assert delivery.deliver(job, receive_count=1, max_receives=3).status is MessageStatus.SENT
    assert (len(sms.sent), len(email.sent)) == (1, 1)
    message = log.messages[job.message_id]
    assert {c: (d.status, d.attempts) for c, d in message.deliveries.items()} == {
        Channel.SMS: (ChannelStatus.SENT, 1),
        Channel.EMAIL: (ChannelStatus.SENT, 4),
    }


def test_every_channel_failing_to_the_end_is_failed(events: list[str], log: FakeLog) -> None:
    job = _submitted(events, log, caller_email="kund@kundbolaget.example")
    sms, email = FailingSms(), FakeEmail(failures_left=99)
    delivery = DeliveryService(log, sms, email, clock=lambda: NOW)
    for receive in (1, 2, 3):
        with pytest.raises(DeliveryFailed):
            delivery.deliver(job, receive_count=receive, max_receives=3)
    message = log.messages[job.message_id]
    assert message.status is MessageStatus.FAILED
    assert message.last_error == "sms: SNS Throttling; email: SES ServiceUnavailable"
    assert {c: (d.status, d.attempts, d.last_error) for c, d in message.deliveries.items()} == {
        Channel.SMS: (ChannelStatus.FAILED, 3, "SNS Throttling"),
        Channel.EMAIL: (ChannelStatus.FAILED, 3, "SES ServiceUnavailable"),
    }
    assert (sms.tried, email.sent) == (3, [])


@dataclass
class FailingSms:
    tried: int = 0

    def send_sms(self, phone_number: str, text: str) -> str:
        self.tried += 1
        raise SendError("SNS Throttling")


def test_a_message_already_sent_is_not_sent_again(events: list[str], log: FakeLog) -> None:
    job = _submitted(events, log)
    sms = FakeSms()
    delivery = DeliveryService(log, sms, FakeEmail(), clock=lambda: NOW)
    delivery.deliver(job, 1, 3)
    delivery.deliver(job, 2, 3)  # SQS delivers at least once
    assert len(sms.sent) == 1


def test_a_job_for_a_missing_message_fails_rather_than_vanishing(log: FakeLog) -> None:
    with pytest.raises(DeliveryFailed, match="not in the message log"):
        DeliveryService(log, FakeSms(), FakeEmail()).deliver(NotifyJob(tenant_id=TENANT, message_id="X"), 1, 3)


def test_message_ids_sort_by_time() -> None:
    earlier, later = new_message_id(NOW), new_message_id(NOW.replace(second=6))
    assert len(earlier) == 26
    assert earlier < later
