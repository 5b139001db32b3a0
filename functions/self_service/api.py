"""The self-service REST API's routes: Mina sidor, and the operators' and finance's cross-tenant reads.

The routes are a Powertools `Router` over a `SelfService` (built lazily by `service`, so import
stays cheap); the edge (`telefonist.edge`) serves them: the caller from the token, the request
bounds, and the one error body. The Lambda handler, `telefonist serve` and the tests use the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ValidationError
from telefonist.edge.errors import InvalidInputError
from telefonist.edge.identity import Caller
from telefonist.edge.resolver import (
    ROUTE_DOCS,
    SLUG_PATTERN,
    EdgeResolver,
    accept_text_body,
    caller_of,
    edge_resolver,
    new_router,
    text_body_media_type,
)
from telefonist.models.types import Month
from telefonist.ports.billing import CSV_COLUMNS
from telefonist.self_service import api_models as api
from telefonist.self_service import api_params as params
from telefonist.self_service.billing import MAX_CSV_LINES
from telefonist.self_service.service import SelfService

ModelT = TypeVar("ModelT", bound=BaseModel)
SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="An id: a-z, 0-9 and dashes")]
MonthPath = Annotated[Month, Path(description="A month, YYYY-MM")]


ExpectedVersionQuery = Annotated[int, Query(ge=1, le=2**31, description="The version read; a stale one gets 409")]
CSV_DESCRIPTION = (
    f"One row per billed call, in answer order: {', '.join(CSV_COLUMNS)}. UTF-8, comma-separated, a "
    "header row; answered_at in Stockholm time with its offset; amount_ore in öre and amount_sek in "
    "kronor, excluding VAT; text a spreadsheet would read as a formula starts with an apostrophe. "
    f"At most {MAX_CSV_LINES:,} lines (400 naming path.month beyond)."
)
CSV_RESPONSES: dict[int, Any] = {
    **ROUTE_DOCS["responses"],
    200: {"description": "The lines as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
}


CSV_MEDIA_TYPE = "text/csv"
IMPORT_DESCRIPTION = (
    "Send the file itself as `text/csv` (UTF-8, a header row; `?dry_run=true` checks every row and "
    "saves nothing), or JSON `{csv, dry_run}`. Columns: person_id, first_name, last_name, title, "
    "department, work_phone, mobile_phone, email, keywords (separated by |), message_preference "
    "(sms, email, both). At most 2,000 rows; a known person_id updates that person."
)
DryRunQuery = Annotated[
    bool | None, Query(description="Check every row and save nothing (a CSV body; JSON says it in the body)")
]
accept_text_body("POST", "/people/import", CSV_MEDIA_TYPE, api.CsvImportRequest)


def _json_body(model: type[ModelT], text: str | None) -> ModelT:
    """A JSON body validated by `model`; its faults are a 400 naming the body's fields."""
    try:
        return model.model_validate_json(text or "")
    except ValidationError as exc:
        raise InvalidInputError.from_validation(exc, "body") from exc


def csv_response(text: str, filename: str) -> Response[str]:
    """A CSV download (the billing lines, statistics, the call log): never cached."""
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=text,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def build_resolver(service: Callable[[], SelfService], site_origin: str | None = None) -> EdgeResolver:
    """The self-service routes served alone (the self-service Lambda function)."""
    return edge_resolver(build_router(service), site_origin=site_origin)


