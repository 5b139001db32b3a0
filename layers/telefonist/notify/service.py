"""Taking a message (submit) and sending it (deliver): the notify domain's two use cases."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telefonist.clock import utc_now
from telefonist.notify.channels import choose_channels
from telefonist.notify.errors import DeliveryFailed, InvalidMessage, MessageNotAccepted, PersonNotFound, SendError
from telefonist.notify.models import (
    MAX_SMS_SEGMENTS,
    Channel,
    ChannelStatus,
    Delivery,
    FinalStatus,
    Message,
    MessageForm,
    MessageRequest,
    MessageStatus,
    NotifyJob,
    SubmitResult,
    Urgency,
    overall_status,
)
from telefonist.notify.ports import EmailSender, MessageLog, MessageQueue, PersonLookup, SmsSender
from telefonist.notify.templates import message_values, render_email, render_sms

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_message_id(now: datetime) -> str:
    """A ULID: 48-bit millisecond time then 80 random bits, Crockford base32; sorts by time."""
    value = (int(now.timestamp() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _check_required(request: MessageRequest, required: list[str]) -> None:
    for name in required:
        if getattr(request, name) in (None, ""):
            raise InvalidMessage(name, "this customer asks for it on every message")


@dataclass
class NotifyService:
    """Submit stores a message as queued, then queues it; deliver sends what is not yet sent."""

    people: PersonLookup
    log: MessageLog
    queue: MessageQueue
    clock: Callable[[], datetime] = utc_now

    def message_form(self, tenant_id: str, person_id: str, common_number_id: str | None) -> MessageForm:
        """The form for a message to a person: channels, the customer's instructions and required fields."""
        person = self.people.find_person(tenant_id, person_id)
        if person is None:
            raise PersonNotFound(person_id)
        context = self.people.message_context(tenant_id, common_number_id)
        return MessageForm(
            person_id=person.person_id,
            person_name=person.full_name,
            channels=list(choose_channels(person, None, Urgency.NORMAL, context.template)),
            urgent_channels=list(choose_channels(person, None, Urgency.URGENT, context.template)),
            instructions=context.instructions,
            required_fields=[field.value for field in context.template.required_fields],
        )

    def submit(self, request: MessageRequest) -> SubmitResult:
        """Validate, render, store as queued, enqueue. Raises InvalidMessage, PersonNotFound, MessageNotAccepted."""
        person = self.people.find_person(request.tenant_id, request.person_id)
        if person is None:
            raise PersonNotFound(request.person_id)
        context = self.people.message_context(request.tenant_id, request.common_number_id)
        template = context.template
        _check_required(request, [field.value for field in template.required_fields])
        channels = choose_channels(person, request.channel, request.urgency, template)
        now = self.clock()
        values = message_values(request, person, now)
        sms = render_sms(template, values) if Channel.SMS in channels else None
        if sms is not None and sms.segments > MAX_SMS_SEGMENTS:
            raise InvalidMessage(
                "text", f"the SMS would need {sms.segments} parts ({sms.encoding}); at most {MAX_SMS_SEGMENTS}"
            )
        email = render_email(template, values, request.caller_email) if Channel.EMAIL in channels else None
        message = Message(
            tenant_id=request.tenant_id,
            message_id=new_message_id(now),
            request_id=request.request_id,
            person_id=request.person_id,
            created_at=now,
            urgency=request.urgency,
            deliveries={channel: Delivery(destination=destination) for channel, destination in channels.items()},
            sms=sms,
            email=email,
            updated_at=now,
        )
        self.log.create(message)  # stored before anything is sent
        try:
            self.queue.enqueue(NotifyJob(tenant_id=message.tenant_id, message_id=message.message_id))
        except MessageNotAccepted as exc:
            given_up = FinalStatus(MessageStatus.FAILED, "not queued", self.clock(), give_up=tuple(message.deliveries))
            self.log.finish(message.tenant_id, message.message_id, given_up)
            raise MessageNotAccepted("the message could not be queued; nothing was sent, submit again") from exc
        return SubmitResult(
            message_id=message.message_id,
            status=message.status,
            channels=list(channels),
            sms_segments=sms.segments if sms else None,
        )


@dataclass
class DeliveryService:
    """Sends a queued message through the ports; safe to run again for the same message."""

    log: MessageLog
    sms: SmsSender
    email: EmailSender
    clock: Callable[[], datetime] = utc_now

    def deliver(self, job: NotifyJob, receive_count: int, max_receives: int) -> Message:
        """Send every channel not yet sent; mark the message sent, or raise DeliveryFailed.

        Each channel keeps its own status, attempts and last error; a channel once sent is never
        sent again. On the last receive the queue allows (`receive_count >= max_receives`), the
        channels that still fail become failed and the message partially_sent (some channel was
        sent) or failed (none was) before raising: the queue then moves it to the dead-letter
        queue, from where it can be redriven (only its unsent channels are tried again).
        """
        message = self.log.get(job.tenant_id, job.message_id)
        if message is None:
            raise DeliveryFailed(f"message {job.message_id} is not in the message log")
        if message.status is MessageStatus.SENT:
            return message  # a duplicate delivery of the queue message: sent once already
        tenant, message_id = job.tenant_id, job.message_id
        final = receive_count >= max_receives
        self.log.start_attempt(tenant, message_id, self.clock())
        outcome = {channel: delivery.status for channel, delivery in message.deliveries.items()}
        failures: list[str] = []
        for channel, delivery in message.deliveries.items():
            if delivery.status is ChannelStatus.SENT:
                continue  # sent on an earlier attempt
            try:
                provider_id = self._send(message, channel, delivery.destination)
            except SendError as exc:
                failures.append(f"{channel.value}: {exc}")
                outcome[channel] = ChannelStatus.FAILED if final else ChannelStatus.QUEUED
                self.log.mark_failed(tenant, message_id, channel, str(exc), final, self.clock())
                continue
            outcome[channel] = ChannelStatus.SENT
            self.log.mark_delivered(tenant, message_id, channel, provider_id, self.clock())
        if not failures:
            return self.log.finish(tenant, message_id, FinalStatus(MessageStatus.SENT, None, self.clock()))
        reason = "; ".join(failures)
        attempt = f"message {message_id}, attempt {receive_count} of {max_receives}: {reason}"
        if not final:
            self.log.note_error(tenant, message_id, reason, self.clock())
            raise DeliveryFailed(attempt)
        status = overall_status(outcome.values())
        self.log.finish(tenant, message_id, FinalStatus(status, reason, self.clock()))
        raise DeliveryFailed(attempt, final_status=status.value)

    def _send(self, message: Message, channel: Channel, destination: str) -> str:
        if channel is Channel.SMS:
            if message.sms is None:
                raise SendError("no SMS text stored")
            return self.sms.send_sms(destination, message.sms.text)
        if message.email is None:
            raise SendError("no e-mail stored")
        return self.email.send_email(destination, message.email)
