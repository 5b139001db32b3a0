"""The customer's call log of a month (issue 20): one row per billing line, in answer order, with
what became of the call (from its contact event) and the caller's number masked.

Built from the billing lines themselves, so that it reconciles line for line with the invoice:
the rows' amounts add up to the month's invoice öre for öre. `CallLogQueries` serves it to the
customer's administrators (their own customer) and finance (any), a page at a time or as CSV;
contact events are read only for the rows shown (BatchGetItem, 100 a round trip), and the names
of the people calls were transferred to from the directory as it is now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from telefonist.edge.errors import InvalidInputError
from telefonist.edge.identity import Caller
from telefonist.ports.billing import BillingSummarySource
from telefonist.self_service.billing import downloadable_lines, lines_csv
from telefonist.self_service.pagination import CURSOR_FIELD, decode_cursor, encode_cursor
from telefonist.statistics.model import CALL_LOG_EVENT_ATTRIBUTES
from telefonist.statistics.service import reader_tenant

CURSOR_KIND = "CALL#"
# The CSV's columns: contact_id first, the key that joins a row to its billing line.
CSV_COLUMNS: tuple[str, ...] = (
    "contact_id",
    "answered_at",
    "number",
    "caller",
    "tariff",
    "amount_ore",
    "amount_sek",
    "handling_seconds",
    "outcome",
    "transferred_to",
    "message_channels",
)


class CallLogRow(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    contact_id: str
    answered_at: str = Field(description="When an operator answered: Stockholm time with its offset")
    number: str | None = Field(description="The common number dialled")
    caller: str | None = Field(description="The caller's number masked (+4670•••••67); null if unknown")
    tariff: int
    amount_ore: int = Field(description="The billing line's amount in öre, excluding VAT")
    handling_seconds: int = Field(description="Talk and after-contact work")
    outcome: str = Field(description="answered, transferred or message")
    transferred_to_person: str | None = Field(default=None, description="The person_id transferred to")
    transferred_to_name: str | None = Field(
        default=None, description="That person's name, if they are still in the directory"
    )
    message_channels: tuple[str, ...] = Field(default=(), description="A message's channels: sms, email")


class CallLogTotals(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    count: int = Field(ge=0, description="Billed calls in the month: the invoice's number of calls")
    amount_ore: int = Field(description="Their amount in öre excluding VAT: the invoice's total")


class CallLogPage(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    month: str
    totals: CallLogTotals = Field(description="The whole month's, whichever page this is")
    rows: list[CallLogRow]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null at the end")


class ContactEventSource(Protocol):
    def events(self, contact_ids: Sequence[str], attributes: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
        """The held events of some contacts, by contact id, only `attributes` of them if named
        (telefonist.dal.statistics_repository)."""
        ...


class DirectoryNames(Protocol):
    def person_names(self, tenant_id: str, person_ids: Sequence[str]) -> dict[str, str]:
        """The names of those of `person_ids` still in the customer's directory."""
        ...


def _outcome(event: Mapping[str, Any] | None) -> str:
    if event is None:
        return "answered"
    if event.get("transferred"):
        return "transferred"
    if event.get("message_channels"):
        return "message"
    return "answered"


def _answered_at(line: Mapping[str, Any]) -> str:
    answered_at = line["answered_at"]
    return answered_at if isinstance(answered_at, str) else answered_at.isoformat()


