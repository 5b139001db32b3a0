"""Caller history for operators (issue 20): a caller's earlier contacts with one customer.

Keyed by a keyed hash of the caller's number (HMAC-SHA-256 with a per-tenant key derived from one
KMS HMAC key), never the number itself; entries expire after `RETENTION_DAYS` (DynamoDB TTL, and
reads skip expired entries because TTL deletion is lazy).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from telefonist import retention
from telefonist.models.base import DomainModel
from telefonist.models.types import PhoneNumber, Slug

RETENTION_DAYS = retention.DEFAULT.caller_history_days  # the defaults' one place (SECURITY.md section 8)
RETENTION = timedelta(days=RETENTION_DAYS)
# The message MAC'd by KMS to derive one tenant's key: the key's purpose, a version, the tenant.
KEY_DERIVATION_LABEL = b"telefonist caller-history v1\x00"
CONTACT_ID_PATTERN = r"^[0-9a-fA-F-]{36}$"


class MessageChannel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class Outcome(StrEnum):
    """What became of a contact, as the operator workspace's actions record it."""

    ANSWERED = "answered"  # an operator took it; nothing more recorded (yet)
    TRANSFERRED = "transferred"  # "Koppla vidare"/"Förmedla" to `person_id`
    MESSAGE = "message"  # a message for `person_id` by `channel`


def derivation_message(tenant_id: str) -> bytes:
    return KEY_DERIVATION_LABEL + tenant_id.encode()


def caller_hash(tenant_key: bytes, caller_number: str) -> str:
    """The caller's key in one tenant's history: HMAC-SHA-256 of the E.164 number (hex)."""
    return hmac.new(tenant_key, caller_number.encode(), hashlib.sha256).hexdigest()


def expires_at(at: datetime) -> int:
    """The epoch second DynamoDB's TTL deletes an entry made at `at`."""
    return int((at + RETENTION).timestamp())


class HistoryLookup(DomainModel):
    """The contact the operator took and its caller's number: sent in a body, never in a URL."""

    contact_id: str = Field(pattern=CONTACT_ID_PATTERN, description="The contact in Amazon Connect")
    caller_number: PhoneNumber = Field(description="The caller's number (hashed server-side, never stored)")


class HistoryEntry(DomainModel):
    at: datetime = Field(description="When the earlier contact arrived (UTC)")
    contact_id: str
    outcome: Outcome
    person_id: Slug | None = Field(default=None, description="Whom they asked for (transferred to, or message for)")
    channel: str | None = Field(default=None, description="The message's channel (sms, email) when outcome=message")


class MessageLeft(DomainModel):
    """The workspace sent a message for a person during this contact (the API's SubmitResult channels)."""

    person_id: Slug = Field(description="Whom the message is for")
    channels: list[MessageChannel] = Field(min_length=1, max_length=2, description="The channels it goes out on")


class MessageRecorded(DomainModel):
    contact_id: str
    message_channels: list[MessageChannel] = Field(description="Every channel of messages left on this contact")


class CallerHistory(DomainModel):
    items: list[HistoryEntry] = Field(description=f"Earlier contacts in the last {RETENTION_DAYS} days, newest first")
    retention_days: int = RETENTION_DAYS
