"""The message request: every field's rule, and a message that names the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from telefonist.notify.models import (
    MAX_TEXT_CHARS,
    ChannelStatus,
    MessageRequest,
    MessageStatus,
    Urgency,
    overall_status,
)

from tests.notify_helpers import CALLER_NUMBER, direct_event


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in exc.value.errors()}


def test_a_swedish_national_number_is_normalised_to_e164() -> None:
    request = MessageRequest.model_validate(direct_event(caller_number="070-765 43 21"))
    assert request.caller_number == CALLER_NUMBER
    assert request.urgency is Urgency.NORMAL


def test_blank_optional_fields_are_absent() -> None:
    request = MessageRequest.model_validate(direct_event(caller_number="", caller_company="  ", caller_email=""))
    assert (request.caller_number, request.caller_company, request.caller_email) == (None, None, None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text"),
        ({"text": "hej\x07"}, "text"),
        ({"caller_number": "12"}, "caller_number"),
        ({"caller_number": "070-123"}, "caller_number"),
        ({"caller_email": "not-an-address"}, "caller_email"),
        ({"caller_email": "a@b.example\r\nBcc: victim@example.com"}, "caller_email"),
        ({"caller_name": "Anna\r\nBcc: victim@example.com"}, "caller_name"),
        ({"caller_company": "AB\nX-Header: 1"}, "caller_company"),
        ({"caller_name": ""}, "caller_name"),
        ({"request_id": "short"}, "request_id"),
        ({"person_id": "Eva Lind"}, "person_id"),
        ({"channel": "fax"}, "channel"),
        ({"urgency": "panic"}, "urgency"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_input_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        MessageRequest.model_validate(direct_event(**overrides))
    assert field in _fields(exc)


def test_text_keeps_its_line_breaks_and_loses_surrounding_blanks() -> None:
    request = MessageRequest.model_validate(direct_event(text="  Rad ett\r\nRad två  "))
    assert request.text == "Rad ett\nRad två"


def test_a_display_name_never_reaches_a_header() -> None:
    request = MessageRequest.model_validate(direct_event(caller_email="Anna Kund <Anna@Kund.example>"))
    assert request.caller_email == "anna@kund.example"


@pytest.mark.parametrize(
    ("channels", "overall"),
    [
        ([ChannelStatus.QUEUED], MessageStatus.QUEUED),
        ([ChannelStatus.SENT, ChannelStatus.QUEUED], MessageStatus.QUEUED),
        ([ChannelStatus.FAILED, ChannelStatus.QUEUED], MessageStatus.QUEUED),
        ([ChannelStatus.SENT], MessageStatus.SENT),
        ([ChannelStatus.SENT, ChannelStatus.SENT], MessageStatus.SENT),
        ([ChannelStatus.SENT, ChannelStatus.FAILED], MessageStatus.PARTIALLY_SENT),
        ([ChannelStatus.FAILED, ChannelStatus.SENT], MessageStatus.PARTIALLY_SENT),
        ([ChannelStatus.FAILED], MessageStatus.FAILED),
        ([ChannelStatus.FAILED, ChannelStatus.FAILED], MessageStatus.FAILED),
    ],
)
def test_the_overall_status_follows_the_channels(channels: list[ChannelStatus], overall: MessageStatus) -> None:
    assert overall_status(channels) is overall
