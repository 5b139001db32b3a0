"""The customer's billing summary for a month, read through a port.

The rating function writes billing lines as Parquet in S3; an adapter over those files (wired by
the stack) implements `BillingSummarySource`. Tests and the local server use the in-memory one.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from telefonist.dal.errors import RepositoryError
from telefonist.models.types import Ore, Tariff, TenantId

Month = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    Field(description="A calendar month, YYYY-MM (Stockholm time)", examples=["2026-11"]),
]


class TariffTotal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tariff: Tariff
    calls: int = Field(ge=0)
    amount_ore: Ore


class BillingSummary(BaseModel):
    """What a customer is charged for a month, per tariff, in öre excluding VAT."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tenant_id: TenantId
    month: Month
    tariffs: list[TariffTotal] = Field(default_factory=list)
    total_ore: Ore = 0
    currency: str = "SEK"


class BillingSummarySource(Protocol):
    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        """The month's summary (an empty one when nothing was billed); RepositoryError if unreadable."""
        ...


class InMemoryBillingSummarySource:
    """Summaries held in memory: the tests' and the local server's source."""

    def __init__(self, summaries: list[BillingSummary] | None = None) -> None:
        self._summaries = {(s.tenant_id, s.month): s for s in summaries or []}

    def add(self, summary: BillingSummary) -> None:
        self._summaries[(summary.tenant_id, summary.month)] = summary

    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        return self._summaries.get((tenant_id, month)) or BillingSummary(tenant_id=tenant_id, month=month)


class UnavailableBillingSummarySource:
    """Stands in until billing lines are wired: every read degrades to 'temporarily unavailable'."""

    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        raise RepositoryError("billing summaries are not available yet")