def build_router(service: Callable[[], SelfService]) -> Router:
    """The self-service routes over a SelfService."""
    app = new_router()  # named `app` like every resolver in this code: routes read `@app.get(...)`

    def caller() -> Caller:
        return caller_of(app)

    common: dict[str, Any] = ROUTE_DOCS

    # ------------------------------------------------------------ profile
    @app.get("/profile", tags=["profile"], summary="The customer's profile", **common)
    def get_profile() -> api.ProfileView:
        return service().get_profile(caller())

    @app.put("/profile", tags=["profile"], summary="Rename the customer (administrators)", **common)
    def put_profile(body: api.ProfileUpdate) -> api.ProfileView:
        return service().update_profile(caller(), body)

    # ------------------------------------------------------------ common numbers
    @app.get("/common-numbers", tags=["common numbers"], summary="Common numbers and their scripts", **common)
    def list_common_numbers(limit: params.PageSize = 20, cursor: params.Cursor = None) -> api.CommonNumberList:
        return service().list_common_numbers(caller(), limit, cursor)

    @app.get("/common-numbers/<common_number_id>", tags=["common numbers"], summary="One common number", **common)
    def get_common_number(common_number_id: SlugPath) -> api.CommonNumberView:
        return service().get_common_number(caller(), common_number_id)

    @app.put(
        "/common-numbers/<common_number_id>",
        tags=["common numbers"],
        summary="Create (expected_version 0) or change a common number's general information",
        **common,
    )
    def put_common_number(common_number_id: SlugPath, body: api.CommonNumberInput) -> api.CommonNumberView:
        return service().put_common_number(caller(), common_number_id, body)

    @app.delete("/common-numbers/<common_number_id>", tags=["common numbers"], summary="Delete", **common)
    def delete_common_number(common_number_id: SlugPath) -> api.Deleted:
        return service().delete_common_number(caller(), common_number_id)

    # ------------------------------------------------------------ offices
    @app.get("/offices", tags=["offices"], summary="Offices (never with door codes)", **common)
    def list_offices(limit: params.PageSize = 20, cursor: params.Cursor = None) -> api.OfficeList:
        return service().list_offices(caller(), limit, cursor)

    @app.get(
        "/offices/<office_id>",
        tags=["offices"],
        summary="One office; door codes for the customer's administrators only",
        **common,
    )
    def get_office(office_id: SlugPath) -> api.OfficeView:
        return service().get_office(caller(), office_id)

    @app.put("/offices/<office_id>", tags=["offices"], summary="Create (expected_version 0) or change", **common)
    def put_office(office_id: SlugPath, body: api.OfficeInput) -> api.OfficeView:
        return service().put_office(caller(), office_id, body)

    @app.delete("/offices/<office_id>", tags=["offices"], summary="Delete an office", **common)
    def delete_office(office_id: SlugPath) -> api.Deleted:
        return service().delete_office(caller(), office_id)

    # ------------------------------------------------------------ people
    @app.get("/people", tags=["people"], summary="The directory, or the people a search finds", **common)
    def list_people(
        limit: params.PageSize = 20, cursor: params.Cursor = None, q: params.PeopleQuery = None
    ) -> api.PersonList:
        return service().list_people(caller(), limit, cursor, q)

    @app.post("/people", tags=["people"], summary="Add a person", **common)
    def create_person(body: api.PersonCreate) -> api.PersonView:
        return service().create_person(caller(), body)

    @app.post(
        "/people/import",
        tags=["people"],
        summary="Bulk import from a CSV file, with a per-row report",
        description=IMPORT_DESCRIPTION,
        **common,
    )
    def import_people(dry_run: DryRunQuery = None) -> api.CsvImportReport:
        event = app.current_event
        if text_body_media_type(event.raw_event) == CSV_MEDIA_TYPE:
            body = api.CsvImportRequest.model_validate({"csv": event.decoded_body or "", "dry_run": bool(dry_run)})
        else:
            body = _json_body(api.CsvImportRequest, event.body)
            if dry_run is not None:
                body = body.model_copy(update={"dry_run": dry_run})
        return service().import_people_csv(caller(), body)

    @app.get("/people/<person_id>", tags=["people"], summary="A person with their referrals", **common)
    def get_person(person_id: SlugPath) -> api.PersonView:
        return service().get_person(caller(), person_id)

    @app.put("/people/<person_id>", tags=["people"], summary="Replace a person", **common)
    def put_person(person_id: SlugPath, body: api.PersonUpdate) -> api.PersonView:
        return service().update_person(caller(), person_id, body)

    @app.delete("/people/<person_id>", tags=["people"], summary="Remove a person and their referrals", **common)
    def delete_person(person_id: SlugPath) -> api.Deleted:
        return service().delete_person(caller(), person_id)

    @app.get(
        "/people/<person_id>/export",
        tags=["people"],
        summary="Everything stored about a person, as JSON (administrators; audited)",
        **common,
    )
    def export_person(person_id: SlugPath) -> api.PersonExport:
        return service().export_person(caller(), person_id)

    @app.delete(
        "/people/<person_id>/personal-data",
        tags=["people"],
        summary="Erase a person with their referrals, messages and calendar (administrators; audited)",
        **common,
    )
    def erase_person(person_id: SlugPath) -> api.PersonErased:
        return service().erase_person(caller(), person_id)

    @app.put("/people/<person_id>/keywords", tags=["people"], summary="Replace a person's keywords", **common)
    def put_keywords(person_id: SlugPath, body: api.KeywordsUpdate) -> api.PersonView:
        return service().set_keywords(caller(), person_id, body)

    @app.put("/people/<person_id>/message-preference", tags=["people"], summary="SMS, e-mail or both", **common)
    def put_message_preference(person_id: SlugPath, body: api.MessagePreferenceUpdate) -> api.PersonView:
        return service().set_message_preference(caller(), person_id, body)

    # ------------------------------------------------------------ referrals
    @app.put(
        "/people/<person_id>/referrals/<referral_id>",
        tags=["referrals"],
        summary="Set a referral (hänvisning) with its validity",
        **common,
    )
    def put_referral(person_id: SlugPath, referral_id: SlugPath, body: api.ReferralInput) -> api.ReferralView:
        return service().set_referral(caller(), person_id, referral_id, body)

    @app.delete("/people/<person_id>/referrals/<referral_id>", tags=["referrals"], summary="Clear a referral", **common)
    def delete_referral(person_id: SlugPath, referral_id: SlugPath) -> api.Deleted:
        return service().clear_referral(caller(), person_id, referral_id)

    # ------------------------------------------------------------ prices, billing, audit
    @app.get("/price-list", tags=["billing"], summary="The price list, every version", **common)
    def get_price_list() -> api.PriceListView:
        return service().get_price_list(caller())

    @app.get(
        "/billing/<month>",
        tags=["billing"],
        summary="The customer's billing summary for a month (administrators)",
        **common,
    )
    def get_billing(month: MonthPath) -> api.BillingSummaryView:
        return service().get_billing_summary(caller(), month)

    @app.get(
        "/billing/<month>/lines.csv",
        tags=["billing"],
        summary="The month's billing lines as CSV (the customer's administrators)",
        description=CSV_DESCRIPTION,
        responses=CSV_RESPONSES,
        security=common["security"],
    )
    def get_billing_lines(month: MonthPath) -> Response[str]:
        return csv_response(service().billing_lines_csv(caller(), month), f"billing-{month}.csv")

    # ------------------------------------------------------------ message templates
    @app.get(
        "/message-templates",
        tags=["message templates"],
        summary="How messages are written and sent: the customer's rules, then each common number's own",
        **common,
    )
    def list_message_templates() -> api.MessageTemplateList:
        return service().list_message_templates(caller())

    @app.put(
        "/message-template",
        tags=["message templates"],
        summary="Set the customer's rules for messages: urgent channel, required fields, texts (administrators)",
        **common,
    )
    def put_message_template(body: api.MessageTemplateInput) -> api.MessageTemplateView:
        return service().put_message_template(caller(), None, body)

    @app.put(
        "/common-numbers/<common_number_id>/message-template",
        tags=["message templates"],
        summary="Set a common number's own rules for messages (administrators)",
        **common,
    )
    def put_common_number_message_template(
        common_number_id: SlugPath, body: api.MessageTemplateInput
    ) -> api.MessageTemplateView:
        return service().put_message_template(caller(), common_number_id, body)

    @app.delete(
        "/common-numbers/<common_number_id>/message-template",
        tags=["message templates"],
        summary="Remove a common number's own rules: it follows the customer's again (administrators)",
        **common,
    )
    def delete_common_number_message_template(
        common_number_id: SlugPath, expected_version: ExpectedVersionQuery
    ) -> api.Deleted:
        return service().delete_message_template(caller(), common_number_id, expected_version)

    @app.get("/audit", tags=["audit"], summary="Who changed what, when (administrators)", **common)
    def get_audit(limit: params.AuditPageSize = 50, cursor: params.Cursor = None) -> api.AuditTrail:
        return service().list_audit(caller(), limit, cursor)

    # ------------------------------------------------------------ operators and finance (any tenant)
    @app.post("/operator/tenants", tags=["operator"], summary="Onboard a customer (operators)", **common)
    def create_tenant(body: api.TenantCreate) -> api.ProfileView:
        return service().create_tenant(caller(), body)

    @app.get(
        "/operator/tenants/<tenant_id>/common-numbers",
        tags=["operator"],
        summary="A customer's scripts (operators)",
        **common,
    )
    def operator_common_numbers(
        tenant_id: SlugPath, limit: params.PageSize = 20, cursor: params.Cursor = None
    ) -> api.CommonNumberList:
        return service().operator_common_numbers(caller(), tenant_id, limit, cursor)

    @app.get(
        "/operator/tenants/<tenant_id>/offices/<office_id>",
        tags=["operator"],
        summary="A customer's office with door codes (operators)",
        **common,
    )
    def operator_office(tenant_id: SlugPath, office_id: SlugPath) -> api.OfficeView:
        return service().operator_get_office(caller(), tenant_id, office_id)

    @app.get(
        "/finance/tenants/<tenant_id>/billing/<month>",
        tags=["operator"],
        summary="A customer's billing summary (finance)",
        **common,
    )
    def finance_billing(tenant_id: SlugPath, month: MonthPath) -> api.BillingSummaryView:
        return service().finance_billing_summary(caller(), tenant_id, month)

    @app.get(
        "/finance/tenants/<tenant_id>/billing/<month>/lines.csv",
        tags=["operator"],
        summary="A customer's billing lines of a month as CSV (finance)",
        description=CSV_DESCRIPTION,
        responses=CSV_RESPONSES,
        security=common["security"],
    )
    def finance_billing_lines(tenant_id: SlugPath, month: MonthPath) -> Response[str]:
        return csv_response(service().finance_billing_lines_csv(caller(), tenant_id, month), f"billing-{month}.csv")

    return app


__all__ = ["build_resolver", "build_router"]
