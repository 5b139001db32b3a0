"""telefonist.retention: the defaults SECURITY.md promises, and a deployment's overrides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telefonist.dal.message_repository import RETENTION
from telefonist.retention import DEFAULT, Retention


def test_the_defaults_are_those_security_md_lists() -> None:
    assert (DEFAULT.messages_days, DEFAULT.caller_history_days, DEFAULT.ctr_archive_days) == (90, 30, 396)
    assert DEFAULT.billing_lines_days >= 7 * 365 + 2  # seven years, leap days included
    assert timedelta(days=DEFAULT.messages_days) == RETENTION  # the message log's TTL uses it


def test_a_deployment_overrides_single_stores() -> None:
    changed = Retention.from_context({"ctr_archive_days": "800"})
    assert changed.ctr_archive_days == 800
    assert changed.messages_days == DEFAULT.messages_days
    assert Retention.from_context(None) == DEFAULT


@pytest.mark.parametrize("value", [{"archive": 10}, {"messages_days": 0}, "90"])
def test_unknown_keys_zero_days_and_non_objects_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="telefonist:retention"):
        Retention.from_context(value)
