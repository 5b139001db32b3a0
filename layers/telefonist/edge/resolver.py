"""The resolver every REST route is served by: bounds first, then the routes, then one error body.

Each function registers its routes on a Powertools `Router` and serves them with
`edge_resolver(router)`; `telefonist serve` includes every function's router in one resolver, and
the OpenAPI document (`docs/openapi.json`) is generated from that one, so it describes every route.
Only public Powertools hooks are used: `resolve`, `include_router` and `exception_handler`.
"""

from __future__ import annotations

import base64
import json
import traceback
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from telefonist.edge.bounds import MAX_BODY_BYTES, check_parameters, parse_json_body, unicode_problem
from telefonist.edge.errors import (
    ApiError,
    ErrorBody,
    InvalidInputError,
    PayloadTooLargeError,
    Problem,
    UnsupportedMediaTypeError,
    problem_of,
)
from telefonist.edge.identity import Caller, Group, caller_from_claims
from telefonist.observability import logger, metrics

if TYPE_CHECKING:
    from pydantic import BaseModel

TITLE = "telefonist API (Mina sidor, operators, finance)"
API_VERSION = "1.0.0"
OPENAPI_PATH = "/openapi.json"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"  # every id in a path: tenants, people, numbers, offices
F = TypeVar("F", bound=Callable[..., Any])


def _documented(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"model": ErrorBody}}}


# Every route documents its result and every error it can answer with, in the one error body.
RESPONSES: dict[int, Any] = {
    200: {"description": "OK"},  # no content: Powertools fills in the route's return model
    400: _documented("Invalid input: `field` and `errors` name each offending field"),
    401: _documented("No valid token"),
    403: _documented("The token's groups do not allow this"),
    404: _documented("No such item in the caller's data, or no such route"),
    409: _documented("Stale `expected_version`, already exists, or still in use: reload and retry"),
    413: _documented(f"Body over {MAX_BODY_BYTES:,} bytes"),
    415: _documented("The body is not application/json"),
    500: _documented("An unexpected error (a bug): logged with its place, never with the input"),
    503: _documented("A dependency failed; nothing was changed, retry later"),
}
ROUTE_DOCS: dict[str, Any] = {"responses": RESPONSES, "security": [{"cognito": []}]}
# The API's security schemes for the document: each name → the request header carrying its token
# (an API key in a header, to OpenAPI). Plain data: Powertools' OpenAPI models are built only
# where the document is made (`openapi_document`), never in a function's cold start.
SECURITY_SCHEMES: dict[str, str] = {"cognito": "Authorization"}


# Routes that also take a body as text of another media type, e.g. a CSV file, by (method, path):
# the route reads it itself (`text_body`); the size and UTF-8 checks still apply, the JSON ones not.
TEXT_BODIES: dict[tuple[str, str], str] = {}
# The model of such a route's JSON body, for the document (the route parses the body itself). Its
# JSON schema is made with the document, not at import: a cold start does not pay for it (~0.015 s).
JSON_BODIES: dict[tuple[str, str], type[BaseModel]] = {}


def accept_text_body(method: str, path: str, media_type: str, json_body: type[BaseModel] | None = None) -> None:
    """Let `method path` take its body as `media_type` text, and as JSON of the model `json_body` when
    given (both documented in OpenAPI). The route reads the body itself: it has no body parameter."""
    TEXT_BODIES[(method.upper(), path)] = media_type
    if json_body is not None:
        JSON_BODIES[(method.upper(), path)] = json_body


