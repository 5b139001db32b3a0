"""The event an Amazon Connect flow sends a function (tests/events/connect-lambda-event.json is one)."""

from __future__ import annotations

from typing import Any

from telefonist_local.connect.flow_simulator import SimulatedContact
from telefonist_local.connect.flow_simulator import connect_event as _simulated_event


def connect_event(
    dialed_number: str,
    caller_number: str,
    *,
    attributes: dict[str, str] | None = None,
    parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A voice contact from `caller_number` to `dialed_number`, as the flow simulator invokes functions."""
    contact = SimulatedContact(dialed_number=dialed_number, caller_number=caller_number)
    return _simulated_event(contact, attributes or {}, parameters or {})
