"""Common numbers (gemensamma nummer) and their general information: the operator's script."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Self

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, model_validator

from telefonist.models.base import DomainModel
from telefonist.models.types import (
    EmailAddress,
    NonEmptyStr,
    PhoneNumber,
    ShortText,
    Slug,
    Text,
    UtcDatetime,
    strip_text,
)
from telefonist.schedule import is_open_during, is_within

# Caps that keep a common number, and the routing record that copies it, well under DynamoDB's
# 400 KB item even in 4-byte characters (tests/unit/models/test_models.py measures the maximum).
MAX_TEMPORARY_INFORMATION = 20
MAX_FAQ_ENTRIES = 30
MAX_FAQ_ANSWER_CHARS = 1000
MAX_CONTACTS = 30
FaqAnswer = Annotated[str, BeforeValidator(strip_text), StringConstraints(max_length=MAX_FAQ_ANSWER_CHARS)]


def _wall_clock(value: time) -> time:
    """Opening hours are Stockholm wall-clock times: an offset or `Z` would be compared with local time."""
    if value.tzinfo is not None:
        raise ValueError("must be a local (Europe/Stockholm) time without an offset or Z, e.g. 08:00")
    return value


LocalTime = Annotated[time, AfterValidator(_wall_clock)]


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
    answer: FaqAnswer


class Contact(DomainModel):
    """Someone the operator may point callers to for a kind of question."""

    name: NonEmptyStr
    role: ShortText = ""
    phone_number: PhoneNumber | None = None
    email: EmailAddress | None = None


class OpeningHours(DomainModel):
    """Weekly opening hours in Stockholm local time; weekday 0 is Monday. Empty means always open."""

    weekly: dict[int, tuple[LocalTime, LocalTime]] = Field(default_factory=dict, max_length=7)
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
    temporary_information: list[TemporaryInformation] = Field(
        default_factory=list, max_length=MAX_TEMPORARY_INFORMATION
    )
    faq: list[FaqEntry] = Field(default_factory=list, max_length=MAX_FAQ_ENTRIES)
    contacts: list[Contact] = Field(default_factory=list, max_length=MAX_CONTACTS)

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
