"""The operator's view of a call: a flat string map that the contact flow sets as contact attributes.

Connect shows contact attributes in the CCP and copies them into the CTR, so the map never holds
door codes (a routing record has none) and stays well inside Connect's limit of 32,768 UTF-8 bytes for all
attributes of a contact: every value is capped, the whole map is capped, and a cut text ends with
a visible marker so the operator knows there is more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from telefonist.inbound.route_view import RouteView
from telefonist.models.status import TenantStatus

TRUNCATION_MARKER: Final = " […]"
# Connect allows 32,768 bytes for *all* attributes of a contact; other flows and functions
# (directory lookup, transfers) add theirs, so this map keeps to a quarter of it.
MAX_VALUE_BYTES: Final = 2000
MAX_TOTAL_BYTES: Final = 8192
# Room kept inside MAX_TOTAL_BYTES for what the flows and the transfer route add to the same contact:
# dialed_number, transfer_to, transfer_mode, transfer_person_id, transfer_outcome (under 200 bytes).
RESERVED_BYTES: Final = 256
TEMPORARY_INFORMATION_SEPARATOR: Final = " • "
# Ids of the customer's offices that have door codes, comma-separated (ids are slugs): the page
# offers "Visa kod" for them and reveals the codes through the audited operator route, never here.
OFFICE_ID_SEPARATOR: Final = ","
# No tenant: empty, never a made-up id. Rating then resolves the customer from the dialed number
# (a DynamoDB outage still bills the right customer) or flags the line unresolved (spec §6).
UNKNOWN_TENANT: Final = ""

ROUTE_ACTION_QUEUE: Final = "queue"
ROUTE_ACTION_CLOSED_MESSAGE: Final = "closed_message"
LOOKUP_OK: Final = "ok"
LOOKUP_FALLBACK: Final = "fallback"

# Every key the flow reads with $.External.<key>: all are always present (possibly empty), so the
# flow never references a missing value. The order is the priority when the total must be cut.
ATTRIBUTE_KEYS: Final = (
    "tenant_id",
    "lookup",
    "fallback_reason",
    "route_action",
    "open",
    "customer_name",
    "common_number_name",
    "how_to_answer",
    "temporary_information",
    "how_to_transfer",
    "how_to_take_messages",
    "closed_message",
    "office_summary",
    "door_code_offices",
)

FALLBACK_CUSTOMER_NAME: Final = "Okänd kund"
FALLBACK_COMMON_NUMBER_NAME: Final = "okänt nummer"
FALLBACK_HOW_TO_ANSWER: Final = "Välkommen, du har kommit till växeln. Vad kan jag hjälpa dig med?"
FALLBACK_HOW_TO_TRANSFER: Final = "Kundens uppgifter kunde inte hämtas: fråga vem som söks och sök i katalogen."
FALLBACK_HOW_TO_TAKE_MESSAGES: Final = "Ta namn, nummer och ärende; notera vilket nummer som ringdes."


def cut_utf8(text: str, max_bytes: int, marker: str = TRUNCATION_MARKER) -> str:
    """Cut text to at most `max_bytes` UTF-8 bytes, at a word boundary where one is near, with a marker.

    Never splits a multi-byte character; text that fits is returned unchanged.
    """
    if max_bytes <= 0:
        return ""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    room = max_bytes - len(marker.encode("utf-8"))
    if room <= 0:
        return ""
    head = encoded[:room].decode("utf-8", errors="ignore")
    boundary = head.rfind(" ")
    # Prefer a word boundary unless it would throw away more than a fifth of the room.
    if boundary >= len(head) * 4 // 5:
        head = head[:boundary]
    return head.rstrip(" ,;:.-") + marker


def map_size(attributes: dict[str, str]) -> int:
    """UTF-8 bytes of keys and values, as Connect counts them against its 32 KB limit."""
    return sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in attributes.items())


def _bounded(values: dict[str, str]) -> dict[str, str]:
    """Apply the per-value cap, then the total cap in priority order; every key stays present."""
    capped = {key: cut_utf8(values.get(key, ""), MAX_VALUE_BYTES) for key in ATTRIBUTE_KEYS}
    budget = MAX_TOTAL_BYTES - RESERVED_BYTES - sum(len(key.encode("utf-8")) for key in ATTRIBUTE_KEYS)
    bounded: dict[str, str] = {}
    for key in ATTRIBUTE_KEYS:
        value = cut_utf8(capped[key], max(budget, 0))
        bounded[key] = value
        budget -= len(value.encode("utf-8"))
    return bounded


def fallback_attributes(reason: str) -> dict[str, str]:
    """The map for a call whose customer cannot be resolved: a neutral script, still queued.

    `reason` is a short code (not_found, offboarded, store_error, bad_route, bad_event) for the CTR and logs.
    """
    return _bounded(
        {
            "tenant_id": UNKNOWN_TENANT,
            "lookup": LOOKUP_FALLBACK,
            "fallback_reason": reason,
            "route_action": ROUTE_ACTION_QUEUE,
            "open": "true",
            "customer_name": FALLBACK_CUSTOMER_NAME,
            "common_number_name": FALLBACK_COMMON_NUMBER_NAME,
            "how_to_answer": FALLBACK_HOW_TO_ANSWER,
            "temporary_information": "",
            "how_to_transfer": FALLBACK_HOW_TO_TRANSFER,
            "how_to_take_messages": FALLBACK_HOW_TO_TAKE_MESSAGES,
            "closed_message": "",
            "office_summary": "",
            "door_code_offices": "",
        }
    )


def build_operator_attributes(route: RouteView, now: datetime) -> dict[str, str]:
    """What the operator sees for a call to `route`'s number at `now`: script, notices, hours.

    Temporary information is only what is valid at `now` (empty when expired or not yet valid).
    A closed common number with a closed message configured routes to that message
    (`route_action` = closed_message); closed without a message still queues the caller.
    An offboarded customer gets the fallback map.
    """
    if route.tenant_status is TenantStatus.OFFBOARDED:
        return fallback_attributes("offboarded")
    is_open = route.is_open_at(now)
    closed_message = route.closed_message if not is_open else ""
    notices = TEMPORARY_INFORMATION_SEPARATOR.join(notice.text for notice in route.notices_at(now))
    return _bounded(
        {
            "tenant_id": route.tenant_id,
            "lookup": LOOKUP_OK,
            "fallback_reason": "",
            "route_action": ROUTE_ACTION_CLOSED_MESSAGE if closed_message else ROUTE_ACTION_QUEUE,
            "open": "true" if is_open else "false",
            "customer_name": route.tenant_name,
            "common_number_name": route.common_number_name,
            "how_to_answer": route.how_to_answer,
            "temporary_information": notices,
            "how_to_transfer": route.how_to_transfer,
            "how_to_take_messages": route.how_to_take_messages,
            "closed_message": closed_message,
            "office_summary": route.office_summary,
            "door_code_offices": OFFICE_ID_SEPARATOR.join(route.door_code_offices),
        }
    )
