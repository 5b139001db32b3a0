"""LOCAL ONLY: serve an API Gateway REST resolver over WSGI, with development tokens.

API Gateway and its Cognito authorizer are not emulated; this adapter builds the same
proxy event API Gateway would (claims in `requestContext.authorizer.claims`) from a plain HTTP
request. A development token stands in for the Cognito JWT:

    Authorization: Bearer local:<tenant or ->:<group,group>[:<subject>]

e.g. `local:acme:admins` (Acme's administrator) or `local:-:operators` (an operator). It is
accepted only by this adapter, which `telefonist serve` binds to 127.0.0.1; the deployed API
only ever sees claims that the Cognito authorizer has verified.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from telefonist_local.api_events import rest_event

LOCAL_TOKEN_PREFIX = "local:"  # noqa: S105 - marks development tokens; not a secret

Resolve = Callable[[dict[str, Any], Any], dict[str, Any]]


def local_token(tenant_id: str | None, *groups: str, subject: str | None = None) -> str:
    """The Authorization header value of a development token."""
    parts = [tenant_id or "-", ",".join(groups)]
    if subject:
        parts.append(subject)
    return f"Bearer {LOCAL_TOKEN_PREFIX}{':'.join(parts)}"


def claims_from_local_token(authorization: str | None) -> dict[str, str] | None:
    """Claims as the Cognito authorizer would pass them, or None for a missing/unknown token."""
    if not authorization:
        return None
    token = authorization.removeprefix("Bearer ").strip()
    if not token.startswith(LOCAL_TOKEN_PREFIX):
        return None
    parts = token[len(LOCAL_TOKEN_PREFIX) :].split(":")
    if len(parts) not in (2, 3):
        return None
    tenant, groups = parts[0], parts[1]
    subject = parts[2] if len(parts) == 3 else f"local-{tenant}-{groups.replace(',', '-') or 'user'}"
    claims = {"sub": subject, "cognito:groups": groups}
    if tenant != "-":
        claims["custom:tenant_id"] = tenant
    return claims


class _LocalContext:
    function_name = "self-service-local"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-central-1:000000000000:function:self-service-local"
    aws_request_id = "local"


class ApiGatewayWsgiApp:
    """A WSGI application that turns each request into an API Gateway REST proxy event."""

    def __init__(
        self,
        resolve: Resolve,
        max_body_bytes: int,
        authenticate: Callable[[str | None], dict[str, str] | None] = claims_from_local_token,
    ) -> None:
        self._resolve = resolve
        self._max_body = max_body_bytes
        self._authenticate = authenticate

    def event(self, environ: dict[str, Any]) -> dict[str, Any]:
        """The proxy event of a WSGI request (public for tests)."""
        headers = {
            key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        # Read at most one byte over the limit: enough for the resolver to answer 413.
        raw = environ["wsgi.input"].read(min(length, self._max_body + 1)) if length > 0 else b""
        try:
            body, is_base64 = raw.decode("utf-8"), False
        except UnicodeDecodeError:
            body, is_base64 = base64.b64encode(raw).decode(), True
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        event = rest_event(
            method,
            path,
            query={k: v[-1] for k, v in query.items()},
            body=body or None,
            claims=self._authenticate(headers.get("Authorization")),
            headers=headers,
        )
        event["multiValueQueryStringParameters"] = query or None
        event["requestContext"] |= {
            "requestId": uuid.uuid4().hex,
            "identity": {"sourceIp": environ.get("REMOTE_ADDR", "127.0.0.1")},
        }
        event["isBase64Encoded"] = is_base64
        return event

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        result = self._resolve(self.event(environ), _LocalContext())
        status = int(result.get("statusCode", 500))
        body = result.get("body") or ""
        payload = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
        headers: list[tuple[str, str]] = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
        for key, values in (result.get("multiValueHeaders") or {}).items():
            headers += [(key, str(v)) for v in values if (key, str(v)) not in headers]
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(payload))))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [payload]
