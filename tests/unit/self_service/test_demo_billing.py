"""`telefonist serve`'s billed calls: rated by the rating engine, in the months asked for."""

from __future__ import annotations

from collections import Counter

from telefonist.models.price_list import PriceBook

from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from telefonist_local.self_service.demo_billing import billed_lines, last_months


def test_last_months_run_oldest_first_across_a_new_year() -> None:
    assert last_months("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_billed_lines_are_the_customers_in_that_month_with_every_kind_of_call() -> None:
    lines = billed_lines("acme", "2026-10", 400, ["+46852000001"], PriceBook(versions=[DEFAULT_PRICE_LIST]))
    assert len(lines) == 400
    assert {line.tenant_id for line in lines} == {"acme"}
    assert {line.month for line in lines} == {"2026-10"}
    tariffs = Counter(line.tariff for line in lines)
    assert set(tariffs) == {1, 2, 3, 4, 5, 6}
    assert any(line.over_45s for line in lines)
    assert not all(line.over_45s for line in lines)
