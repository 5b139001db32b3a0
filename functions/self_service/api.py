"""The self-service REST API: routes, validation and the one place errors become HTTP responses.

`build_resolver` is used by the Lambda handler, `telefonist serve` and the tests alike, each
with its own way of building the `SelfService` (AWS, moto's server, in-process moto).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder, Route
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from telefonist.dal.errors import ConflictError, NotFoundError, RepositoryError
from telefonist.observability import logger
from telefonist.self_service import api_models as api
from telefonist.self_service.billing import Month
from telefonist.self_service.errors import (
    AuthenticationError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    field_errors,
)
from telefonist.self_service.identity import Caller, caller_from_claims
from telefonist.self_service.service import SelfService

MAX_BODY_BYTES = 1_000_000
OPENAPI_PATH = "/openapi.json"
TITLE = "telefonist self-service API (Mina sidor)"
API_VERSION = "1.0.0"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"

SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="An id: a-z, 0-9 and dashes")]
MonthPath = Annotated[Month, Path(description="A month, YYYY-MM")]
Limit = Annotated[int, Query(ge=1, le=200, description="How many entries, newest first")]


def _error_response(status: HTTPStatus, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"model": api.ErrorBody}}}


# Every route documents its result and every error it can answer with, so clients (and schemathesis) know them.
ERRORS: dict[int, Any] = {
    200: {"description": "OK"},  # no content: Powertools fills in the route's return model
    400: _error_response(HTTPStatus.BAD_REQUEST, "Invalid input: `errors` names each offending field"),
    401: _error_response(HTTPStatus.UNAUTHORIZED, "No valid token"),
    403: _error_response(HTTPStatus.FORBIDDEN, "The token's groups do not allow this"),
    404: _error_response(HTTPStatus.NOT_FOUND, "No such item in the caller's data"),
    409: _error_response(HTTPStatus.CONFLICT, "Stale `expected_version` or already exists: reload and retry"),
    415: _error_response(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "The body is not application/json"),
    413: _error_response(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Body over 1 MB"),
    503: _error_response(HTTPStatus.SERVICE_UNAVAILABLE, "A dependency failed; retry later"),
}
SECURITY: list[dict[str, list[str]]] = [{"cognito": []}]


def _error(status: HTTPStatus, kind: str, message: str, errors: list[FieldError] | None = None) -> Response[Any]:
    body = api.ErrorBody(
        error=kind,
        message=message,
        errors=[api.FieldErrorView(field=e.field, message=e.message) for e in errors or []],
    )
    return Response(
        status_code=status.value, content_type=content_types.APPLICATION_JSON, body=body.model_dump(mode="json")
    )


# ---------------------------------------------------------------- errors: one handler each
def _invalid_request(exc: RequestValidationError) -> Response[Any]:
    # The location's first part says where (body, path, query); the rest names the field.
    return _error(HTTPStatus.BAD_REQUEST, "invalid_input", "the request is invalid", field_errors(exc.errors()))


def _invalid_input(exc: InvalidInputError) -> Response[Any]:
    return _error(HTTPStatus.BAD_REQUEST, "invalid_input", "the request is invalid", exc.errors)


def _unauthenticated(exc: AuthenticationError) -> Response[Any]:
    return _error(HTTPStatus.UNAUTHORIZED, "unauthorized", str(exc))


def _forbidden(exc: ForbiddenError) -> Response[Any]:
    return _error(HTTPStatus.FORBIDDEN, "forbidden", str(exc))


def _not_found(exc: NotFoundError) -> Response[Any]:
    return _error(HTTPStatus.NOT_FOUND, "not_found", str(exc))


def _no_route(exc: RouteNotFoundError) -> Response[Any]:
    return _error(HTTPStatus.NOT_FOUND, "not_found", "no such route")


def _conflict(exc: ConflictError) -> Response[Any]:
    return _error(HTTPStatus.CONFLICT, "conflict", str(exc))


def _too_large(exc: PayloadTooLargeError) -> Response[Any]:
    return _error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", str(exc))


def _unsupported(exc: UnsupportedMediaTypeError) -> Response[Any]:
    return _error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", str(exc))


def _unavailable(exc: RepositoryError) -> Response[Any]:
    logger.warning("dependency failed", extra={"error": type(exc).__name__, "detail": str(exc)})
    return _error(HTTPStatus.SERVICE_UNAVAILABLE, "unavailable", "a dependency failed; retry later")


# Subclasses first is not needed: Powertools looks handlers up along the exception's MRO.
EXCEPTION_HANDLERS: list[tuple[type[Exception], Callable[[Any], Response[Any]]]] = [
    (RequestValidationError, _invalid_request),
    (InvalidInputError, _invalid_input),
    (AuthenticationError, _unauthenticated),
    (ForbiddenError, _forbidden),
    (NotFoundError, _not_found),
    (RouteNotFoundError, _no_route),
    (ConflictError, _conflict),
    (PayloadTooLargeError, _too_large),
    (UnsupportedMediaTypeError, _unsupported),
    (RepositoryError, _unavailable),
]


class SelfServiceResolver(APIGatewayRestResolver):
    """Refuses oversized bodies (413) before anything parses them."""

    def _resolve(self) -> ResponseBuilder[Any]:
        refusal = self._refusal()
        if refusal is None:
            return super()._resolve()

        def refuse() -> None:
            raise refusal

        route = Route(
            method=self.current_event.http_method.upper(),
            path=self.current_event.path,
            rule=self._compile_regex(r".*"),
            func=refuse,
            cors=False,
            compress=False,
            enable_validation=False,
        )
        return self._call_route(route, {})

    def _refusal(self) -> Exception | None:
        """Oversized bodies (413) and bodies that are not JSON (415), refused before any parsing."""
        body = self.current_event.body or ""
        size = len(body) * 3 // 4 if self.current_event.is_base64_encoded else len(body.encode())
        if size > MAX_BODY_BYTES:
            return PayloadTooLargeError(f"the body is {size} bytes; the limit is {MAX_BODY_BYTES}")
        content_type = (self.current_event.headers or {}).get("content-type") or ""
        media_type = content_type.split(";", 1)[0].strip().lower()
        if body and media_type and media_type != "application/json" and not media_type.endswith("+json"):
            return UnsupportedMediaTypeError("send the body as application/json")
        if body and self.current_event.is_base64_encoded:
            try:
                base64.b64decode(body, validate=True).decode("utf-8")
            except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
                return InvalidInputError.of("body", "the body is not UTF-8 JSON")
        return None


def build_resolver(service: Callable[[], SelfService]) -> SelfServiceResolver:
    """The API over a SelfService (built lazily by `service`, so import stays cheap)."""
    app = SelfServiceResolver(enable_validation=True)
    app.configure_openapi(
        title=TITLE,
        version=API_VERSION,
        description="Customers maintain their profile, scripts, offices and directory; the tenant is the token's.",
        security_schemes={"cognito": APIKey(name="Authorization", in_=APIKeyIn.header)},
    )

    def caller() -> Caller:
        context = app.current_event.raw_event.get("requestContext") or {}
        authorizer = context.get("authorizer") or {}
        return caller_from_claims(authorizer.get("claims"))

    for exc_type, handler in EXCEPTION_HANDLERS:
        app.exception_handler(exc_type)(handler)

    # ------------------------------------------------------------ the API's own description
    @app.get(OPENAPI_PATH, include_in_schema=False)
    def openapi() -> Response[str]:
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_document(app))

    common: dict[str, Any] = {"responses": ERRORS, "security": SECURITY}

    # ------------------------------------------------------------ profile
    @app.get("/profile", tags=["profile"], summary="The customer's profile", **common)
    def get_profile() -> api.ProfileView:
        return service().get_profile(caller())

    @app.put("/profile", tags=["profile"], summary="Rename the customer (administrators)", **common)
    def put_profile(body: api.ProfileUpdate) -> api.ProfileView:
        return service().update_profile(caller(), body)

    # ------------------------------------------------------------ common numbers
    @app.get("/common-numbers", tags=["common numbers"], summary="Common numbers and their scripts", **common)
    def list_common_numbers() -> api.CommonNumberList:
        return service().list_common_numbers(caller())

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
    def list_offices() -> api.OfficeList:
        return service().list_offices(caller())

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
    @app.get("/people", tags=["people"], summary="The directory", **common)
    def list_people() -> api.PersonList:
        return service().list_people(caller())

    @app.post("/people", tags=["people"], summary="Add a person", **common)
    def create_person(body: api.PersonCreate) -> api.PersonView:
        return service().create_person(caller(), body)

    @app.post(
        "/people/import",
        tags=["people"],
        summary="Bulk import from CSV, with a per-row report",
        description="Columns: person_id, first_name, last_name, title, department, work_phone, mobile_phone, "
        "email, keywords (separated by |), message_preference (sms, email, both).",
        **common,
    )
    def import_people(body: api.CsvImportRequest) -> api.CsvImportReport:
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

    @app.get("/billing/<month>", tags=["billing"], summary="The customer's billing summary for a month", **common)
    def get_billing(month: MonthPath) -> api.BillingSummaryView:
        return service().get_billing_summary(caller(), month)

    @app.get("/audit", tags=["audit"], summary="Who changed what, when (administrators)", **common)
    def get_audit(limit: Limit = 50) -> api.AuditTrail:
        return service().list_audit(caller(), limit)

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
    def operator_common_numbers(tenant_id: SlugPath) -> api.CommonNumberList:
        return service().operator_common_numbers(caller(), tenant_id)

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

    return app


def openapi_document(app: APIGatewayRestResolver) -> str:
    """The generated OpenAPI document, as served and as checked in (docs/openapi.json).

    Powertools documents a 422 on every operation; this API answers invalid input with 400
    (see `_invalid_request`), so the 422 and its schemas are taken out to keep the contract true.
    """
    document = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=API_VERSION,
            security_schemes={"cognito": APIKey(name="Authorization", in_=APIKeyIn.header)},
        )
    )
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return json.dumps(document, indent=2, ensure_ascii=False)


__all__ = ["MAX_BODY_BYTES", "OPENAPI_PATH", "SelfServiceResolver", "build_resolver", "openapi_document"]
