"""`POST /people/import` takes the CSV file itself (`text/csv`), not only JSON-wrapped text."""

from __future__ import annotations

import json
from typing import Any

from telefonist.dal.customer_repository import CustomerRepository
from telefonist.edge.resolver import openapi_document

from functions.self_service.api import build_resolver
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, ACME_USER_TOKEN, ApiClient

CSV = (
    "person_id,first_name,last_name,email,keywords\n"
    "ingrid,Ingrid,Importsson,ingrid@example.se,kassa|kvitton\n"
    "bad,Berit,,inte-en-adress,\n"
)


def _post(client: ApiClient, path: str, body: bytes, content_type: str, token: str = ACME_ADMIN_TOKEN) -> Any:
    response = client._client.open(
        path, method="POST", headers={"Authorization": token}, data=body, content_type=content_type
    )
    return response.status_code, json.loads(response.get_data(as_text=True))


def test_a_csv_file_is_imported_with_its_report(client: ApiClient, repo: CustomerRepository) -> None:
    status, report = _post(client, "/people/import", CSV.encode(), "text/csv; charset=utf-8")
    assert status == 200
    assert (report["created"], report["failed"], report["dry_run"]) == (1, 1, False)
    assert [r["status"] for r in report["rows"]] == ["created", "error"]
    assert {e["field"] for e in report["rows"][1]["errors"]} == {"last_name", "email"}
    person, _ = repo.get_person("acme", "ingrid")
    assert person.model.keywords == ["kassa", "kvitton"]


def test_a_dry_run_of_a_csv_file_saves_nothing(client: ApiClient, repo: CustomerRepository) -> None:
    status, report = _post(client, "/people/import?dry_run=true", CSV.encode(), "text/csv")
    assert (status, report["dry_run"], [r["status"] for r in report["rows"]]) == (200, True, ["valid", "error"])
    assert "ingrid" not in {p.person_id for p in repo.load_directory("acme").people}


def test_json_wrapped_text_still_imports(client: ApiClient) -> None:
    response = client.call("POST", "/people/import", ACME_ADMIN_TOKEN, {"csv": CSV, "dry_run": True})
    assert response.status == 200
    assert response.body["dry_run"] is True
    refused = client.call("POST", "/people/import", ACME_ADMIN_TOKEN, {"csv": ""})
    assert (refused.status, refused.body["field"]) == (400, "body.csv")


def test_a_file_that_is_no_csv_or_not_utf8_is_a_400_and_other_routes_take_no_csv(client: ApiClient) -> None:
    status, body = _post(client, "/people/import", b"just one line", "text/csv")
    assert (status, body["field"]) == (400, "csv")
    status, body = _post(client, "/people/import", "person_id\n\udcff".encode("utf-8", "surrogatepass"), "text/csv")
    assert status == 400
    status, body = _post(client, "/people", CSV.encode(), "text/csv")
    assert status == 415
    status, _ = _post(client, "/people/import", CSV.encode(), "text/csv", token=ACME_USER_TOKEN)
    assert status == 403


def test_the_openapi_document_offers_the_file_and_the_json_form() -> None:
    document = json.loads(openapi_document(build_resolver(lambda: None)))  # type: ignore[arg-type,return-value]
    operation = document["paths"]["/people/import"]["post"]
    assert set(operation["requestBody"]["content"]) == {"text/csv", "application/json"}
    assert "keywords (separated by |)" in operation["description"]
    assert [p["name"] for p in operation["parameters"]] == ["dry_run"]
