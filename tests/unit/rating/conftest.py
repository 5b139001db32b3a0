from __future__ import annotations

import pytest
from telefonist.models.price_list import PriceBook

from telefonist_local.sample_data import DEFAULT_PRICE_LIST


@pytest.fixture
def price_book() -> PriceBook:
    return PriceBook(versions=[DEFAULT_PRICE_LIST])
