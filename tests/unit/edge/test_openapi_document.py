"""docs/openapi.json is a valid OpenAPI 3.1 document by an independent validator, and self-contained."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return document


def test_the_document_is_valid_openapi_3_1() -> None:
    document = _document()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation


def test_the_validator_refuses_a_broken_document() -> None:
    document = _document()
    document["paths"]["/profile"]["get"]["responses"] = "not a responses object"
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_every_reference_resolves_and_every_error_has_the_one_body() -> None:
    document = _document()
    text = json.dumps(document)
    refs = set(re.findall(r"#/components/schemas/([A-Za-z0-9_.-]+)", text))
    assert refs <= set(document["components"]["schemas"])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
