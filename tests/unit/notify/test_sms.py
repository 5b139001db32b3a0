"""SMS encoding and parts: GSM-7 (basic + extension table) versus UCS-2."""

from __future__ import annotations

import pytest
from telefonist.notify.sms import SmsEncoding, is_gsm7, sms_size


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", SmsEncoding.GSM7, 0, 0),
        ("a" * 160, SmsEncoding.GSM7, 160, 1),
        ("a" * 161, SmsEncoding.GSM7, 161, 2),
        ("a" * 306, SmsEncoding.GSM7, 306, 2),
        ("a" * 307, SmsEncoding.GSM7, 307, 3),
        # Extension-table characters take two septets each.
        ("€" * 80, SmsEncoding.GSM7, 160, 1),
        ("€" * 81, SmsEncoding.GSM7, 162, 2),
        ("[x]{y}" + "a" * 154, SmsEncoding.GSM7, 164, 2),
        # Swedish letters are in the GSM basic table: still 160 per SMS.
        ("Hälsningar från Åsa och Örjan" + "å" * 131, SmsEncoding.GSM7, 160, 1),
        # One character outside GSM-7 turns the whole text into UCS-2: 70 / 67.
        ("a" * 69 + "ł", SmsEncoding.UCS2, 70, 1),
        ("a" * 70 + "ł", SmsEncoding.UCS2, 71, 2),
        ("a" * 133 + "ł", SmsEncoding.UCS2, 134, 2),
        ("a" * 134 + "ł", SmsEncoding.UCS2, 135, 3),
        # An emoji is a surrogate pair: two UTF-16 units.
        ("😀" * 35, SmsEncoding.UCS2, 70, 1),
        ("😀" * 36, SmsEncoding.UCS2, 72, 2),
    ],
)
def test_encoding_units_and_parts(text: str, encoding: SmsEncoding, units: int, segments: int) -> None:
    size = sms_size(text)
    assert (size.encoding, size.units, size.segments) == (encoding, units, segments)


def test_an_escape_pair_is_never_split_across_parts() -> None:
    # 152 septets then '€' (2): 154 does not fit a 153-septet part, so the euro sign opens part 2.
    text = "a" * 152 + "€" + "a" * 152
    assert sms_size(text).units == 306  # 306 septets would fit in 2 parts if split freely
    assert sms_size(text).segments == 3


def test_a_surrogate_pair_is_never_split_across_parts() -> None:
    text = "ł" + "a" * 65 + "😀" + "a" * 66  # 66 units, then an emoji that does not fit the 67th
    assert sms_size(text).units == 134
    assert sms_size(text).segments == 3


@pytest.mark.parametrize(
    ("char", "gsm"), [("é", True), ("É", True), ("ç", False), ("Ç", True), ("€", True), ("’", False)]
)
def test_gsm_alphabet_membership(char: str, gsm: bool) -> None:
    assert is_gsm7(char) is gsm
