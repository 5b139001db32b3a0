"""Seams between the inbound call path and rating."""

from __future__ import annotations

from telefonist.inbound.attributes import fallback_attributes
from telefonist.rating.ctr import ContactTraceRecord


def test_a_fallback_call_is_never_billed_to_a_made_up_tenant() -> None:
    # The flow copies the fallback map into the contact attributes; rating must then resolve the
    # customer from the dialed number or flag the line unresolved, not trust a placeholder id.
    attributes = fallback_attributes("number_not_found")
    ctr = ContactTraceRecord.model_validate(
        {
            "ContactId": "c1",
            "InitiationMethod": "INBOUND",
            "Attributes": attributes,
            "LastUpdateTimestamp": "2026-11-24T08:16:34Z",
        }
    )
    assert ctr.tenant_attribute is None
