"""`telefonist serve`: the self-service API over real HTTP on 127.0.0.1, against moto's server."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from telefonist_local.cli.serve import local_api
from telefonist_local.local_aws import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _call(url: str, method: str = "GET", token: str | None = None, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, method=method, data=data)  # noqa: S310 - loopback only
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_answers_over_http_on_loopback_with_the_demo_customer() -> None:
    with local_api(port=free_port(), people=3) as api:
        admin = api.tokens["customer administrator"]
        assert urlparse(api.url).hostname == "127.0.0.1"
        # The published document is the checked-in one
        status, document = _call(f"{api.url}/openapi.json")
        assert status == 200
        assert document == json.loads((ROOT / "docs" / "openapi.json").read_text())
        # The demo customer's data, its door code for its administrator, and a change with its version
        assert _call(f"{api.url}/profile", token=admin)[1]["tenant_id"] == "acme"
        assert _call(f"{api.url}/offices/huvudkontor", token=admin)[1]["door_codes"][0]["code"] == "4711"
        status, person = _call(
            f"{api.url}/people/p00001/keywords", "PUT", admin, {"keywords": ["ramavtal"], "expected_version": 1}
        )
        assert (status, person["keywords"], person["version"]) == (200, ["ramavtal"], 2)
        trail = _call(f"{api.url}/audit?limit=1", token=admin)[1]["items"]
        assert [(e["actor"], e["action"]) for e in trail] == [("acme-admin", "person.keywords")]
        # The operators' routes of the other functions, each with its own composition root
        status, found = _call(f"{api.url}/operator/tenants/acme/directory/p00001", token=api.tokens["operator"])
        assert (status, found["person"]["person_id"]) == (200, "p00001")
        # No token, no data; an operator is not a customer
        assert _call(f"{api.url}/profile")[0] == 401
        assert _call(f"{api.url}/profile", token=api.tokens["operator"])[0] == 403
