"""A contact event as the statistics consumer records it: an answered call of acme's, overridable field by field."""

from __future__ import annotations

from datetime import date
from typing import Any

from telefonist.statistics.model import ContactEvent, Outcome


def answered_call(**changes: Any) -> ContactEvent:
    fields: dict[str, Any] = {
        "contact_id": "c1",
        "version_us": 1,
        "tenant_id": "acme",
        "day": date(2027, 1, 4),
        "number": "+46850000001",
        "outcome": Outcome.ANSWERED,
        "fallback": False,
        "wait_seconds": 10,
        "handling_seconds": 30,
        "transferred": False,
        "transferred_to_person": None,
        "message_channels": (),
    }
    return ContactEvent(**{**fields, **changes})
