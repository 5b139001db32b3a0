"""The operator's caller-history actions: look up (and record) a contact's caller, record outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from telefonist.caller_history import (
    CallerHistory,
    HistoryLookup,
    MessageChannel,
    MessageLeft,
    MessageRecorded,
    Outcome,
)
from telefonist.clock import utc_now
from telefonist.observability import logger
from telefonist.ports.store import RepositoryError
from telefonist.statistics.model import MESSAGE_CHANNELS_ATTRIBUTE
from telefonist.transfer import ContactAttributes
from telefonist.transfer.service import contact_in_progress


class HistoryStore(Protocol):
    def look_up_and_record(
        self, tenant_id: str, contact_id: str, caller_number: str, now: datetime
    ) -> CallerHistory: ...

    def record_outcome(
        self, tenant_id: str, contact_id: str, outcome: Outcome, person_id: str, channel: str | None = None
    ) -> bool: ...


class CallerHistoryService:
    def __init__(self, store: HistoryStore, contacts: ContactAttributes) -> None:
        self._store = store
        self._contacts = contacts

    def look_up(self, tenant_id: str, lookup: HistoryLookup) -> CallerHistory:
        """Only for a contact in progress of this customer: an operator cannot probe arbitrary numbers
        under a made-up contact (each lookup also records the contact under that caller)."""
        contact_in_progress(self._contacts, tenant_id, lookup.contact_id, "body.contact_id")
        return self._store.look_up_and_record(tenant_id, lookup.contact_id, lookup.caller_number, utc_now())

    def transferred(self, tenant_id: str, contact_id: str, person_id: str) -> None:
        self._record(tenant_id, contact_id, Outcome.TRANSFERRED, person_id, None)

    def message_left(self, tenant_id: str, contact_id: str, message: MessageLeft) -> MessageRecorded:
        """Sets the contact's `message_channels` attribute (statistics' messages by channel, read by the
        CTR consumer) to every channel of messages left on it, and records the outcome in the history."""
        attributes = contact_in_progress(self._contacts, tenant_id, contact_id, "path.contact_id")
        held = {part.strip() for part in attributes.get(MESSAGE_CHANNELS_ATTRIBUTE, "").split(",")}
        channels = [c for c in MessageChannel if c.value in held or c in message.channels]
        self._contacts.update(contact_id, {MESSAGE_CHANNELS_ATTRIBUTE: ",".join(c.value for c in channels)})
        sent = ",".join(c.value for c in MessageChannel if c in message.channels)
        self._record(tenant_id, contact_id, Outcome.MESSAGE, message.person_id, sent)
        return MessageRecorded(contact_id=contact_id, message_channels=channels)

    def _record(self, tenant_id: str, contact_id: str, outcome: Outcome, person_id: str, channel: str | None) -> None:
        # The history is a help for the next call: its failure never fails the transfer or the message.
        try:
            self._store.record_outcome(tenant_id, contact_id, outcome, person_id, channel)
        except RepositoryError:
            logger.warning("caller history outcome not recorded", extra={"tenant_id": tenant_id})
