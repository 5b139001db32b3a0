"""The calendar-sync routes of Mina sidor (issue 21): a customer's settings, rules and status, and
whose calendar is followed (administrators; the tenant from their token). Served by the
self-service function, which reads and writes only the CALSYNC partition's items for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from telefonist.calendar_sync.consent import ConsentApp
from telefonist.edge.resolver import SLUG_PATTERN, TaggedRoutes, caller_of, new_router
from telefonist.self_service import SelfService
from telefonist.self_service.calendar_settings import (
    CalendarSettingsInput,
    CalendarSettingsService,
    CalendarSettingsView,
    ConsentCallbackInput,
    ConsentLinkView,
    FollowedView,
    FollowInput,
)

PersonPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="A person's id")]


def build_calendar_router(
    service: Callable[[], SelfService], consent_app: Callable[[], ConsentApp | None] = lambda: None
) -> Router:
    """The routes over the self-service use cases (their audit and checks) and the same customer table;
    `consent_app`: telefonist's Entra application for the admin-consent link (None: not configured, 503)."""
    app = new_router()
    calendar_sync = TaggedRoutes(app, "calendar sync")

    def settings() -> CalendarSettingsService:
        # Here, not at import: the sync's state store and the sync it imports are ~0.015 s CPU of
        # every cold start, and only these routes use them.
        from telefonist.dal.calendar_state import DynamoSyncState

        current = service()
        return CalendarSettingsService(current, DynamoSyncState(current._repo.table), consent_app())

    @calendar_sync.get("/calendar-sync", "Calendar sync: settings, status, followed people")
    def get_calendar_sync() -> CalendarSettingsView:
        return settings().get(caller_of(app))

    @calendar_sync.put(
        "/calendar-sync", "Turn calendar sync on or off and set its rules (expected_version 0 the first time)"
    )
    def put_calendar_sync(body: CalendarSettingsInput) -> CalendarSettingsView:
        return settings().put(caller_of(app), body)

    @calendar_sync.put(
        "/calendar-sync/people/<person_id>",
        "Follow a person's calendar or stop (the renewal function subscribes it within 15 minutes)",
    )
    def put_calendar_follow(person_id: PersonPath, body: FollowInput) -> FollowedView:
        return settings().follow(caller_of(app), person_id, body)

    @calendar_sync.post(
        "/calendar-sync/consent", "Connect Microsoft 365: the admin-consent link (single-use state, 10 minutes)"
    )
    def post_calendar_consent() -> ConsentLinkView:
        return settings().consent_link(caller_of(app))

    @calendar_sync.post(
        "/calendar-sync/consent/callback",
        "What Microsoft sent back to Mina sidor after admin consent: the directory tenant, or its error",
    )
    def post_calendar_consent_callback(body: ConsentCallbackInput) -> CalendarSettingsView:
        return settings().consent_callback(caller_of(app), body)

    return app
