"""The customer's call log of a month (issue 20): one row per billing line, in answer order, with
what became of the call (from its contact event) and the caller's number masked.

Built from the billing lines themselves, so that it reconciles line for line with the invoice:
the rows' amounts add up to the month's invoice öre for öre.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class CallLogRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    contact_id: str
    answered_at: str  # Stockholm time with its offset
    number: str | None  # the common number dialled
    caller: str | None  # masked
    tariff: int
    amount_ore: int
    handling_seconds: int
    outcome: str  # answered, transferred, message
    transferred_to_person: str | None = None
    message_channels: tuple[str, ...] = ()


def _outcome(event: Mapping[str, Any] | None) -> str:
    if event is None:
        return "answered"
    if event.get("transferred"):
        return "transferred"
    if event.get("message_channels"):
        return "message"
    return "answered"


def call_log(lines: Iterable[Mapping[str, Any]], events: Mapping[str, Mapping[str, Any]]) -> list[CallLogRow]:
    """A row per billing line (`line_row` form), its outcome from the contact's event when known."""
    rows = []
    for line in lines:
        event = events.get(str(line["contact_id"]))
        answered_at = line["answered_at"]
        rows.append(
            CallLogRow(
                contact_id=str(line["contact_id"]),
                answered_at=answered_at if isinstance(answered_at, str) else answered_at.isoformat(),
                number=line.get("dialed_number"),
                caller=event.get("caller_masked") if event else None,
                tariff=int(line["tariff"]),
                amount_ore=int(line["amount_ore"]),
                handling_seconds=int(line["handling_seconds"]),
                outcome=_outcome(event),
                transferred_to_person=event.get("transferred_to_person") if event else None,
                message_channels=tuple(event.get("message_channels") or ()) if event else (),
            )
        )
    return sorted(rows, key=lambda r: (datetime.fromisoformat(r.answered_at), r.contact_id))
