"""SMS encoding and segment counting (3GPP TS 23.038 / 23.040).

A text that fits the GSM 03.38 alphabet (basic table plus the extension table, whose characters
take two septets: an escape and the character) is sent as GSM-7: 160 septets in one SMS, 153 per
part once it must be concatenated (the user-data header takes 7). Anything else is sent as UCS-2
(UTF-16 code units): 70 in one SMS, 67 per part. A part never splits an escape pair or a
surrogate pair, so the count is the one the handset and the operator bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The GSM 03.38 basic character set (the escape 0x1B itself is not a usable character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each character costs two septets (escape + character).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_GSM7 = 160
PART_GSM7 = 153
SINGLE_UCS2 = 70
PART_UCS2 = 67


class SmsEncoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True)
class SmsSize:
    """How a text travels: its encoding, its length in that encoding's units, and its parts."""

    encoding: SmsEncoding
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM 03.38 basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _unit_costs(text: str) -> tuple[SmsEncoding, list[int]]:
    if is_gsm7(text):
        return SmsEncoding.GSM7, [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    # UTF-16 code units: characters outside the BMP (emoji) take a surrogate pair.
    return SmsEncoding.UCS2, [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def sms_size(text: str) -> SmsSize:
    """Encoding, units and the number of SMS parts a text is sent in (0 parts for an empty text)."""
    encoding, costs = _unit_costs(text)
    units = sum(costs)
    single, part = (SINGLE_GSM7, PART_GSM7) if encoding is SmsEncoding.GSM7 else (SINGLE_UCS2, PART_UCS2)
    if units == 0:
        return SmsSize(encoding, 0, 0)
    if units <= single:
        return SmsSize(encoding, units, 1)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:  # an escape or surrogate pair is never split across parts
            segments, used = segments + 1, 0
        used += cost
    return SmsSize(encoding, units, segments)
