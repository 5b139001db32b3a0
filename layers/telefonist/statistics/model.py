"""The contact event's shape (issue 20): what statistics keep of one inbound contact.

Apart from telefonist.statistics.events (which reads CTRs with rating's parser), so that the
statistics routes' function never imports rating.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MESSAGE_CHANNELS = ("sms", "email")
MESSAGE_CHANNELS_ATTRIBUTE = "message_channels"  # the contact attribute: "sms", "email" or "sms,email"
# What the call log reads of a contact event (a projection; the self-service role may read no other).
CALL_LOG_EVENT_ATTRIBUTES = ("tenant_id", "transferred", "transferred_to_person", "message_channels", "caller_masked")


class Outcome(StrEnum):
    ANSWERED = "answered"  # an operator answered
    ABANDONED = "abandoned"  # queued, the caller hung up before an operator answered
    CLOSED = "closed"  # the closed-hours message, never queued


@dataclass(frozen=True)
class ContactEvent:
    contact_id: str
    version_us: int  # LastUpdateTimestamp in microseconds since the epoch
    tenant_id: str
    day: date  # Stockholm date the contact began
    number: str  # the common number dialled
    outcome: Outcome
    fallback: bool  # the operators had only the neutral fallback script
    wait_seconds: int  # in the queue (0 if never queued)
    handling_seconds: int  # talk and after-contact work (0 if not answered)
    transferred: bool
    transferred_to_person: str | None
    message_channels: tuple[str, ...]
    caller_masked: str | None = None  # the caller's number with all but its prefix and last two digits hidden

    @property
    def month(self) -> str:
        return f"{self.day.year:04d}-{self.day.month:02d}"
