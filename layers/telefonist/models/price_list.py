"""Versioned price lists: an amount in öre per tariff, valid from a date."""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import Field, model_validator

from telefonist.models.base import DomainModel
from telefonist.models.types import TARIFFS, NonEmptyStr, Ore, Tariff


class PriceList(DomainModel):
    """Prices of every tariff valid from a date (Stockholm calendar) until the next version."""

    version: NonEmptyStr
    valid_from: date
    amounts_ore: dict[Tariff, Ore]

    @model_validator(mode="after")
    def _all_tariffs(self) -> Self:
        missing = sorted(set(TARIFFS) - set(self.amounts_ore))
        if missing:
            raise ValueError(f"price missing for tariff(s) {missing}")
        return self


class PriceBook(DomainModel):
    """All price-list versions; answers which price held on a given day."""

    versions: list[PriceList] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        days = [v.valid_from for v in self.versions]
        if len(days) != len(set(days)):
            raise ValueError("two price-list versions are valid from the same date")
        return self

    def valid_on(self, day: date) -> PriceList:
        """The version in force on a day; LookupError when the day precedes every version."""
        found: PriceList | None = None
        for version in self.versions:  # a loop, not a sort: rating asks once per call
            if version.valid_from <= day and (found is None or version.valid_from > found.valid_from):
                found = version
        if found is None:
            raise LookupError(f"no price list valid on {day.isoformat()}")
        return found

    def price(self, tariff: int, day: date) -> tuple[str, int]:
        """(price-list version, amount in öre) of a tariff on a day."""
        price_list = self.valid_on(day)
        return price_list.version, price_list.amounts_ore[tariff]
