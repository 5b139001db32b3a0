"""Messages the operator takes for a person, and the record kept of each until it is sent."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from telefonist.models.base import DomainModel
from telefonist.models.directory import MessagePreference
from telefonist.models.types import EmailAddress, PhoneNumber, Slug, TenantId, UtcDatetime

MAX_TEXT_CHARS = 1000
MAX_SMS_SEGMENTS = 6


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _single_line(value: str) -> str:
    """No line breaks or other control characters: these fields end up in e-mail subjects."""
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise ValueError("must be a single line without control characters")
    return value


def _message_text(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    if any(unicodedata.category(ch).startswith("C") and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value.replace("\r\n", "\n")


def _empty_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


SingleLine = Annotated[
    str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=100), AfterValidator(_single_line)
]
MessageText = Annotated[
    str,
    BeforeValidator(lambda v: v.replace("\r\n", "\n").strip() if isinstance(v, str) else v),
    AfterValidator(_message_text),
    StringConstraints(max_length=MAX_TEXT_CHARS),
    Field(description=f"The message, at most {MAX_TEXT_CHARS} characters"),
]
RequestId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,80}$"),
    Field(description="Chosen by the client, unique per message: a repeated submit sends once"),
]


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class ChannelStatus(StrEnum):
    """One channel of a message: waiting or being retried, sent, or given up after the last attempt."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class MessageStatus(StrEnum):
    """A message as a whole: queued while in flight, then what its channels came to."""

    QUEUED = "queued"
    SENT = "sent"
    PARTIALLY_SENT = "partially_sent"
    FAILED = "failed"


def overall_status(channels: Iterable[ChannelStatus]) -> MessageStatus:
    """The message's status from its channels': queued while any is in flight, sent when every one
    was sent, partially sent when some were, failed when none was."""
    statuses = set(channels)
    if not statuses or ChannelStatus.QUEUED in statuses:
        return MessageStatus.QUEUED
    if statuses == {ChannelStatus.SENT}:
        return MessageStatus.SENT
    return MessageStatus.PARTIALLY_SENT if ChannelStatus.SENT in statuses else MessageStatus.FAILED


@dataclass(frozen=True)
class FinalStatus:
    """How a message ends (`MessageLog.finish`): its status and last error, when, and the channels that
    become failed with it (given up before they were sent)."""

    status: MessageStatus
    error: str | None
    at: datetime
    give_up: tuple[Channel, ...] = ()


class MessageInput(DomainModel):
    """What the operator types while the caller waits (the API's body: the tenant is in the path)."""

    person_id: Slug
    request_id: RequestId
    caller_name: SingleLine
    caller_number: Annotated[PhoneNumber | None, BeforeValidator(_empty_to_none)] = None
    caller_company: Annotated[SingleLine | None, BeforeValidator(_empty_to_none)] = None
    caller_email: Annotated[EmailAddress | None, BeforeValidator(_empty_to_none)] = None
    text: MessageText
    callback_wanted: bool = False
    urgency: Urgency = Urgency.NORMAL
    channel: MessagePreference | None = Field(default=None, description="Overrides the person's preference")
    common_number_id: Slug | None = Field(default=None, description="The number the call came in on")


class MessageRequest(MessageInput):
    """A message for a person of one customer's directory."""

    tenant_id: TenantId


class RenderedSms(DomainModel):
    text: str
    encoding: str
    segments: int


class RenderedEmail(DomainModel):
    subject: str
    text: str
    html: str
    reply_to: EmailAddress | None = None


class Delivery(DomainModel):
    """One channel of a message: where it goes, whether it went, how often it was tried, the last error."""

    destination: str
    status: ChannelStatus = ChannelStatus.QUEUED
    provider_message_id: str | None = None
    sent_at: UtcDatetime | None = None
    attempts: int = Field(default=0, ge=0, description="Sending attempts of this channel")
    last_error: str | None = Field(default=None, description="Provider and error code of its last failure")


class Message(DomainModel):
    """The message log's record: written before sending; status queued → sent | partially_sent | failed,
    from the status of each channel in `deliveries`."""

    tenant_id: TenantId
    message_id: str
    request_id: RequestId
    person_id: Slug
    created_at: UtcDatetime
    urgency: Urgency
    status: MessageStatus = MessageStatus.QUEUED
    attempts: int = 0
    deliveries: dict[Channel, Delivery]
    sms: RenderedSms | None = None
    email: RenderedEmail | None = None
    last_error: str | None = None
    updated_at: UtcDatetime | None = None


class SubmitResult(DomainModel):
    """What the operator gets back: the id to quote and the channels it goes out on."""

    message_id: str
    status: MessageStatus
    channels: list[Channel]
    sms_segments: int | None = None


class MessageForm(DomainModel):
    """What the operator needs before typing: who, which channels, what this customer asks for."""

    person_id: Slug
    person_name: str
    channels: list[Channel]
    urgent_channels: list[Channel]
    instructions: str = Field(description="The common number's 'how should we take messages?'")
    required_fields: list[str]
    max_text_chars: int = MAX_TEXT_CHARS


class NotifyJob(DomainModel):
    """The queue's message body: only keys, the content stays in the (encrypted) message log."""

    tenant_id: TenantId
    message_id: str
