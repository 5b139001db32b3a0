"""The employee's own status routes (`/employee/...`): sign in by a link sent by SMS, then read,
set or clear one's own status (referral) with a preset and an end time.

The tenant and the person come from the session (`Authorization: Bearer <session token>`), never
from the path or the body. These routes are not behind the Cognito authorizer: the session
stands in for it, and can change that one person's own referral only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field
from telefonist.clock import to_local, utc_now
from telefonist.edge.errors import InvalidInputError
from telefonist.edge.resolver import RESPONSES, new_router
from telefonist.models.base import ApiInput, ApiOutput
from telefonist.models.types import UtcDatetime
from telefonist.referral_automation.presets import Preset, StatusChange, StatusRefused, plan_status
from telefonist.referral_automation.service import Employee, OwnStatus, current_own_status
from telefonist.referral_automation.sign_in import EmployeeSignIn
from telefonist.referral_automation.sms_commands import parse_day, parse_time, refusal_reply

DOCS: dict[str, Any] = {"responses": RESPONSES, "tags": ["employee"]}
SESSION_DOCS: dict[str, Any] = {
    **DOCS,
    "description": "Needs `Authorization: Bearer <session>` from `POST /employee/session` (not a Cognito token).",
}


class LinkRequest(ApiInput):
    mobile: str = Field(min_length=3, max_length=32, description="The employee's registered mobile number")


class LinkRequested(ApiOutput):
    message: str


class SessionRequest(ApiInput):
    token: str = Field(min_length=20, max_length=100, description="The token of the link sent by SMS (single use)")


class OwnStatusOut(ApiOutput):
    first_name: str
    text: str | None = Field(description="The own status the operator sees; null: in")
    valid_until: UtcDatetime | None


class SessionOut(ApiOutput):
    session: str = Field(description="Send as `Authorization: Bearer <session>`")
    expires_at: UtcDatetime
    status: OwnStatusOut


class StatusInput(ApiInput):
    preset: Preset
    until: str | None = Field(
        default=None,
        max_length=10,
        description="Europe/Stockholm: a time today (`13:00`) for lunch, meeting and away; "
        "the last day (`2027-07-31`) of a holiday; none for sick (until midnight)",
    )


if TYPE_CHECKING:
    from telefonist.self_service.service import SelfService


@dataclass(frozen=True)
class EmployeeServices:
    sign_in: EmployeeSignIn
    # built on first use: a sign-in link, an employee's first request, needs none of self-service
    make_self_service: Callable[[], SelfService]

    @cached_property
    def self_service(self) -> SelfService:
        return self.make_self_service()


def status_change(body: StatusInput, now: datetime) -> StatusChange:
    """The change a page's choice asks for; a time or date that will not do is a 400 naming `until`."""
    try:
        if body.preset is Preset.HOLIDAY:
            day = parse_day(body.until, to_local(now).date()) if body.until else None
            return plan_status(body.preset, now, last_day=day)
        at = parse_time(body.until) if body.until else None
        return plan_status(body.preset, now, at=at)
    except StatusRefused as refused:
        raise InvalidInputError.of("until", refusal_reply(refused, now, "en")) from refused


def build_router(services: Callable[[], EmployeeServices]) -> Router:
    app = new_router()

    def employee() -> Employee:
        return services().sign_in.employee(app.current_event.headers.get("Authorization"))

    def view(who: Employee) -> OwnStatusOut:
        own = current_own_status(services().self_service, who, utc_now())
        return OwnStatusOut(first_name=own.first_name, text=own.text, valid_until=own.valid_until)

    @app.post("/employee/sign-in-link", summary="Text a sign-in link to one's own registered mobile", **DOCS)
    def request_link(body: LinkRequest) -> LinkRequested:
        services().sign_in.request_link(body.mobile)
        return LinkRequested(message="if the number is a registered mobile, a link is on its way by SMS")

    @app.post("/employee/session", summary="Exchange a link's token for a session (the link is used up)", **DOCS)
    def start_session(body: SessionRequest) -> SessionOut:
        session = services().sign_in.exchange(body.token)
        return SessionOut(session=session.token, expires_at=session.expires_at, status=view(session.employee))

    @app.get("/employee/status", summary="One's own status", **SESSION_DOCS)
    def get_status() -> OwnStatusOut:
        return view(employee())

    @app.put("/employee/status", summary="Set one's own status: a preset and its end", **SESSION_DOCS)
    def put_status(body: StatusInput) -> OwnStatusOut:
        who = employee()
        OwnStatus(lambda: services().self_service).set(who, status_change(body, utc_now()))
        return view(who)

    @app.delete("/employee/status", summary="Clear one's own status (back in)", **SESSION_DOCS)
    def delete_status() -> OwnStatusOut:
        who = employee()
        OwnStatus(lambda: services().self_service).clear(who)
        return view(who)

    return app
