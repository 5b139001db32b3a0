"""API Gateway REST proxy events, as API Gateway passes them on after the Cognito authorizer.

The local tooling calls the API functions the one way they are called in AWS: the demo and the smoke
check (which invokes the deployed function with such an event) build their requests here.
"""

from __future__ import annotations

import json
from typing import Any

OPERATOR_CLAIMS = {"sub": "telefonist-local-operator", "cognito:groups": "operators", "token_use": "id"}


def rest_event(
    method: str,
    path: str,
    *,
    query: dict[str, str] | None = None,
    body: Any = None,
    claims: dict[str, str] | None = OPERATOR_CLAIMS,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST proxy event for `method path` (`path` as the client sent it, without the stage); `body` is
    sent as JSON unless it is already text; `claims` None: a route without the Cognito authorizer."""
    if headers is None:
        headers = {"Accept": "application/json", "Content-Type": "application/json", "Host": "api.local"}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": path,
            "stage": "local",
            "requestId": "telefonist-local",
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": body if body is None or isinstance(body, str) else json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }
