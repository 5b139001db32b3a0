"""The directory: people, their keywords, message preference and referral status (hänvisning)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from telefonist.clock import as_utc
from telefonist.models.base import DomainModel
from telefonist.models.types import EmailAddress, Keyword, NonEmptyStr, PhoneNumber, Slug, Text, UtcDatetime


class MessagePreference(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    BOTH = "both"


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    WORK = "work"
    OTHER = "other"


class PersonPhone(DomainModel):
    kind: PhoneKind = PhoneKind.WORK
    number: PhoneNumber


class PersonDetails(DomainModel):
    """What an administrator maintains of a person (the API's person inputs share these fields)."""

    first_name: NonEmptyStr
    last_name: NonEmptyStr
    title: Text = ""
    department: Text = ""
    phones: list[PersonPhone] = Field(default_factory=list, max_length=10)
    email: EmailAddress | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=100)
    message_preference: MessagePreference = MessagePreference.EMAIL


class _PersonId(DomainModel):
    person_id: Slug  # a base of its own so that it stays Person's first field (fields follow the bases' order)


class Person(PersonDetails, _PersonId):
    """A person of a customer's directory, as the operator searches and reaches them."""

    @model_validator(mode="after")
    def _reachable_by_preference(self) -> Self:
        if self.message_preference in (MessagePreference.SMS, MessagePreference.BOTH) and not self.mobile:
            raise ValueError("message_preference sms needs a mobile phone number")
        if self.message_preference in (MessagePreference.EMAIL, MessagePreference.BOTH) and not self.email:
            raise ValueError("message_preference email needs an e-mail address")
        return self

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def mobile(self) -> str | None:
        return next((p.number for p in self.phones if p.kind is PhoneKind.MOBILE), None)

    @property
    def transfer_numbers(self) -> list[str]:
        """Numbers to transfer a call to, work numbers first."""
        order = {PhoneKind.WORK: 0, PhoneKind.MOBILE: 1, PhoneKind.OTHER: 2}
        return [p.number for p in sorted(self.phones, key=lambda p: order[p.kind])]


class Referral(DomainModel):
    """Where a person is and until when, and whom to refer callers to (hänvisning)."""

    referral_id: Slug
    person_id: Slug
    text: NonEmptyStr
    valid_from: UtcDatetime
    valid_until: UtcDatetime | None = None
    refer_to_person_id: Slug | None = None

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        if self.refer_to_person_id == self.person_id:
            raise ValueError("refer_to_person_id cannot be the person itself")
        return self

    def is_current(self, moment: datetime) -> bool:
        moment = as_utc(moment)
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    def is_upcoming(self, moment: datetime) -> bool:
        return as_utc(moment) < self.valid_from


class Directory(DomainModel):
    """A customer's whole directory as loaded in one query: people and their referrals."""

    tenant_id: Slug
    people: list[Person]
    referrals: list[Referral] = Field(default_factory=list)
    version: int = 0

    def referrals_of(self, person_id: str) -> list[Referral]:
        return [r for r in self.referrals if r.person_id == person_id]

    def current_referral(self, person_id: str, moment: datetime) -> Referral | None:
        """The referral valid now; where several overlap, the one that started last wins."""
        return referral_valid_at(self.referrals_of(person_id), moment)


def referral_valid_at(referrals: Iterable[Referral], moment: datetime) -> Referral | None:
    """Of one person's referrals, the one valid at `moment`; where several overlap, the one that started last."""
    return max((r for r in referrals if r.is_current(moment)), key=lambda r: r.valid_from, default=None)


__all__ = [
    "Directory",
    "MessagePreference",
    "Person",
    "PersonPhone",
    "PhoneKind",
    "Referral",
    "referral_valid_at",
]
