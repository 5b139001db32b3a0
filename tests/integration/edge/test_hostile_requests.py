"""Property-based fuzzing of every operation of the OpenAPI document with hostile requests.

Deep nesting, huge numbers, invalid Unicode, oversized strings and lists and wrong types, in the
whole body or in one field of an otherwise plausible body, sent to every route of the whole API
(self-service, directory, notify) with the token of the group the route is for: 0 responses of
500 or more, and every 4xx in the one error body.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.edge.conftest import ACME_CONTACT_ID, WholeApiClient
from tests.integration.edge.test_edge import assert_error_body
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, FINANCE_TOKEN, OPERATOR_TOKEN

# The whole API's generated document as checked in (tests/integration/self_service/test_api.py keeps
# them equal): generating it took each xdist worker ~1.5 s of the collection.
DOCUMENT = json.loads((Path(__file__).resolve().parents[3] / "docs" / "openapi.json").read_text(encoding="utf-8"))
PATH_VALUES = {
    "tenant_id": "acme",
    "common_number_id": "acme-sales",
    "office_id": "acme-hq",
    "person_id": "acme-p1",
    "referral_id": "r1",
    "month": "2026-11",
    "contact_id": ACME_CONTACT_ID,
}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operations() -> list[tuple[str, str, list[str]]]:
    """(method, concrete path, body field names) for every documented operation."""
    found = []
    for template, item in DOCUMENT["paths"].items():
        path = template
        for name, value in PATH_VALUES.items():
            path = path.replace("{" + name + "}", value)
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            fields = list(_resolve(content.get("schema", {})).get("properties", {})) if content else []
            found.append((method.upper(), path, fields))
    return sorted(found)


OPERATIONS = _operations()


def _token(path: str) -> str:
    if path.startswith(("/operator/", "/tenants/")):
        return OPERATOR_TOKEN
    return FINANCE_TOKEN if path.startswith("/finance/") else ACME_ADMIN_TOKEN


def _deep(levels: int, opener: str) -> str:
    closer = "]" if opener == "[" else "}"
    inner = "[" if opener == "[" else '{"a":'
    return inner * levels + "0" + closer * levels


# JSON texts a field's value can be: each breaks a parser, a type, a bound or the store.
HOSTILE_VALUES = st.one_of(
    st.integers(min_value=30, max_value=3000).map(lambda n: _deep(n, "[")),
    st.integers(min_value=30, max_value=3000).map(lambda n: _deep(n, "{")),
    st.integers(min_value=20, max_value=6000).map(lambda n: "9" * n),
    st.sampled_from(["1e999", "-1e999", "NaN", "Infinity", "-0", "1.5", "2147483648", "-1", "true", "null"]),
    st.sampled_from(['"\\ud800"', '"a\\udfffb"', '"\\u0000"', '"\\uffff"', '"\u202e"', '"x\\r\\ny"']),
    st.integers(min_value=2_001, max_value=200_000).map(lambda n: json.dumps("å" * n)),
    st.integers(min_value=101, max_value=20_000).map(lambda n: json.dumps(["x"] * n)),
    st.sampled_from(["[]", "{}", '""', '"   "', "[null]", '{"": ""}', json.dumps({"k" * 200: 1})]),
)


@st.composite
def hostile_requests(draw: st.DrawFn) -> tuple[str, str, str | None]:
    method, path, fields = draw(st.sampled_from(OPERATIONS))
    value = draw(HOSTILE_VALUES)
    if not fields or draw(st.booleans()):
        return method, path, value  # the whole body
    target = draw(st.sampled_from(fields))
    plausible = {name: '"x"' for name in fields}
    plausible[target] = value
    return method, path, "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in plausible.items()) + "}"


def test_the_document_lists_every_function_s_routes() -> None:
    paths = {path for _, path, _ in OPERATIONS}
    assert "/operator/tenants/acme/directory" in paths
    assert "/tenants/acme/messages" in paths
    assert "/people" in paths
    assert len(OPERATIONS) >= 30


@given(request=hostile_requests())
@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_no_hostile_request_gets_a_server_error(api: WholeApiClient, request: tuple[str, str, str | None]) -> None:
    method, path, raw = request
    response = api.call(method, path, _token(path), raw=raw)
    assert response.status < 500, (method, path, (raw or "")[:120], response.body)
    if response.status >= 400:
        assert_error_body(response.body, response.status)


@pytest.mark.parametrize(("method", "path", "fields"), OPERATIONS)
def test_raw_bytes_that_are_not_utf8_are_a_400(api: WholeApiClient, method: str, path: str, fields: list[str]) -> None:
    response = api._client.open(
        path,
        method=method,
        headers={"Authorization": _token(path)},
        data=b'{"name": "\xff\xfe"}',
        content_type="application/json",
    )
    assert response.status_code in (400, 404, 405), response.get_data(as_text=True)
    assert_error_body(json.loads(response.get_data(as_text=True)), response.status_code)
