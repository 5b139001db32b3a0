"""Offices: addresses and what operators need to know on site. Door codes are secrets."""

from __future__ import annotations

from pydantic import Field, SecretStr

from telefonist.models.base import DomainModel
from telefonist.models.types import NonEmptyStr, Slug, Text


class Address(DomainModel):
    street: NonEmptyStr
    postal_code: NonEmptyStr
    city: NonEmptyStr
    country: NonEmptyStr = "SE"


class DoorCode(DomainModel):
    """An entry code; SecretStr keeps it out of reprs, logs and default dumps."""

    label: NonEmptyStr
    code: SecretStr = Field(min_length=1, max_length=40)


class Office(DomainModel):
    office_id: Slug
    name: NonEmptyStr
    address: Address
    visiting_instructions: Text = ""
    door_codes: list[DoorCode] = Field(default_factory=list, max_length=20)

    def summary(self) -> str:
        """One line for the operator: never includes door codes."""
        return f"{self.name}: {self.address.street}, {self.address.postal_code} {self.address.city}"
