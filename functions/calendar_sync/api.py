"""The Graph webhook route: `POST /calendar/notifications`.

Graph first validates the URL (`?validationToken=…`, answered within 10 seconds with the token as
text/plain); then it posts notifications, whose `clientState` the sync checks against the
subscription's. No Cognito: Graph cannot sign in; a notification only ever triggers a catch-up
through Graph itself, so a forged one can change nothing by its content.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from telefonist.calendar_sync.sync import CalendarSync
from telefonist.edge.resolver import RESPONSES, new_router

NOTIFICATIONS_PATH = "/calendar/notifications"
MAX_VALIDATION_TOKEN = 1024


def build_router(sync: Callable[[], CalendarSync]) -> Router:
    app = new_router()

    @app.post(NOTIFICATIONS_PATH, include_in_schema=False, responses=RESPONSES)
    def notifications() -> Response[Any]:
        token = (app.current_event.query_string_parameters or {}).get("validationToken")
        if token is not None:  # the validation handshake: the token back, as plain text
            return Response(status_code=200, content_type=content_types.TEXT_PLAIN, body=token[:MAX_VALIDATION_TOKEN])
        body = app.current_event.json_body if app.current_event.body else {}
        caught_up, refused = sync().notified(body if isinstance(body, dict) else {})
        status = 202 if caught_up or not refused else 403
        return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body="{}")

    return app
