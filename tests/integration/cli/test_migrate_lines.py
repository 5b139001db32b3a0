"""`telefonist migrate-lines`: the former one-object-per-contact lines on moto's S3 into the table."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from telefonist.dal.billing_table import (
    ENV_BILLING_CATALOG_URI,
    ENV_BILLING_WAREHOUSE,
    LINE_SCHEMA,
    BillingTable,
    BillingTableSettings,
    lines_to_arrow,
)
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import rate_record
from telefonist.rating.line import BillingLine, line_key

from telefonist_local.cli import main
from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import ctr

PRICES = PriceBook(versions=[DEFAULT_PRICE_LIST])


def line(contact: str, answered: str, **kwargs) -> BillingLine:
    rated = rate_record(ctr(contact, answered_local=answered, **kwargs), PRICES).line
    assert rated is not None
    return rated


def put_legacy(s3, bucket: str, billed: BillingLine) -> str:
    """A line as the former writer stored it: one row, ms timestamps, no Arrow schema."""
    key = f"lines/{line_key(billed)}/{billed.contact_id}.parquet"
    ms = pa.schema(
        [f.with_type(pa.timestamp("ms", tz="UTC")) if pa.types.is_timestamp(f.type) else f for f in LINE_SCHEMA]
    )
    buffer = io.BytesIO()
    pq.write_table(lines_to_arrow([billed]).cast(ms), buffer, store_schema=False)
    s3.put_object(Bucket=bucket, Key=key, Body=buffer.getvalue())
    return key


def legacy_keys(s3, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="lines/").get("Contents", []))


@pytest.fixture
def table(aws, tmp_path, monkeypatch) -> BillingTable:
    monkeypatch.setenv(ENV_BILLING_CATALOG_URI, f"sqlite:///{tmp_path}/catalog.db")
    monkeypatch.setenv(ENV_BILLING_WAREHOUSE, f"file://{tmp_path}/warehouse")
    return BillingTable(BillingTableSettings.local_folder(tmp_path))


def rows(table: BillingTable) -> list[tuple[str, str | None, int, datetime]]:
    return sorted((r["contact_id"], r["tenant_id"], r["amount_ore"], r["ctr_last_updated"]) for r in table.rows())


def test_migrates_a_month_keeps_newer_table_rows_deletes_the_objects_and_is_idempotent(aws, table, capsys) -> None:
    s3 = boto3.client("s3")
    bucket = aws.environment["BILLING_BUCKET_NAME"]
    # Given November's former objects: c-1, c-2 (the table has a newer c-2 already), c-3 (the table
    # has an older c-3, under another tenant), and a December object
    older = line("c-3", "2026-11-26 08:00", tenant="beta", last_updated="2026-11-26T07:30:00Z")
    table.write([line("c-2", "2026-11-25 12:00", talk=200, last_updated="2026-11-30T00:00:00Z"), older], {})
    c3 = line("c-3", "2026-11-26 08:00", last_updated="2026-11-26T09:00:00Z")
    november = [
        put_legacy(s3, bucket, line("c-1", "2026-11-24 09:15")),
        put_legacy(s3, bucket, line("c-2", "2026-11-25 12:00", last_updated="2026-11-25T12:00:00Z")),
        put_legacy(s3, bucket, c3),
    ]
    december = put_legacy(s3, bucket, line("d-1", "2026-12-01 09:00"))
    before = rows(table)

    # A dry run reports and changes nothing
    assert main(["migrate-lines", "--month", "2026-11", "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (dry["objects"], dry["appended"], dry["replaced"], dry["kept_table_row"], dry["deleted_objects"]) == (
        3, 1, 1, 1, 0,
    )  # fmt: skip
    assert rows(table) == before
    assert legacy_keys(s3, bucket) == sorted([*november, december])

    # The month moves: c-1 added, c-2 keeps the table's newer row, c-3's older row replaced
    assert main(["migrate-lines", "--month", "2026-11"]) == 0
    done = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (done["appended"], done["replaced"], done["kept_table_row"], done["deleted_objects"]) == (1, 1, 1, 3)
    after = rows(table)
    assert [(contact, tenant) for contact, tenant, _, _ in after] == [("c-1", "acme"), ("c-2", "acme"), ("c-3", "acme")]
    assert after[1][3] == datetime(2026, 11, 30, tzinfo=UTC)  # the newer table row stayed
    assert after[2][3] == c3.ctr_last_updated
    assert legacy_keys(s3, bucket) == [december]  # the December object is another month's

    # A second run changes nothing
    assert main(["migrate-lines", "--month", "2026-11"]) == 0
    again = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (again["objects"], again["appended"], again["replaced"], again["deleted_objects"]) == (0, 0, 0, 0)
    assert rows(table) == after


def test_a_run_stopped_after_its_commit_only_deletes_the_objects(aws, table, capsys) -> None:
    s3 = boto3.client("s3")
    bucket = aws.environment["BILLING_BUCKET_NAME"]
    billed = line("c-1", "2026-11-24 09:15")
    key = put_legacy(s3, bucket, billed)
    table.write([billed], {})  # the commit of a run that stopped before deleting
    assert main(["migrate-lines"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (summary["appended"], summary["kept_table_row"], summary["deleted_objects"]) == (0, 1, 1)
    assert len(table.rows()) == 1
    assert key not in legacy_keys(s3, bucket)


def test_refuses_a_malformed_month(capsys) -> None:
    assert main(["migrate-lines", "--month", "2026-13"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
