"""The call path's read model of a routing record: what the operator map needs, without pydantic.

The routing record is validated where it is written (`telefonist.models.Route`, rebuilt by the
self-service side). The contact-flow function only reads it, on every call and after every cold
start, so it decodes the stored item with plain Python: importing pydantic would cost about as
much as the rest of the function together (see `benchmarks/inbound.py`). The open/closed and
notice rules are the same functions the models use (`telefonist.schedule`), and a property test
checks that the view of any valid `Route` answers exactly as the model does.

A malformed item raises `MalformedRouteError` naming the field, so the caller degrades to the
fallback map instead of showing the operator half a script.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from telefonist.clock import parse_utc
from telefonist.models.status import TenantStatus
from telefonist.schedule import WeeklyHours, is_open_during, is_within


class MalformedRouteError(ValueError):
    """A stored routing record the call path cannot read; the message names the field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path


@dataclass(frozen=True, slots=True)
class Notice:
    """Temporary information ("closed for inventory today"), shown while it is valid."""

    text: str
    valid_from: datetime
    valid_until: datetime

    def is_valid_at(self, moment: datetime) -> bool:
        return is_within(self.valid_from, self.valid_until, moment)


@dataclass(frozen=True, slots=True)
class RouteView:
    """Dialed number → customer, common number and script, as the operator needs it for one call."""

    tenant_id: str
    tenant_name: str
    common_number_name: str
    how_to_answer: str
    tenant_status: TenantStatus = TenantStatus.ACTIVE
    how_to_transfer: str = ""
    how_to_take_messages: str = ""
    notices: tuple[Notice, ...] = ()
    weekly_hours: WeeklyHours = field(default_factory=dict)
    closed_message: str = ""
    office_summary: str = ""
    door_code_offices: tuple[str, ...] = ()

    def is_open_at(self, moment: datetime) -> bool:
        return is_open_during(self.weekly_hours, moment)

    def notices_at(self, moment: datetime) -> list[Notice]:
        """The notices valid at a moment: expired and not-yet-valid ones are left out."""
        return [notice for notice in self.notices if notice.is_valid_at(moment)]


def route_view_from_item(item: Mapping[str, Any]) -> RouteView:
    """Decode a stored routing record (the JSON dump of `Route` plus the table's key attributes)."""
    info = _mapping(item, "info", required=True)
    hours = _mapping(item, "opening_hours", required=False)
    status = _text(item, "tenant_status", default=TenantStatus.ACTIVE.value)
    try:
        tenant_status = TenantStatus(status)
    except ValueError:
        raise MalformedRouteError("tenant_status", f"unknown status {status!r}") from None
    return RouteView(
        tenant_id=_text(item, "tenant_id", required=True),
        tenant_name=_text(item, "tenant_name", required=True),
        common_number_name=_text(item, "common_number_name", required=True),
        how_to_answer=_text(info, "how_to_answer", required=True, path="info."),
        tenant_status=tenant_status,
        how_to_transfer=_text(info, "how_to_transfer", path="info."),
        how_to_take_messages=_text(info, "how_to_take_messages", path="info."),
        notices=_notices(info.get("temporary_information")),
        weekly_hours=_weekly(hours.get("weekly")),
        closed_message=_text(hours, "closed_message", path="opening_hours."),
        office_summary=_text(item, "office_summary"),
        door_code_offices=_ids(item.get("door_code_offices"), "door_code_offices"),
    )


def _mapping(item: Mapping[str, Any], key: str, *, required: bool) -> Mapping[str, Any]:
    value = item.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise MalformedRouteError(key, "missing" if value is None else "must be a map")
    return value


def _text(item: Mapping[str, Any], key: str, *, required: bool = False, default: str = "", path: str = "") -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise MalformedRouteError(path + key, "missing")
        return default
    if not isinstance(value, str):
        raise MalformedRouteError(path + key, "must be text")
    return value


def _ids(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(entry, str) and entry for entry in value):
        raise MalformedRouteError(path, "must be a list of ids")
    return tuple(value)


def _notices(value: Any) -> tuple[Notice, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MalformedRouteError("info.temporary_information", "must be a list")
    notices = []
    for index, entry in enumerate(value):
        path = f"info.temporary_information[{index}]."
        if not isinstance(entry, Mapping):
            raise MalformedRouteError(path.rstrip("."), "must be a map")
        notices.append(
            Notice(
                text=_text(entry, "text", required=True, path=path),
                valid_from=_moment(entry, "valid_from", path),
                valid_until=_moment(entry, "valid_until", path),
            )
        )
    return tuple(notices)


def _moment(entry: Mapping[str, Any], key: str, path: str) -> datetime:
    text = _text(entry, key, required=True, path=path)
    try:
        return parse_utc(text)
    except ValueError:
        raise MalformedRouteError(path + key, f"not an ISO-8601 moment: {text!r}") from None


def _weekly(value: Any) -> dict[int, tuple[time, time]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise MalformedRouteError("opening_hours.weekly", "must be a map")
    weekly: dict[int, tuple[time, time]] = {}
    for day, span in value.items():
        path = f"opening_hours.weekly.{day}"
        if not str(day).isdigit() or int(day) not in range(7):
            raise MalformedRouteError(path, "weekday must be 0 (Monday) to 6 (Sunday)")
        if not isinstance(span, list | tuple) or len(span) != 2:
            raise MalformedRouteError(path, "must be [opens, closes]")
        try:
            opens, closes = (time.fromisoformat(str(part)) for part in span)
        except ValueError:
            raise MalformedRouteError(path, "times must be HH:MM[:SS]") from None
        # Wall-clock times: an offset stored by older data is ignored, not compared with local time.
        weekly[int(day)] = (opens.replace(tzinfo=None), closes.replace(tzinfo=None))
    return weekly
