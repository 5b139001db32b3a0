"""A customer's billing for a month: the summary, the lines' columns, and the port that reads them.

The rating function writes billing lines to the billing table (Iceberg over S3); the adapter over
it (telefonist.dal.billing_summary) implements `BillingSummarySource`, the tests' in-memory one and
the stand-in are in telefonist.self_service.billing. The domain owns this port: dal implements it
and imports it from here, never from the use cases.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from telefonist.models.types import Month, Ore, Tariff, TenantId

# The columns of a month's CSV download, in order (the billing table's own names; amounts in öre
# as integers, `amount_sek` the same amount in kronor with a decimal point).
CSV_COLUMNS: tuple[str, ...] = (
    "contact_id",
    "answered_at",
    "period",
    "tariff",
    "transferred",
    "talk_seconds",
    "handling_seconds",
    "over_45s",
    "amount_ore",
    "amount_sek",
    "price_list_version",
    "dialed_number",
)
# What the source reads for them (amount_sek is computed; answered_at_utc orders the lines).
LINE_SOURCE_COLUMNS: tuple[str, ...] = (*(c for c in CSV_COLUMNS if c != "amount_sek"), "answered_at_utc")


class TariffTotal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    tariff: Tariff
    calls: int = Field(ge=0)
    amount_ore: Ore
    calls_over_45s: int = Field(default=0, ge=0, description="Calls whose handling exceeded 45 s")


class BillingSummary(BaseModel):
    """What a customer is charged for a month, per tariff, in öre excluding VAT."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    tenant_id: TenantId
    month: Month
    tariffs: list[TariffTotal] = Field(default_factory=list)
    total_ore: Ore = 0
    currency: str = "SEK"


class TooManyLines(Exception):
    """A month holds more lines than one download carries."""

    def __init__(self, lines: int) -> None:
        super().__init__(f"{lines} lines")
        self.lines = lines


class BillingSummarySource(Protocol):
    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        """The month's summary (an empty one when nothing was billed); RepositoryError if unreadable."""
        ...

    def monthly_lines(self, tenant_id: str, month: str, max_lines: int) -> list[dict[str, Any]]:
        """The month's lines (LINE_SOURCE_COLUMNS but answered_at_utc, which orders them) in answer
        order; TooManyLines past `max_lines`."""
        ...
