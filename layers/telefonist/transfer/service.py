"""Setting a contact's transfer target: who may be dialled, checked against the directory."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from pydantic import Field

from telefonist.edge.errors import InvalidInputError, ResourceNotFoundError
from telefonist.models.base import DomainModel
from telefonist.models.directory import Person
from telefonist.models.types import PhoneNumber, Slug
from telefonist.ports.store import NotFoundError

TRANSFER_TO = "transfer_to"
TRANSFER_MODE = "transfer_mode"
# Whom the transfer was for, and how it went: the transfer flow sets the outcome when nobody answers
# and the caller comes back to the operators' queue, so the page can offer a message for that person.
TRANSFER_PERSON_ID = "transfer_person_id"
TRANSFER_OUTCOME = "transfer_outcome"


class TransferMode(StrEnum):
    """Blind ("koppla": the caller is connected and the operator leaves) or relay ("förmedla": consult first)."""

    BLIND = "blind"
    RELAY = "relay"


class TransferInput(DomainModel):
    """The person the operator chose and the number of theirs to dial."""

    person_id: Slug = Field(description="A person of the contact's customer's directory")
    number: PhoneNumber = Field(description="One of that person's numbers (E.164 or Swedish national form)")
    mode: TransferMode = TransferMode.BLIND


class TransferResult(DomainModel):
    contact_id: str
    person_id: str
    transfer_to: str
    transfer_mode: TransferMode


class ContactNotFound(Exception):
    """Connect knows no such contact (ended long ago, or another instance's)."""


class ContactAttributes(Protocol):
    """Amazon Connect's contact attributes of one instance (GetContactAttributes / UpdateContactAttributes)."""

    def get(self, contact_id: str) -> dict[str, str]: ...

    def update(self, contact_id: str, attributes: dict[str, str]) -> None: ...


class InMemoryContactAttributes:
    """Contacts held in memory: the local host's simulated calls, and the tests."""

    def __init__(self) -> None:
        self.contacts: dict[str, dict[str, str]] = {}

    def get(self, contact_id: str) -> dict[str, str]:
        if contact_id not in self.contacts:
            raise ContactNotFound(contact_id)
        return dict(self.contacts[contact_id])

    def update(self, contact_id: str, attributes: dict[str, str]) -> None:
        self.get(contact_id)
        self.contacts[contact_id].update(attributes)


def contact_in_progress(contacts: ContactAttributes, tenant_id: str, contact_id: str, field: str) -> dict[str, str]:
    """The contact's attributes if it is in progress and for `tenant_id` (or a fallback call, which names
    no customer: the operator chose one after asking); 404 / 400 naming `field` otherwise."""
    try:
        attributes = contacts.get(contact_id)
    except ContactNotFound as exc:
        raise ResourceNotFoundError(f"no contact {contact_id} in progress", field=field) from exc
    contact_tenant = attributes.get("tenant_id") or None
    if contact_tenant is not None and contact_tenant != tenant_id:
        raise InvalidInputError.of("path.tenant_id", "the call is for another customer: act within its directory")
    return attributes


class TransferService:
    """Sets a contact's transfer target to a number of its own customer's directory, and nothing else."""

    def __init__(self, person_of: Callable[[str, str], Person], contacts: ContactAttributes) -> None:
        self._person_of = person_of
        self._contacts = contacts

    def set_target(self, tenant_id: str, contact_id: str, request: TransferInput) -> TransferResult:
        contact_in_progress(self._contacts, tenant_id, contact_id, "path.contact_id")
        try:
            person = self._person_of(tenant_id, request.person_id)
        except NotFoundError as exc:
            raise ResourceNotFoundError(
                f"no person {request.person_id} in the customer's directory", field="body.person_id"
            ) from exc
        if request.number not in person.transfer_numbers:
            raise InvalidInputError.of(
                "body.number", "not a number of this person in the customer's directory: callers go only there"
            )
        # A new transfer starts afresh: the outcome of an earlier one on this contact no longer holds.
        self._contacts.update(
            contact_id,
            {
                TRANSFER_TO: request.number,
                TRANSFER_MODE: request.mode.value,
                TRANSFER_PERSON_ID: person.person_id,
                TRANSFER_OUTCOME: "",
            },
        )
        return TransferResult(
            contact_id=contact_id, person_id=person.person_id, transfer_to=request.number, transfer_mode=request.mode
        )
