"""The outbound ports of notify: the domain depends on these, boto3 implements them in dal/."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from telefonist.models.directory import Person
from telefonist.notify.models import Channel, FinalStatus, Message, NotifyJob, RenderedEmail
from telefonist.notify.templates import MessageContext


class SmsSender(Protocol):
    def send_sms(self, phone_number: str, text: str) -> str:
        """Send one SMS (E.164 destination); returns the provider's message id; raises SendError."""
        ...


class EmailSender(Protocol):
    def send_email(self, to_address: str, email: RenderedEmail) -> str:
        """Send one e-mail; returns the provider's message id; raises SendError."""
        ...


class PersonLookup(Protocol):
    def find_person(self, tenant_id: str, person_id: str) -> Person | None: ...

    def message_context(self, tenant_id: str, common_number_id: str | None) -> MessageContext: ...


class MessageLog(Protocol):
    def create(self, message: Message) -> None: ...

    def get(self, tenant_id: str, message_id: str) -> Message | None: ...

    def start_attempt(self, tenant_id: str, message_id: str, now: datetime) -> int: ...

    def mark_delivered(
        self, tenant_id: str, message_id: str, channel: Channel, provider_message_id: str, now: datetime
    ) -> None:
        """One channel sent: its status, the provider's id, one more attempt."""
        ...

    def mark_failed(
        self, tenant_id: str, message_id: str, channel: Channel, error: str, final: bool, now: datetime
    ) -> None:
        """One channel's attempt failed: one more attempt, its last error; failed if final, else queued."""
        ...

    def finish(self, tenant_id: str, message_id: str, final: FinalStatus) -> Message:
        """The message's final status and last error; the channels given up become failed too.

        Returns the message as it is stored after the change."""
        ...

    def note_error(self, tenant_id: str, message_id: str, error: str, now: datetime) -> None:
        """The last error of an attempt the queue will retry; the message is queued (in flight)."""
        ...


class MessageQueue(Protocol):
    def enqueue(self, job: NotifyJob) -> None: ...
