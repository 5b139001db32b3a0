"""Common numbers (gemensamma nummer) and their general information: the operator's script."""

from __future__ import annotations

from datetime import datetime, time
from typing import Self

from pydantic import Field, model_validator

from telefonist.models.base import DomainModel
from telefonist.models.types import EmailAddress, NonEmptyStr, PhoneNumber, Slug, Text, UtcDatetime
from telefonist.schedule import is_open_during, is_within


class TemporaryInformation(DomainModel):
    """A notice the operator must see while it is valid ("closed for inventory today")."""

    text: NonEmptyStr
    valid_from: UtcDatetime
    valid_until: UtcDatetime

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        return self

    def is_valid_at(self, moment: datetime) -> bool:
        return is_within(self.valid_from, self.valid_until, moment)


class FaqEntry(DomainModel):
    question: NonEmptyStr
    answer: Text


class Contact(DomainModel):
    """Someone the operator may point callers to for a kind of question."""

    name: NonEmptyStr
    role: Text = ""
    phone_number: PhoneNumber | None = None
    email: EmailAddress | None = None


class OpeningHours(DomainModel):
    """Weekly opening hours in Stockholm local time; weekday 0 is Monday. Empty means always open."""

    weekly: dict[int, tuple[time, time]] = Field(default_factory=dict)
    closed_message: Text = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        for day, (opens, closes) in self.weekly.items():
            if day not in range(7):
                raise ValueError(f"weekday {day} must be 0 (Monday) to 6 (Sunday)")
            if closes <= opens:
                raise ValueError(f"weekday {day}: closing time must be after opening time")
        return self

    def is_open_at(self, moment: datetime) -> bool:
        return is_open_during(self.weekly, moment)


class GeneralInformation(DomainModel):
    """How the operator answers, transfers and takes messages for one common number."""

    how_to_answer: NonEmptyStr
    how_to_transfer: Text = ""
    how_to_take_messages: Text = ""
    temporary_information: list[TemporaryInformation] = Field(default_factory=list, max_length=20)
    faq: list[FaqEntry] = Field(default_factory=list, max_length=50)
    contacts: list[Contact] = Field(default_factory=list, max_length=50)

    def temporary_information_at(self, moment: datetime) -> list[TemporaryInformation]:
        """The notices valid at a moment: expired and not-yet-valid ones are left out."""
        return [info for info in self.temporary_information if info.is_valid_at(moment)]


class CommonNumber(DomainModel):
    """A function number of the customer (Växel, Sales, Support) with its own script."""

    common_number_id: Slug
    name: NonEmptyStr
    info: GeneralInformation
    opening_hours: OpeningHours = Field(default_factory=OpeningHours)
    updated_at: UtcDatetime | None = None