def text_body_media_type(event: Mapping[str, Any]) -> str | None:
    """The request's media type when its route accepts it as text (see TEXT_BODIES), else None."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    media_type = str(headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    wanted = TEXT_BODIES.get((str(event.get("httpMethod") or "").upper(), str(event.get("path") or "")))
    return media_type if wanted is not None and media_type == wanted else None


def request_refusal(event: Mapping[str, Any]) -> ApiError | None:
    """Why a request is refused before any parsing (size, media type, encoding, JSON bounds), or None."""
    body = event.get("body") or ""
    if not isinstance(body, str):
        return InvalidInputError.of("body", "the body is not JSON text")
    is_base64 = bool(event.get("isBase64Encoded"))
    size = len(body) * 3 // 4 if is_base64 else len(body.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        return PayloadTooLargeError(f"the body is {size} bytes; the limit is {MAX_BODY_BYTES}")
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    media_type = str(headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    as_text = text_body_media_type(event) is not None
    json_type = media_type == "application/json" or media_type.endswith("+json")
    if body and media_type and not json_type and not as_text:
        return UnsupportedMediaTypeError("send the body as application/json")
    path = event.get("path")
    if isinstance(path, str) and unicode_problem(path):
        return InvalidInputError.of("path", "the path is not valid text")
    try:
        check_parameters(event.get("queryStringParameters"), "query")
        check_parameters(event.get("pathParameters"), "path")
        if body:
            text = base64.b64decode(body, validate=True).decode("utf-8") if is_base64 else body
            if as_text:
                if unicode_problem(text):
                    return InvalidInputError.of("body", f"the body {unicode_problem(text)}")
            else:
                parse_json_body(text)
    except InvalidInputError as exc:
        return exc
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return InvalidInputError.of("body", f"the body is not UTF-8 {'text' if as_text else 'JSON'}")
    return None


# Routes that act across customers, by path: the caller's group is checked before the request is
# parsed, so a customer's token learns nothing from them (not even which fields a body needs).
GROUP_OF_PREFIX: dict[str, Group] = {
    "/operator/": Group.OPERATORS,
    "/tenants/": Group.OPERATORS,
    "/finance/": Group.FINANCE,
}


def _claims(event: Mapping[str, Any]) -> Any:
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
    return authorizer.get("claims") if isinstance(authorizer, Mapping) else None


def access_refusal(event: Mapping[str, Any]) -> ApiError | None:
    """401/403 for a cross-customer route whose caller is not in its group, else None."""
    path = event.get("path")
    group = next(
        (g for prefix, g in GROUP_OF_PREFIX.items() if isinstance(path, str) and path.startswith(prefix)), None
    )
    if group is None:
        return None
    try:
        caller_from_claims(_claims(event)).require(group)
    except ApiError as exc:
        return exc
    return None


def problem_response(problem: Problem) -> Response[Any]:
    return Response(status_code=problem.status.value, content_type=content_types.APPLICATION_JSON, body=problem.body())


def _answer(exc: Exception) -> Response[Any]:
    """The one exception handler of the API (registered for `Exception`: Powertools looks along the MRO)."""
    problem = problem_of(exc)
    if problem.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        metrics.add_metric(name="ApiServerErrors", unit="Count", value=1)
        # Where it failed, never what it was given: frames and type only, no message (it may echo input).
        frames = [
            f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
            for frame in traceback.extract_tb(exc.__traceback__)
        ]
        log = logger.warning if problem.status == HTTPStatus.SERVICE_UNAVAILABLE else logger.error
        log("request failed", extra={"status": problem.status.value, "error_type": type(exc).__name__, "at": frames})
    return problem_response(problem)


class EdgeResolver(APIGatewayRestResolver):
    """API Gateway REST resolver with validation, the request bounds and the one error body.

    `site_origin`: the one web site whose pages may read the answers in a browser (CORS); API
    Gateway answers the preflight, the functions put the header on every answer, errors included.
    """

    def __init__(self, site_origin: str | None = None) -> None:
        cors = CORSConfig(allow_origin=site_origin, allow_headers=["Authorization"]) if site_origin else None
        super().__init__(enable_validation=True, cors=cors)
        self._site_origin = site_origin
        self.exception_handler(Exception)(_answer)

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Refuse what breaks the limits before Powertools parses anything; then resolve as usual."""
        if isinstance(event, Mapping):
            refusal = access_refusal(event) or request_refusal(event)
        else:
            refusal = InvalidInputError.of("body", "no request")
        if refusal is None:
            return super().resolve(event, context)
        problem = problem_of(refusal)
        headers = {"Content-Type": content_types.APPLICATION_JSON}
        if self._site_origin:
            headers |= {"Access-Control-Allow-Origin": self._site_origin, "Vary": "Origin"}
        return {
            "statusCode": problem.status.value,
            "headers": headers,
            "body": json.dumps(problem.body(), ensure_ascii=False),
            "isBase64Encoded": False,
        }


