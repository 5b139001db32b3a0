"""The statistics routes (issue 20): a customer's month of call statistics, as JSON and CSV.

Administrators read their own customer's (the tenant from their token); finance reads any
customer's through /finance/tenants/<tenant_id>/. Served by the self-service function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from telefonist.edge.resolver import ROUTE_DOCS, SLUG_PATTERN, TaggedRoutes, caller_of, new_router
from telefonist.models.types import Month
from telefonist.statistics.api_models import MonthStatisticsView
from telefonist.statistics.service import CSV_COLUMNS, StatisticsQueries, statistics_csv

from functions.self_service.api import csv_response

if TYPE_CHECKING:
    from telefonist.dal.table import DynamoDB

MonthQuery = Annotated[Month, Query(description="A month, YYYY-MM (Stockholm days)")]
TenantPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="A customer's id")]
CSV_RESPONSES: dict[int, Any] = {
    **ROUTE_DOCS["responses"],
    200: {"description": "The month as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
}
CSV_DESCRIPTION = f"One row per day and common number: {', '.join(CSV_COLUMNS)}. UTF-8, a header row."


def statistics_queries(table_name: str, tables: DynamoDB | None = None) -> StatisticsQueries:
    """The months' aggregates of the statistics table (Query only), on `tables`' client when given."""
    from telefonist.dal.statistics_repository import StatisticsRepository
    from telefonist.dal.table import dynamodb_tables

    return StatisticsQueries(StatisticsRepository((tables or dynamodb_tables()).Table(table_name)))


def _csv(view: MonthStatisticsView) -> Response[str]:
    return csv_response(statistics_csv(view.model_dump()), f"statistics-{view.month}.csv")


def build_statistics_router(queries: Callable[[], StatisticsQueries]) -> Router:
    """The statistics routes over `queries` (built lazily: import stays cheap)."""
    app = new_router()
    statistics = TaggedRoutes(app, "statistics")
    csv_docs: dict[str, Any] = {"description": CSV_DESCRIPTION, "responses": CSV_RESPONSES}

    @statistics.get("/statistics", "The month's call statistics (administrators)")
    def get_statistics(month: MonthQuery) -> MonthStatisticsView:
        return queries().own_month(caller_of(app), month)

    @statistics.get("/statistics.csv", "The month's call statistics as CSV", **csv_docs)
    def get_statistics_csv(month: MonthQuery) -> Response[str]:
        return _csv(queries().own_month(caller_of(app), month))

    @statistics.get("/finance/tenants/<tenant_id>/statistics", "A customer's call statistics of a month (finance)")
    def finance_statistics(tenant_id: TenantPath, month: MonthQuery) -> MonthStatisticsView:
        return queries().customer_month(caller_of(app), tenant_id, month)

    @statistics.get(
        "/finance/tenants/<tenant_id>/statistics.csv",
        "A customer's call statistics of a month as CSV (finance)",
        **csv_docs,
    )
    def finance_statistics_csv(tenant_id: TenantPath, month: MonthQuery) -> Response[str]:
        return _csv(queries().customer_month(caller_of(app), tenant_id, month))

    return app
