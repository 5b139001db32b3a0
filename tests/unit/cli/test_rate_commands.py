"""`telefonist rate` (files and stdin, exit status, stderr reports) and `telefonist rerate`'s refusals.

rerate's run on moto is in tests/integration/cli/test_rate_commands.py.
"""

from __future__ import annotations

import io
import json
from datetime import date

from telefonist.models.price_list import PriceList

from telefonist_local.cli import main
from tests.rating_builders import ctr


def write_lines(tmp_path, lines: list[str]):
    path = tmp_path / "ctrs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rate_writes_one_line_per_billable_contact_with_the_spec_fields(tmp_path, capsys) -> None:
    path = write_lines(
        tmp_path,
        [
            json.dumps(ctr("c-1", answered_local="2026-11-24 09:15", talk=30, acw=10)),
            json.dumps(ctr("c-2", answered_local="2026-12-24 10:00", talk=200, acw=0, transferred_to=True)),
            json.dumps(ctr("c-2", answered_local="2026-12-24 10:00", talk=100, last_updated="2026-11-24T08:00:00Z")),
            json.dumps(ctr("c-1", answered_local="2026-11-24 09:15", talk=30, acw=10)),
            json.dumps(ctr("c-3", initiation="QUEUE_TRANSFER")),
            "",
        ],
    )
    assert main(["rate", str(path)]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(text) for text in out.splitlines()]
    # in the order of each contact's winning version (the tie of c-1 goes to its later copy)
    assert [(line["contact_id"], line["tariff"], line["over_45s"]) for line in lines] == [
        ("c-2", 6, True),
        ("c-1", 1, False),
    ]
    required = {
        "contact_id", "tenant_id", "tariff", "period", "answered_at", "talk_seconds", "handling_seconds",
        "over_45s", "transferred", "amount_ore", "price_list_version", "ctr_last_updated", "dialed_number", "queue",
    }  # fmt: skip
    assert required <= set(lines[0])
    assert lines[1]["answered_at"] == "2026-11-24T09:15:00+01:00"
    assert err == ""


def test_rate_reports_bad_lines_by_number_goes_on_and_exits_2(tmp_path, capsys) -> None:
    path = write_lines(
        tmp_path,
        [
            json.dumps(ctr("c-1")),
            "{broken",
            json.dumps({k: v for k, v in ctr("c-x").items() if k != "ContactId"}),
            json.dumps(ctr("c-2", answered_utc="not a time")),
            json.dumps(ctr("c-3")),
        ],
    )
    assert main(["rate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert [json.loads(t)["contact_id"] for t in out.splitlines()] == ["c-1", "c-3"]
    assert [json.loads(t) for t in err.splitlines()] == [
        {"line": 2, "reason": "not valid JSON"},
        {"line": 3, "reason": "missing ContactId"},
        {"line": 4, "reason": "unreadable timestamp in Agent.ConnectedToAgentTimestamp"},
    ]


def test_rate_reads_standard_input_and_a_price_list_file(tmp_path, capsys, monkeypatch) -> None:
    prices = PriceList(version="special", valid_from=date(2026, 1, 1), amounts_ore={t: 1000 + t for t in range(1, 7)})
    price_file = tmp_path / "prices.json"
    price_file.write_text(prices.model_dump_json())
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(ctr("c-1", answered_local="2026-11-28 11:00")) + "\n"))
    assert main(["rate", "-", "--price-list", str(price_file)]) == 0
    (line,) = [json.loads(t) for t in capsys.readouterr().out.splitlines()]
    assert (line["tariff"], line["amount_ore"], line["price_list_version"]) == (3, 1003, "special")


def test_rate_names_a_missing_file(capsys) -> None:
    assert main(["rate", "/nonexistent/ctrs.jsonl"]) == 2
    assert json.loads(capsys.readouterr().err)["path"] == "/nonexistent/ctrs.jsonl"


def test_rerate_refuses_a_malformed_month(capsys) -> None:
    assert main(["rerate", "--month", "2026-13"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_rerate_names_missing_environment_variables(capsys, monkeypatch) -> None:
    monkeypatch.delenv("LEDGER_TABLE_NAME", raising=False)
    monkeypatch.delenv("BILLING_BUCKET_NAME", raising=False)
    assert main(["rerate", "--month", "2026-11"]) == 2
    err = capsys.readouterr().err
    assert "LEDGER_TABLE_NAME" in err
    assert "BILLING_BUCKET_NAME" in err
