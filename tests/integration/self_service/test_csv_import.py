"""Bulk import of people from CSV: hundreds of rows, each bad row reported with its fields."""

from __future__ import annotations

from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.edge.errors import InvalidInputError
from telefonist.ports.store import RepositoryError
from telefonist.self_service.csv_import import parse_people_csv

from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, ApiClient

HEADER = "person_id,first_name,last_name,title,department,work_phone,mobile_phone,email,keywords,message_preference"


def _csv(rows: int, bad: dict[int, str]) -> str:
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            bad.get(i)
            or f"imp-{i:04d},Förnamn{i},Efternamn{i},Säljare,Försäljning,08-520 {10000 + i},"
            f"070-{1000000 + i},p{i}@acme.example,offert|avtal,both"
        )
    return "\n".join(lines) + "\n"


def test_hundreds_of_rows_import_with_a_per_row_error_report(client: ApiClient, repo: CustomerRepository) -> None:
    # Given 400 rows, three of them bad in different ways, one an existing person
    bad = {
        7: "imp-0007,Anna,Berg,,,,,not-an-email,,email",
        120: "imp-0120,,Berg,,,,,a@acme.example,,email",
        399: "imp-0399,Per,Ek,,,12,,p@acme.example,,sms",
    }
    text = _csv(400, bad) + "acme-p1,Acmefirst1,Acmelast1,,,,,p1@acme.example,,email\n"
    # When it is imported
    response = client.call("POST", "/people/import", ACME_ADMIN_TOKEN, {"csv": text})
    # Then the good rows are in the directory and each bad row names its line and fields
    report = response.body
    assert response.status == 200
    assert (report["created"], report["updated"], report["failed"]) == (397, 1, 3)
    errors = {r["row"]: [e["field"] for e in r["errors"]] for r in report["rows"] if r["status"] == "error"}
    assert errors == {9: ["email"], 122: ["first_name"], 401: ["work_phone"]}
    people = {p.person_id: p for p in repo.load_directory("acme").people}
    assert len(people) == 2 + 397
    assert people["imp-0001"].mobile == "+46701000001"
    assert people["imp-0001"].keywords == ["offert", "avtal"]
    # The replaced person's version moved on: an edit from before the import is stale
    assert client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body["version"] == 2
    stale = {"keywords": ["x"], "expected_version": 1}
    assert client.call("PUT", "/people/acme-p1/keywords", ACME_ADMIN_TOKEN, stale).status == 409


def test_a_chunk_the_store_refuses_is_reported_row_by_row(
    client: ApiClient, repo: CustomerRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = repo.put_people

    def flaky(tenant_id: str, people: list[Any]) -> None:
        calls.append(len(people))
        if len(calls) == 2:
            raise RepositoryError("throttled")
        original(tenant_id, people)

    monkeypatch.setattr(repo, "put_people", flaky)
    report = client.call("POST", "/people/import", ACME_ADMIN_TOKEN, {"csv": _csv(150, {})}).body
    assert calls == [99, 51]
    assert (report["created"], report["failed"]) == (99, 51)
    assert report["rows"][-1]["errors"][0]["field"] == "row"


def test_a_dry_run_validates_without_writing(client: ApiClient, repo: CustomerRepository) -> None:
    response = client.call("POST", "/people/import", ACME_ADMIN_TOKEN, {"csv": _csv(5, {}), "dry_run": True})
    assert [r["status"] for r in response.body["rows"]] == ["valid"] * 5
    assert len(repo.load_directory("acme").people) == 2


def test_duplicates_within_the_file_are_reported() -> None:
    rows = parse_people_csv(_csv(2, {1: "imp-0000,Eva,Ek,,,,,e@acme.example,,email"}))
    assert rows[1].errors[0].field == "person_id"
    assert rows[1].person is None


def test_semicolon_separated_files_from_spreadsheets_are_read() -> None:
    text = "\ufeffperson_id;first_name;last_name;email\nse-1;Åsa;Öberg;asa@acme.example\n"
    assert parse_people_csv(text)[0].person is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("first_name,last_name\nA,B\n", "missing column(s) person_id"),
        ("person_id,first_name,last_name,shoe_size\n", "unknown column(s) shoe_size"),
        ("person_id,first_name,last_name\n", "no rows after the header"),
    ],
)
def test_an_unusable_file_is_refused_naming_the_csv_field(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_people_csv(text)
    assert raised.value.errors[0].field == "csv"
    assert message in raised.value.errors[0].message


def test_a_file_with_cr_only_line_ends_is_read_line_by_line() -> None:
    text = "person_id,first_name,last_name,email\rcr-1,Åsa,Berg,a@acme.example\rcr-2,Per,,p@acme.example\r"
    rows = parse_people_csv(text)
    assert [(r.row, r.person_id, r.person is not None) for r in rows] == [(2, "cr-1", True), (3, "cr-2", False)]
    assert [e.field for e in rows[1].errors] == ["last_name"]


def test_a_file_the_csv_reader_cannot_read_is_a_400_naming_the_line(client: ApiClient) -> None:
    # A header field over the csv module's field limit raises csv.Error while the header is read.
    text = "person_id,first_name,last_name,email," + "x" * 200_000 + "\nimp-1,A,B,a@acme.example,\n"
    response = client.call("POST", "/people/import", ACME_ADMIN_TOKEN, {"csv": text})
    assert response.status == 400
    assert [(e["field"], e["message"][:7]) for e in response.body["errors"]] == [("csv", "line 1:")]
