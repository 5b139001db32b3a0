"""A line the table schema cannot hold is refused before any write, naming the column only."""

from __future__ import annotations

import json

import pytest
from telefonist.dal.billing_table import lines_to_arrow
from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import rate_record
from telefonist.rating.line import BillingLine
from telefonist.rating.service import UnstorableLine

from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import ctr


def a_line(**changes: object) -> BillingLine:
    outcome = rate_record(json.dumps(ctr("c-1")), PriceBook(versions=[DEFAULT_PRICE_LIST]))
    assert outcome.line is not None
    return BillingLine.trusted({**outcome.line.model_dump(), **changes})


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"talk_seconds": 2**31}, "talk_seconds"),
        ({"handling_seconds": 10**30}, "handling_seconds"),
        ({"queue": "Växel \ud800"}, "queue"),  # a lone surrogate: not UTF-8
        ({"amount_ore": 2**63}, "amount_ore"),
    ],
)
def test_an_unstorable_value_names_its_column_and_never_the_value(changes: dict, column: str) -> None:
    with pytest.raises(UnstorableLine) as raised:
        lines_to_arrow([a_line(**changes)])
    assert str(raised.value) == f"line cannot be stored: column {column} cannot hold its value"


def test_a_storable_line_is_encoded() -> None:
    assert lines_to_arrow([a_line()]).num_rows == 1
