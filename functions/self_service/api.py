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
    TaggedRoutes,
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
    app = new_router()  # named `app` like every resolver in this code; routes are declared by tag below

    def caller() -> Caller:
        return caller_of(app)

    profile = TaggedRoutes(app, "profile")
    common_numbers = TaggedRoutes(app, "common numbers")
    offices = TaggedRoutes(app, "offices")
    people = TaggedRoutes(app, "people")
    referrals = TaggedRoutes(app, "referrals")
    billing = TaggedRoutes(app, "billing")
    message_templates = TaggedRoutes(app, "message templates")
    audit = TaggedRoutes(app, "audit")
    operator = TaggedRoutes(app, "operator")

    # ------------------------------------------------------------ profile
    @profile.get("/profile", "The customer's profile")
    def get_profile() -> api.ProfileView:
        return service().get_profile(caller())

    @profile.put("/profile", "Rename the customer (administrators)")
    def put_profile(body: api.ProfileUpdate) -> api.ProfileView:
        return service().update_profile(caller(), body)

    # ------------------------------------------------------------ common numbers
    @common_numbers.get("/common-numbers", "Common numbers and their scripts")
    def list_common_numbers(limit: params.PageSize = 20, cursor: params.Cursor = None) -> api.CommonNumberList:
        return service().list_common_numbers(caller(), limit, cursor)

    @common_numbers.get("/common-numbers/<common_number_id>", "One common number")
    def get_common_number(common_number_id: SlugPath) -> api.CommonNumberView:
        return service().get_common_number(caller(), common_number_id)

    @common_numbers.put(
        "/common-numbers/<common_number_id>",
        "Create (expected_version 0) or change a common number's general information",
    )
    def put_common_number(common_number_id: SlugPath, body: api.CommonNumberInput) -> api.CommonNumberView:
        return service().put_common_number(caller(), common_number_id, body)

    @common_numbers.delete("/common-numbers/<common_number_id>", "Delete")
    def delete_common_number(common_number_id: SlugPath) -> api.Deleted:
        return service().delete_common_number(caller(), common_number_id)

    # ------------------------------------------------------------ offices
    @offices.get("/offices", "Offices (never with door codes)")
    def list_offices(limit: params.PageSize = 20, cursor: params.Cursor = None) -> api.OfficeList:
        return service().list_offices(caller(), limit, cursor)

    @offices.get("/offices/<office_id>", "One office; door codes for the customer's administrators only")
    def get_office(office_id: SlugPath) -> api.OfficeView:
        return service().get_office(caller(), office_id)

    @offices.put("/offices/<office_id>", "Create (expected_version 0) or change")
    def put_office(office_id: SlugPath, body: api.OfficeInput) -> api.OfficeView:
        return service().put_office(caller(), office_id, body)

    @offices.delete("/offices/<office_id>", "Delete an office")
    def delete_office(office_id: SlugPath) -> api.Deleted:
        return service().delete_office(caller(), office_id)

    # ------------------------------------------------------------ people
    @people.get("/people", "The directory, or the people a search finds")
    def list_people(
        limit: params.PageSize = 20, cursor: params.Cursor = None, q: params.PeopleQuery = None
    ) -> api.PersonList:
        return service().list_people(caller(), limit, cursor, q)

    @people.post("/people", "Add a person")
    def create_person(body: api.PersonCreate) -> api.PersonView:
        return service().create_person(caller(), body)

    @people.post("/people/import", "Bulk import from a CSV file, with a per-row report", description=IMPORT_DESCRIPTION)
    def import_people(dry_run: DryRunQuery = None) -> api.CsvImportReport:
        event = app.current_event
        if text_body_media_type(event.raw_event) == CSV_MEDIA_TYPE:
            body = api.CsvImportRequest.model_validate({"csv": event.decoded_body or "", "dry_run": bool(dry_run)})
        else:
            body = _json_body(api.CsvImportRequest, event.body)
            if dry_run is not None:
                body = body.model_copy(update={"dry_run": dry_run})
        return service().import_people_csv(caller(), body)

    @people.get("/people/<person_id>", "A person with their referrals")
    def get_person(person_id: SlugPath) -> api.PersonView:
        return service().get_person(caller(), person_id)

    @people.put("/people/<person_id>", "Replace a person")
    def put_person(person_id: SlugPath, body: api.PersonUpdate) -> api.PersonView:
        return service().update_person(caller(), person_id, body)

    @people.delete("/people/<person_id>", "Remove a person and their referrals")
    def delete_person(person_id: SlugPath) -> api.Deleted:
        return service().delete_person(caller(), person_id)

    @people.get("/people/<person_id>/export", "Everything stored about a person, as JSON (administrators; audited)")
    def export_person(person_id: SlugPath) -> api.PersonExport:
        return service().export_person(caller(), person_id)

    @people.delete(
        "/people/<person_id>/personal-data",
        "Erase a person with their referrals, messages and calendar (administrators; audited)",
    )
    def erase_person(person_id: SlugPath) -> api.PersonErased:
        return service().erase_person(caller(), person_id)

    @people.put("/people/<person_id>/keywords", "Replace a person's keywords")
    def put_keywords(person_id: SlugPath, body: api.KeywordsUpdate) -> api.PersonView:
        return service().set_keywords(caller(), person_id, body)

    @people.put("/people/<person_id>/message-preference", "SMS, e-mail or both")
    def put_message_preference(person_id: SlugPath, body: api.MessagePreferenceUpdate) -> api.PersonView:
        return service().set_message_preference(caller(), person_id, body)

    # ------------------------------------------------------------ referrals
    @referrals.put("/people/<person_id>/referrals/<referral_id>", "Set a referral (hänvisning) with its validity")
    def put_referral(person_id: SlugPath, referral_id: SlugPath, body: api.ReferralInput) -> api.ReferralView:
        return service().set_referral(caller(), person_id, referral_id, body)

    @referrals.delete("/people/<person_id>/referrals/<referral_id>", "Clear a referral")
    def delete_referral(person_id: SlugPath, referral_id: SlugPath) -> api.Deleted:
        return service().clear_referral(caller(), person_id, referral_id)

    # ------------------------------------------------------------ prices, billing, audit
    @billing.get("/price-list", "The price list, every version")
    def get_price_list() -> api.PriceListView:
        return service().get_price_list(caller())

    @billing.get("/billing/<month>", "The customer's billing summary for a month (administrators)")
    def get_billing(month: MonthPath) -> api.BillingSummaryView:
        return service().get_billing_summary(caller(), month)

    @billing.get(
        "/billing/<month>/lines.csv",
        "The month's billing lines as CSV (the customer's administrators)",
        description=CSV_DESCRIPTION,
        responses=CSV_RESPONSES,
    )
    def get_billing_lines(month: MonthPath) -> Response[str]:
        return csv_response(service().billing_lines_csv(caller(), month), f"billing-{month}.csv")

    # ------------------------------------------------------------ message templates
    @message_templates.get(
        "/message-templates", "How messages are written and sent: the customer's rules, then each common number's own"
    )
    def list_message_templates() -> api.MessageTemplateList:
        return service().list_message_templates(caller())

    @message_templates.put(
        "/message-template",
        "Set the customer's rules for messages: urgent channel, required fields, texts (administrators)",
    )
    def put_message_template(body: api.MessageTemplateInput) -> api.MessageTemplateView:
        return service().put_message_template(caller(), None, body)

    @message_templates.put(
        "/common-numbers/<common_number_id>/message-template",
        "Set a common number's own rules for messages (administrators)",
    )
    def put_common_number_message_template(
        common_number_id: SlugPath, body: api.MessageTemplateInput
    ) -> api.MessageTemplateView:
        return service().put_message_template(caller(), common_number_id, body)

    @message_templates.delete(
        "/common-numbers/<common_number_id>/message-template",
        "Remove a common number's own rules: it follows the customer's again (administrators)",
    )
    def delete_common_number_message_template(
        common_number_id: SlugPath, expected_version: ExpectedVersionQuery
    ) -> api.Deleted:
        return service().delete_message_template(caller(), common_number_id, expected_version)

    @audit.get("/audit", "Who changed what, when (administrators)")
    def get_audit(limit: params.AuditPageSize = 50, cursor: params.Cursor = None) -> api.AuditTrail:
        return service().list_audit(caller(), limit, cursor)

    # ------------------------------------------------------------ operators and finance (any tenant)
    @operator.post("/operator/tenants", "Onboard a customer (operators)")
    def create_tenant(body: api.TenantCreate) -> api.ProfileView:
        return service().create_tenant(caller(), body)

    @operator.get("/operator/tenants/<tenant_id>/common-numbers", "A customer's scripts (operators)")
    def operator_common_numbers(
        tenant_id: SlugPath, limit: params.PageSize = 20, cursor: params.Cursor = None
    ) -> api.CommonNumberList:
        return service().operator_common_numbers(caller(), tenant_id, limit, cursor)

    @operator.get(
        "/operator/tenants/<tenant_id>/offices/<office_id>", "A customer's office with door codes (operators)"
    )
    def operator_office(tenant_id: SlugPath, office_id: SlugPath) -> api.OfficeView:
        return service().operator_get_office(caller(), tenant_id, office_id)

    @operator.get("/finance/tenants/<tenant_id>/billing/<month>", "A customer's billing summary (finance)")
    def finance_billing(tenant_id: SlugPath, month: MonthPath) -> api.BillingSummaryView:
        return service().finance_billing_summary(caller(), tenant_id, month)

    @operator.get(
        "/finance/tenants/<tenant_id>/billing/<month>/lines.csv",
        "A customer's billing lines of a month as CSV (finance)",
        description=CSV_DESCRIPTION,
        responses=CSV_RESPONSES,
    )
    def finance_billing_lines(tenant_id: SlugPath, month: MonthPath) -> Response[str]:
        return csv_response(service().finance_billing_lines_csv(caller(), tenant_id, month), f"billing-{month}.csv")

    return app


__all__ = ["build_resolver", "build_router"]
