"""`telefonist rate` against poison records and whole-document inputs (issue 13, rating).

Poison records (a year the rating cannot place, a duration no line can hold) are reported by
line number and every good line is still written; a file holding one pretty-printed CTR or a
JSON array of CTRs (the spec's examples) is read as such.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import RatingOutcome, rate_record

from telefonist_local.cli import build_parser, main
from telefonist_local.cli.rate import rate_stream
from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import EVENTS, ctr

INT32_MAX = 2**31 - 1


@pytest.fixture
def price_book() -> PriceBook:
    return PriceBook(versions=[DEFAULT_PRICE_LIST])


def write(tmp_path: Path, text: str, name: str = "ctrs.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_rate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict], list[dict]]:
    status = main(["rate", str(path)])
    out, err = capsys.readouterr()
    return status, [json.loads(t) for t in out.splitlines()], [json.loads(t) for t in err.splitlines()]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"answered_utc": "9999-12-31T23:30:00Z"}, "timestamp out of range in Agent.ConnectedToAgentTimestamp"),
        ({"answered_utc": "0001-01-01T00:00:00+05:00"}, "timestamp out of range in Agent.ConnectedToAgentTimestamp"),
        ({"last_updated": "0001-01-01T00:00:00+05:00"}, "timestamp out of range in LastUpdateTimestamp"),
        ({"last_updated": "9999-12-31T23:59:59-05:00"}, "timestamp out of range in LastUpdateTimestamp"),
        ({"talk": 2**31}, "duration out of range"),
        ({"talk": INT32_MAX, "acw": 1}, "duration out of range"),
        ({"talk": 10**30}, "duration out of range"),
    ],
)
def test_a_poison_record_is_reported_by_line_and_the_good_lines_are_written(
    tmp_path, capsys, fields: dict, reason: str
) -> None:
    # Given a poison record between two good ones
    path = write(tmp_path, "\n".join(json.dumps(r) for r in [ctr("c-1"), ctr("c-poison", **fields), ctr("c-2")]))
    # When rated
    status, lines, errors = run_rate(path, capsys)
    # Then the good lines are out, the poison one is named by its line number, exit status 2
    assert status == 2
    assert [line["contact_id"] for line in lines] == ["c-1", "c-2"]
    assert len(errors) == 1
    assert errors[0]["line"] == 2
    assert errors[0]["reason"].startswith(reason)


def test_the_largest_durations_a_line_can_hold_are_billed(tmp_path, capsys) -> None:
    path = write(tmp_path, json.dumps(ctr("c-long", talk=INT32_MAX - 10, acw=10)))
    status, lines, errors = run_rate(path, capsys)
    assert (status, errors) == (0, [])
    assert (lines[0]["talk_seconds"], lines[0]["handling_seconds"]) == (INT32_MAX - 10, INT32_MAX)


def test_a_record_that_breaks_the_rating_unexpectedly_is_reported_and_the_rest_written(price_book) -> None:
    # Given a rating fault on one record only (whatever it is, the run must go on)
    def faulty(text: str, book: PriceBook) -> RatingOutcome:
        if "c-fault" in text:
            raise RuntimeError("a fault nobody foresaw")
        return rate_record(text, book)

    source = io.StringIO("\n".join(json.dumps(r) for r in [ctr("c-1"), ctr("c-fault"), ctr("c-2")]))
    out, err = io.StringIO(), io.StringIO()
    # When rated
    rejected = rate_stream(source, price_book, out, err, rate=faulty)
    # Then the fault is reported by line number and the good lines are written
    assert rejected == 1
    assert [json.loads(t)["contact_id"] for t in out.getvalue().splitlines()] == ["c-1", "c-2"]
    assert [json.loads(t) for t in err.getvalue().splitlines()] == [
        {"line": 2, "reason": "cannot be rated (RuntimeError)"}
    ]


def test_a_pretty_printed_ctr_file_is_one_record(tmp_path, capsys) -> None:
    # Given the spec's example: one CTR, pretty-printed over many lines
    path = write(tmp_path, (EVENTS / "ctr-answered.json").read_text(encoding="utf-8"))
    status, lines, errors = run_rate(path, capsys)
    assert (status, errors) == (0, [])
    assert [(line["contact_id"], line["tariff"], line["tenant_id"]) for line in lines] == [
        ("f3c95789-ace1-a954-2c5d-6baed2eac902", 1, "acme")
    ]


def test_a_json_array_of_ctrs_is_rated_and_bad_elements_are_named_by_line(tmp_path, capsys) -> None:
    # Given a pretty-printed array: two good CTRs, a number, a CTR with a poison year
    records = [
        ctr("c-1"),
        ctr("c-2", answered_local="2026-11-28 11:00"),
        42,
        ctr("c-3", answered_utc="9999-01-01T00:00:00Z"),
    ]
    text = json.dumps(records, indent=2)
    path = write(tmp_path, text)
    status, lines, errors = run_rate(path, capsys)
    assert status == 2
    assert [(line["contact_id"], line["tariff"]) for line in lines] == [("c-1", 1), ("c-2", 3)]
    text_lines = text.splitlines()
    number_line = text_lines.index("  42,") + 1
    c3_line = max(i for i, t in enumerate(text_lines, start=1) if t == "  {")
    assert errors == [
        {"line": number_line, "record": 3, "reason": "not a JSON object"},
        {"line": c3_line, "record": 4, "reason": "timestamp out of range in Agent.ConnectedToAgentTimestamp "
         "(years 2000-2099)"},
    ]  # fmt: skip


def test_a_broken_document_names_the_line_of_the_error_after_rating_what_came_before(tmp_path, capsys) -> None:
    good = json.dumps(ctr("c-1"), indent=2)
    path = write(tmp_path, f'[\n{good},\n{{"ContactId": "c-2",,\n]\n')
    status, lines, errors = run_rate(path, capsys)
    assert status == 2
    assert [line["contact_id"] for line in lines] == ["c-1"]
    assert errors == [{"line": len(good.splitlines()) + 2, "reason": "not valid JSON"}]


def test_an_empty_array_rates_nothing(tmp_path, capsys) -> None:
    assert run_rate(write(tmp_path, "[]\n"), capsys) == (0, [], [])


def test_help_names_every_input_form(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["rate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "one CTR JSON object per line" in text
    assert "one pretty-printed CTR" in text
    assert "JSON array of CTRs" in text
