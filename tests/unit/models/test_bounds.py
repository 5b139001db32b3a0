"""Caps on what a customer can store: every item fits DynamoDB's 400 KB, by construction."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from telefonist.models.common_number import CommonNumber, OpeningHours
from telefonist.models.route import Route

WIDE = "𝄞"  # 4 bytes in UTF-8: the worst case for an item's size


def _maximal_common_number() -> CommonNumber:
    return CommonNumber.model_validate(
        {
            "common_number_id": "x" * 63,
            "name": WIDE * 200,
            "info": {
                "how_to_answer": WIDE * 200,
                "how_to_transfer": WIDE * 2000,
                "how_to_take_messages": WIDE * 2000,
                "temporary_information": [
                    {"text": WIDE * 200, "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z"}
                ]
                * 20,
                "faq": [{"question": WIDE * 200, "answer": WIDE * 1000}] * 30,
                "contacts": [
                    {
                        "name": WIDE * 200,
                        "role": WIDE * 200,
                        "phone_number": "+46701234567",
                        "email": ("a" * 64) + "@" + ("b" * 60) + ".se",
                    }
                ]
                * 30,
            },
            "opening_hours": {"weekly": {str(d): ["00:00", "23:59"] for d in range(7)}, "closed_message": WIDE * 2000},
        }
    )


def test_a_maximal_route_is_well_under_dynamodbs_item_limit() -> None:
    common = _maximal_common_number()
    route = Route(
        phone_number="+46852000001",
        tenant_id="t" * 63,
        tenant_name=WIDE * 200,
        common_number_id=common.common_number_id,
        common_number_name=common.name,
        info=common.info,
        opening_hours=common.opening_hours,
        office_summary=WIDE * 500,
    )
    size = len(json.dumps(route.model_dump(mode="json"), ensure_ascii=False).encode())
    assert size < 390_000  # the repository's check, under 400 KB with room for the keys


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("faq", [{"question": "q", "answer": "a"}] * 31),
        ("faq", [{"question": "q", "answer": "a" * 1001}]),
        ("contacts", [{"name": "n"}] * 31),
        ("contacts", [{"name": "n", "role": "r" * 201}]),
    ],
)
def test_general_information_is_capped(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        CommonNumber.model_validate(
            {"common_number_id": "x", "name": "X", "info": {"how_to_answer": "Hej", field: value}}
        )
    assert raised.value.errors()[0]["loc"][:2] == ("info", field)


@pytest.mark.parametrize("moment", ["08:00+05:00", "00:00Z", "08:00:00-01:00"])
def test_opening_hours_are_local_wall_clock_times(moment: str) -> None:
    with pytest.raises(ValidationError) as raised:
        OpeningHours.model_validate({"weekly": {"0": [moment, "23:59"]}})
    assert raised.value.errors()[0]["loc"] == ("weekly", "0", 0)
    assert OpeningHours.model_validate({"weekly": {"0": ["08:00", "17:00"]}}).weekly[0][0].tzinfo is None
