"""A routing record as the self-service side writes it, for the inbound tests."""

from __future__ import annotations

from telefonist.models.common_number import GeneralInformation
from telefonist.models.route import Route

ACME_NUMBER = "+46852000001"


def acme_route(info: GeneralInformation | None = None, **changes: object) -> Route:
    """Acme's switchboard route; `info` and any other field may be replaced."""
    route = Route(
        phone_number=ACME_NUMBER,
        tenant_id="acme",
        tenant_name="Acme AB",
        common_number_id="vaxel",
        common_number_name="Växel",
        info=info or GeneralInformation(how_to_answer="Acme, du talar med …", how_to_transfer="Koppla direkt."),
    )
    return route.model_copy(update=changes)
