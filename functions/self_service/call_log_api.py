"""The call log routes (issue 20): a customer's billed calls of a month, line for line as invoiced,
with each call's outcome and the caller's number masked; a page at a time (JSON) or the month as CSV.

Administrators read their own customer's (the tenant from their token); finance reads any
customer's through /finance/tenants/<tenant_id>/. Served by the self-service function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from telefonist.edge.resolver import ROUTE_DOCS, SLUG_PATTERN, TaggedRoutes, caller_of, new_router
from telefonist.models.types import Month
from telefonist.self_service import api_params as params
from telefonist.self_service.billing import MAX_CSV_LINES
from telefonist.statistics.call_log import CSV_COLUMNS, CallLogPage, CallLogQueries

from functions.self_service.api import csv_response

MonthQuery = Annotated[Month, Query(description="A month, YYYY-MM (Stockholm time)")]
TenantPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="A customer's id")]
PAGE_DESCRIPTION = (
    "One row per billed call of the month, in answer order, as many as the month's billing lines: "
    "answered_at (Stockholm time), the number dialled, the caller masked, tariff, amount in öre, "
    "handling seconds, and the outcome (answered, transferred with the person's name while they are in "
    "the directory, message with its channels). `totals` is the whole month's: its count and amount_ore "
    f"are the invoice's. At most {MAX_CSV_LINES:,} calls a month (400 naming query.month beyond)."
)
CSV_DESCRIPTION = (
    f"The whole month, one row per billed call in answer order: {', '.join(CSV_COLUMNS)}. UTF-8, a header "
    "row; amount_ore in öre and amount_sek in kronor, excluding VAT; message_channels separated by |; "
    f"text a spreadsheet would read as a formula starts with an apostrophe. At most {MAX_CSV_LINES:,} lines."
)
CSV_RESPONSES: dict[int, Any] = {
    **ROUTE_DOCS["responses"],
    200: {"description": "The month's call log as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
}


def build_call_log_router(queries: Callable[[], CallLogQueries]) -> Router:
    """The call log's four routes over `queries` (built lazily: import stays cheap)."""
    app = new_router()
    statistics = TaggedRoutes(app, "statistics")
    page_docs: dict[str, Any] = {"description": PAGE_DESCRIPTION}
    csv_docs: dict[str, Any] = {"description": CSV_DESCRIPTION, "responses": CSV_RESPONSES}

    @statistics.get("/call-log", "The month's call log (administrators)", **page_docs)
    def get_call_log(month: MonthQuery, limit: params.PageSize = 50, cursor: params.Cursor = None) -> CallLogPage:
        return queries().own_page(caller_of(app), month, limit, cursor)

    @statistics.get("/call-log.csv", "The month's call log as CSV (administrators)", **csv_docs)
    def get_call_log_csv(month: MonthQuery) -> Response[str]:
        return csv_response(queries().own_csv(caller_of(app), month), f"call-log-{month}.csv")

    @statistics.get("/finance/tenants/<tenant_id>/call-log", "A customer's call log of a month (finance)", **page_docs)
    def finance_call_log(
        tenant_id: TenantPath, month: MonthQuery, limit: params.PageSize = 50, cursor: params.Cursor = None
    ) -> CallLogPage:
        return queries().customer_page(caller_of(app), tenant_id, month, limit, cursor)

    @statistics.get(
        "/finance/tenants/<tenant_id>/call-log.csv", "A customer's call log of a month as CSV (finance)", **csv_docs
    )
    def finance_call_log_csv(tenant_id: TenantPath, month: MonthQuery) -> Response[str]:
        return csv_response(queries().customer_csv(caller_of(app), tenant_id, month), f"call-log-{month}.csv")

    return app