def new_router() -> Router:
    """A Router for one function's routes (typed here once: Powertools' constructor is not)."""
    return Router()  # type: ignore[no-untyped-call]


class TaggedRoutes:
    """One router's routes under one OpenAPI tag, each documented with ROUTE_DOCS (the one error body,
    the security scheme) unless a route overrides an entry (e.g. `responses` of a CSV route):
    `operator = TaggedRoutes(router, "operator")`, then `@operator.put(PATH, "What it does")`."""

    def __init__(self, router: Router, tag: str) -> None:
        self._router = router
        self._tag = tag

    def get(self, path: str, summary: str, **docs: Any) -> Callable[[F], F]:
        return self._route(path, "GET", summary, docs)

    def put(self, path: str, summary: str, **docs: Any) -> Callable[[F], F]:
        return self._route(path, "PUT", summary, docs)

    def post(self, path: str, summary: str, **docs: Any) -> Callable[[F], F]:
        return self._route(path, "POST", summary, docs)

    def delete(self, path: str, summary: str, **docs: Any) -> Callable[[F], F]:
        return self._route(path, "DELETE", summary, docs)

    def _route(self, path: str, method: str, summary: str, docs: dict[str, Any]) -> Callable[[F], F]:
        return self._router.route(path, method, tags=[self._tag], summary=summary, **(ROUTE_DOCS | docs))


def site_origin_of(environ: Mapping[str, str]) -> str | None:
    """The web site allowed to call the API (set by CDK on every API function), or None locally."""
    from telefonist.config import ENV_SITE_ORIGIN

    return environ.get(ENV_SITE_ORIGIN) or None


def caller_of(router: Router | APIGatewayRestResolver) -> Caller:
    """The caller of the request being served, as the Cognito authorizer vouched for them."""
    return caller_from_claims(_claims(router.current_event.raw_event))


def edge_resolver(*routers: Router, site_origin: str | None = None) -> EdgeResolver:
    """A resolver serving `routers`, with `/openapi.json` describing them (CORS for `site_origin`)."""
    app = EdgeResolver(site_origin)
    for router in routers:
        app.include_router(router)

    @app.get(OPENAPI_PATH, include_in_schema=False)
    def openapi() -> Response[str]:
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_document(app))

    return app


def openapi_document(app: APIGatewayRestResolver) -> str:
    """The generated OpenAPI document, as served and as checked in (docs/openapi.json).

    Powertools documents a 422 on every operation; this API answers invalid input with 400,
    so the 422 and its schemas are taken out to keep the contract true.
    """
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn  # ~0.2 s: here only

    document = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=API_VERSION,
            description="Customers maintain their profile, scripts, offices and directory (the tenant is the "
            "token's); operators search directories and take messages; finance reads billing.",
            security_schemes={
                name: APIKey(name=header, in_=APIKeyIn.header) for name, header in SECURITY_SCHEMES.items()
            },
        )
    )
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            operation.get("responses", {}).pop("422", None)
            media_type = TEXT_BODIES.get((method.upper(), path))
            if media_type:
                body = operation.setdefault("requestBody", {"required": True, "content": {}})
                body["content"][media_type] = {"schema": {"type": "string"}}
                if (method.upper(), path) in JSON_BODIES:
                    schema = JSON_BODIES[(method.upper(), path)].model_json_schema()
                    body["content"]["application/json"] = {"schema": schema}
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    return json.dumps(document, indent=2, ensure_ascii=False)
