"""The employee's own status: set or clear their own referral (page, SMS), and SMS commands.

Every write goes through the self-service write path (`SelfService.set_referral` /
`clear_referral`) as the employee (`Caller` in the `employees` group bound to their person), so the
same rules hold and every change is audited with the channel in the actor (`sms:eva`, `page:eva`).
An SMS is trusted only as far as its sender number: it may change the sender's own referral and
nothing else; a number that is no one's registered mobile is refused, audited and not answered.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from telefonist.clock import utc_now
from telefonist.edge.identity import Caller, Group
from telefonist.models.audit import AuditEntry
from telefonist.models.directory import Person
from telefonist.notify.errors import SendError
from telefonist.notify.ports import SmsSender
from telefonist.observability import logger
from telefonist.ports.store import NotFoundError
from telefonist.referral_automation.presets import StatusChange, StatusRefused
from telefonist.referral_automation.sms_commands import ClearStatus, SetStatus, parse_command, refusal_reply, reply

if TYPE_CHECKING:  # imported where used: an employee's sign-in link needs none of self-service (~0.03 s)
    from telefonist.self_service import api_models as api
    from telefonist.self_service.service import SelfService

OWN_REFERRAL_ID = "egen-status"  # one own status per person: setting another replaces it


@dataclass(frozen=True)
class Employee:
    """An employee acting on their own status, through a channel (`sms`, `page`)."""

    tenant_id: str
    person_id: str
    channel: str

    def caller(self) -> Caller:
        return Caller(
            subject=f"{self.channel}:{self.person_id}",
            tenant_id=self.tenant_id,
            groups=frozenset({Group.EMPLOYEES.value}),
            person_id=self.person_id,
        )


class OwnStatus:
    """Set, clear and read an employee's own status through the self-service write path."""

    def __init__(self, self_service: Callable[[], SelfService]) -> None:
        self._service = self_service

    def set(self, employee: Employee, change: StatusChange) -> api.ReferralView:
        from telefonist.self_service.api_models import ReferralInput

        body = ReferralInput(text=change.text, valid_from=change.valid_from, valid_until=change.valid_until)
        return self._service().set_referral(employee.caller(), employee.person_id, OWN_REFERRAL_ID, body)

    def clear(self, employee: Employee) -> bool:
        """Clear the own status; False when there was none (nothing changed, nothing audited)."""
        try:
            self._service().clear_referral(employee.caller(), employee.person_id, OWN_REFERRAL_ID)
        except NotFoundError:
            return False
        return True


class MobileDirectory(Protocol):
    def people_with_mobile(self, phone_number: str) -> list[tuple[str, Person]]: ...

    def put_audit_entry(self, tenant_id: str, entry: AuditEntry) -> None: ...


class RefusedSenderLog(Protocol):
    def refused_sender(self, entry: AuditEntry) -> None:
        """Audit an SMS from a number that is no one's registered mobile (outside any tenant)."""
        ...


class Outcome(StrEnum):
    SET = "set"
    CLEARED = "cleared"
    HELP = "help"
    REFUSED = "refused"  # a time or date that will not do
    UNKNOWN_SENDER = "unknown_sender"
    AMBIGUOUS_SENDER = "ambiguous_sender"
    FAILED = "failed"


def _entry(at: datetime, actor: str, action: str, target: str, detail: str = "") -> AuditEntry:
    return AuditEntry(entry_id=uuid.uuid4().hex[:12], at=at, actor=actor, action=action, target=target, detail=detail)


class SmsCommands:
    """One inbound SMS: who sent it, what it asks, the change, and the answer."""

    def __init__(
        self,
        people: MobileDirectory,
        status: OwnStatus,
        sms: SmsSender,
        refusals: RefusedSenderLog,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._people = people
        self._status = status
        self._sms = sms
        self._refusals = refusals
        self._clock = clock

    def handle(self, sender: str, text: str, message_id: str = "") -> Outcome:
        now = self._clock()
        from telefonist.dal.keys import mobile_key
        from telefonist.models.types import normalize_phone_number

        try:
            number = normalize_phone_number(sender)
        except ValueError:
            number = ""
        matches = self._people.people_with_mobile(number) if number else []
        if not matches:
            # No answer: a reply would let anyone make the service text any number.
            target = f"sender {mobile_key(number)[7:19]}" if number else "sender unreadable"
            self._refusals.refused_sender(_entry(now, "sms:unknown", "sms.refused", target, f"message {message_id}"))
            return Outcome.UNKNOWN_SENDER
        if len(matches) > 1:
            for tenant_id, person in matches:
                entry = _entry(now, f"sms:{person.person_id}", "sms.refused", f"person {person.person_id}", "ambiguous")
                self._people.put_audit_entry(tenant_id, entry)
            self._answer(number, reply("ambiguous"))
            return Outcome.AMBIGUOUS_SENDER
        tenant_id, person = matches[0]
        employee = Employee(tenant_id, person.person_id, "sms")
        outcome, answer = self._apply(employee, text, now)
        self._answer(number, answer)
        logger.info("sms command", extra={"tenant_id": tenant_id, "outcome": outcome.value})
        return outcome

    def _apply(self, employee: Employee, text: str, now: datetime) -> tuple[Outcome, str]:
        try:
            command = parse_command(text, now)
        except StatusRefused as refused:
            return Outcome.REFUSED, refusal_reply(refused, now)
        if isinstance(command, SetStatus):
            view = self._status.set(employee, command.change)
            return Outcome.SET, reply("set", text=view.text)
        if isinstance(command, ClearStatus):
            self._status.clear(employee)
            return Outcome.CLEARED, reply("cleared")
        return Outcome.HELP, reply("help")

    def _answer(self, number: str, text: str) -> None:
        try:
            self._sms.send_sms(number, text)
        except SendError as exc:  # the change stands; the confirmation is lost (logged without the number)
            logger.warning("sms command answer failed", extra={"error": str(exc)})


@dataclass(frozen=True)
class OwnStatusView:
    """What the employee's page shows: their first name and their own status, if it has not lapsed."""

    first_name: str
    text: str | None
    valid_until: datetime | None


def current_own_status(self_service: SelfService, employee: Employee, now: datetime) -> OwnStatusView:
    """The employee's own status as of `now` (a lapsed one is none), read as the employee."""
    person = self_service.get_person(employee.caller(), employee.person_id)
    own = next((r for r in person.referrals if r.referral_id == OWN_REFERRAL_ID), None)
    if own is None or (own.valid_until is not None and own.valid_until <= now):
        return OwnStatusView(person.first_name, None, None)
    return OwnStatusView(person.first_name, own.text, own.valid_until)
