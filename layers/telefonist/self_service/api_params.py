"""Query parameters of self-service's list routes (Powertools' OpenAPI `Query`).

Apart from the API models, so that a function using those models without serving these routes
(inbound_sms and calendar_sync write referrals through `SelfService`) imports neither Powertools'
event handler nor the people search for them (~0.04 s of a cold start; README "Cold-start decisions").
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from telefonist.self_service.pagination import DEFAULT_PAGE_SIZE, MAX_CURSOR_CHARS, MAX_PAGE_SIZE
from telefonist.self_service.people_search import MAX_QUERY_CHARS, MAX_QUERY_WORDS

# Query parameters of every list route (a page at a time; see telefonist.self_service.pagination).
PageSize = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"How many items at most (default {DEFAULT_PAGE_SIZE})")
]
PeopleQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_QUERY_CHARS,
        description="Search: people whose name, title, department, e-mail, keywords or numbers hold every "
        "word (case, accents and width ignored, each word the start of one of theirs; digits anywhere in a "
        f"number), in person_id order; at most {MAX_QUERY_WORDS} words",
    ),
]
AuditPageSize = Annotated[int, Query(ge=1, le=200, description="How many entries at most, newest first")]
Cursor = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_CURSOR_CHARS,
        description="The `next_cursor` of the previous page; left out for the first page",
    ),
]
