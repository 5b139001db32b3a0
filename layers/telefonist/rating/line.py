"""The billing line (spec §9) and where it lives in the billing bucket.

Storage layout, chosen so that finance can never count a call twice:

    lines/month=YYYY-MM/tenant_id=<tenant or _unresolved>/<contact_id>.parquet

One object per billable contact, overwritten in place by every newer CTR version (the DynamoDB
ledger decides which version is newer, with conditional writes). A plain `SELECT` over the
table therefore sees exactly one row per contact, with no latest-version view to remember and
no window function that would defeat partition pruning. When a newer version moves a contact
to another partition (its tenant became resolvable, say), the ledger remembers every key ever
written for the contact and the superseded objects are deleted. The price is one small object
per call: a switchboard's volume (thousands of calls per customer and month) keeps that cheap,
and Athena prunes to one customer's month before listing anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from telefonist.models.base import DomainModel
from telefonist.models.types import Ore

UNRESOLVED_TENANT = "_unresolved"
LINES_PREFIX = "lines/"

TenantSource = Literal["attribute", "dialed_number", "unresolved"]
# The largest number of seconds a line holds: `talk_seconds` and `handling_seconds` are int
# columns (Parquet INT32) in LINE_COLUMNS. A CTR over it cannot become a line: it is quarantined.
MAX_LINE_SECONDS = 2**31 - 1


class BillingLine(DomainModel):
    """One billed contact: the fields of spec §9 plus the partition (month) and tenant flag."""

    contact_id: str
    tenant_id: str | None = Field(description="None when neither the attribute nor the dialed number resolved")
    tenant_source: TenantSource
    tariff: int = Field(ge=1, le=6, description="Tariff 1 to 6")
    period: Literal["weekday_day", "evening_weekend"]
    answered_at: datetime = Field(description="Europe/Stockholm local time with its offset")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Stockholm month of the answer: the partition")
    talk_seconds: int = Field(ge=0, le=MAX_LINE_SECONDS)
    handling_seconds: int = Field(ge=0, le=MAX_LINE_SECONDS)
    over_45s: bool
    transferred: bool
    amount_ore: Ore
    price_list_version: str
    ctr_last_updated: datetime = Field(description="LastUpdateTimestamp (UTC) of the CTR version rated")
    dialed_number: str | None
    queue: str | None

    @property
    def unresolved(self) -> bool:
        return self.tenant_id is None

    @classmethod
    def trusted(cls, values: dict[str, Any]) -> BillingLine:
        """A line from values the rating engine computed itself (every field, right types).

        The hot path of rating: full validation costs as much as parsing the whole CTR, and
        `model_construct` loops over the fields in Python. This sets the instance's state the
        way pydantic does, in O(1). tests/unit/rating prove such lines equal validated ones.
        """
        line = cls.__new__(cls)
        object.__setattr__(line, "__dict__", values)
        object.__setattr__(line, "__pydantic_fields_set__", set(_ALL_FIELDS))
        object.__setattr__(line, "__pydantic_extra__", None)
        object.__setattr__(line, "__pydantic_private__", None)
        return line


_ALL_FIELDS = frozenset(BillingLine.model_fields)


def month_prefix(month: str) -> str:
    """The key prefix of a month's lines, every tenant."""
    return f"{LINES_PREFIX}month={month}/"


def line_key(line: BillingLine) -> str:
    """The one S3 key of a contact's line (see the module docstring)."""
    tenant = line.tenant_id or UNRESOLVED_TENANT
    return f"{month_prefix(line.month)}tenant_id={tenant}/{line.contact_id}.parquet"


# The Parquet columns of a line and their Glue/Athena types: one list for the writer (dal),
# the Glue tables (infra) and the local DuckDB views. `tenant_id` and `month` are also the
# path's partition values; the per-customer table takes them from the path.
LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("contact_id", "string"),
    ("tenant_id", "string"),
    ("tenant_source", "string"),
    ("tariff", "int"),
    ("period", "string"),
    ("answered_at", "string"),
    ("answered_at_utc", "timestamp"),
    ("month", "string"),
    ("talk_seconds", "int"),
    ("handling_seconds", "int"),
    ("over_45s", "boolean"),
    ("transferred", "boolean"),
    ("amount_ore", "bigint"),
    ("price_list_version", "string"),
    ("ctr_last_updated", "timestamp"),
    ("dialed_number", "string"),
    ("queue", "string"),
)
PARTITION_COLUMNS = ("month", "tenant_id")


def line_row(line: BillingLine) -> dict[str, object]:
    """A line as one row of LINE_COLUMNS (times as the writer stores them)."""
    return {
        "contact_id": line.contact_id,
        "tenant_id": line.tenant_id,
        "tenant_source": line.tenant_source,
        "tariff": line.tariff,
        "period": line.period,
        "answered_at": line.answered_at.isoformat(),
        "answered_at_utc": line.answered_at,
        "month": line.month,
        "talk_seconds": line.talk_seconds,
        "handling_seconds": line.handling_seconds,
        "over_45s": line.over_45s,
        "transferred": line.transferred,
        "amount_ore": line.amount_ore,
        "price_list_version": line.price_list_version,
        "ctr_last_updated": line.ctr_last_updated,
        "dialed_number": line.dialed_number,
        "queue": line.queue,
    }