def _order(line: Mapping[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(_answered_at(line)), str(line["contact_id"])


def call_log(
    lines: Iterable[Mapping[str, Any]],
    events: Mapping[str, Mapping[str, Any]],
    names: Mapping[str, str] | None = None,
    tenant_id: str | None = None,
) -> list[CallLogRow]:
    """A row per billing line (`line_row` form), its outcome from the contact's event when known.

    With `tenant_id`, an event recorded for another customer is never shown (contact ids are
    Connect's, unique, but the events' table is keyed by contact alone)."""
    rows = []
    for line in lines:
        event = events.get(str(line["contact_id"]))
        if event is not None and tenant_id is not None and event.get("tenant_id") != tenant_id:
            event = None
        person = event.get("transferred_to_person") if event else None
        rows.append(
            CallLogRow(
                contact_id=str(line["contact_id"]),
                answered_at=_answered_at(line),
                number=line.get("dialed_number"),
                caller=event.get("caller_masked") if event else None,
                tariff=int(line["tariff"]),
                amount_ore=int(line["amount_ore"]),
                handling_seconds=int(line["handling_seconds"]),
                outcome=_outcome(event),
                transferred_to_person=person,
                transferred_to_name=(names or {}).get(person) if person else None,
                message_channels=tuple(event.get("message_channels") or ()) if event else (),
            )
        )
    return sorted(rows, key=lambda r: (datetime.fromisoformat(r.answered_at), r.contact_id))


def call_log_csv(rows: Sequence[CallLogRow]) -> str:
    """The rows as CSV (as the billing lines' CSV: RFC 4180, header row, formulas defused)."""
    return lines_csv(
        [
            {
                **row.model_dump(),
                "transferred_to": row.transferred_to_name or row.transferred_to_person,
                "message_channels": "|".join(row.message_channels),
            }
            for row in rows
        ],
        CSV_COLUMNS,
    )


@dataclass
class CallLogQueries:
    """Who may read which customer's call log (its administrators their own, finance any), and
    how: the month's billing lines (one read of the billing table's partition), the events of the
    rows served only, and the directory's names when a served row was transferred to someone."""

    billing: BillingSummarySource
    events: ContactEventSource
    names: DirectoryNames

    def own_page(self, caller: Caller, month: str, limit: int, cursor: str | None) -> CallLogPage:
        return self._page(reader_tenant(caller, None, "its call log"), month, limit, cursor)

    def customer_page(self, caller: Caller, tenant_id: str, month: str, limit: int, cursor: str | None) -> CallLogPage:
        return self._page(reader_tenant(caller, tenant_id, "its call log"), month, limit, cursor)

    def own_csv(self, caller: Caller, month: str) -> str:
        return self._csv(reader_tenant(caller, None, "its call log"), month)

    def customer_csv(self, caller: Caller, tenant_id: str, month: str) -> str:
        return self._csv(reader_tenant(caller, tenant_id, "its call log"), month)

    def _lines(self, tenant_id: str, month: str) -> list[dict[str, Any]]:
        return sorted(downloadable_lines(self.billing, tenant_id, month, "query.month"), key=_order)

    def _rows(self, tenant_id: str, lines: Sequence[Mapping[str, Any]]) -> list[CallLogRow]:
        ids = [str(line["contact_id"]) for line in lines]
        events = self.events.events(ids, CALL_LOG_EVENT_ATTRIBUTES) if ids else {}
        people = sorted({str(e["transferred_to_person"]) for e in events.values() if e.get("transferred_to_person")})
        names = self.names.person_names(tenant_id, people) if people else {}
        return call_log(lines, events, names, tenant_id)

    def _page(self, tenant_id: str, month: str, limit: int, cursor: str | None) -> CallLogPage:
        after = decode_cursor(cursor, tenant_id, CURSOR_KIND)
        lines = self._lines(tenant_id, month)
        start = 0
        if after is not None:
            answered_at, _, contact_id = after.removeprefix(CURSOR_KIND).rpartition("#")
            try:
                key = (datetime.fromisoformat(answered_at), contact_id)
            except ValueError:
                raise InvalidInputError.of(CURSOR_FIELD, "not a cursor this list gave out") from None
            start = next((i for i, line in enumerate(lines) if _order(line) > key), len(lines))
        shown = lines[start : start + limit]
        rows = self._rows(tenant_id, shown)
        more = start + len(shown) < len(lines)
        last = rows[-1] if rows else None
        next_cursor = (
            encode_cursor(tenant_id, f"{CURSOR_KIND}{last.answered_at}#{last.contact_id}") if more and last else None
        )
        totals = CallLogTotals(count=len(lines), amount_ore=sum(int(line["amount_ore"]) for line in lines))
        return CallLogPage(tenant_id=tenant_id, month=month, totals=totals, rows=rows, next_cursor=next_cursor)

    def _csv(self, tenant_id: str, month: str) -> str:
        return call_log_csv(self._rows(tenant_id, self._lines(tenant_id, month)))
