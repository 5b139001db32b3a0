"""The search request: every bad input is refused with a message naming its field."""

from __future__ import annotations

from typing import Any

import pytest
from telefonist.directory import DirectoryIndexCache, DirectoryQuery, InvalidSearchError, search_directory

from tests.unit.directory.fixtures import NOW, swedish_directory
from tests.unit.directory.test_cache import FakeSource


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"tenant_id": "acme", "query": ""}, "query", "empty"),
        ({"tenant_id": "acme", "query": "   \t"}, "query", "empty"),
        ({"tenant_id": "acme"}, "query", "required"),
        ({"tenant_id": "acme", "query": 42}, "query", "text"),
        ({"tenant_id": "acme", "query": "x" * 201}, "query", "200"),
        ({"tenant_id": "acme", "query": "åsa", "limit": 0}, "limit", "1 to 50"),
        ({"tenant_id": "acme", "query": "åsa", "limit": 51}, "limit", "1 to 50"),
        ({"tenant_id": "acme", "query": "åsa", "limit": "ten"}, "limit", "1 to 50"),
        ({"tenant_id": "ACME!", "query": "åsa"}, "tenant_id", "customer id"),
        ({"query": "åsa"}, "tenant_id", "required"),
    ],
)
def test_bad_requests_name_the_field(data: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidSearchError) as caught:
        DirectoryQuery.parse(data)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")


def test_a_good_request_is_trimmed_and_defaults_to_ten() -> None:
    request = DirectoryQuery.parse({"tenant_id": "acme", "query": "  åsa  ", "limit": "5"})
    assert (request.query, request.limit) == ("åsa", 5)
    assert DirectoryQuery.parse({"tenant_id": "acme", "query": "x" * 200}).limit == 10


def test_search_directory_returns_the_version_and_the_matches() -> None:
    cache = DirectoryIndexCache(FakeSource(directories={"acme": swedish_directory(version=4)}))
    result = search_directory(cache, DirectoryQuery.parse({"tenant_id": "acme", "query": "eva", "limit": 1}), NOW)
    assert (result.tenant_id, result.directory_version, result.count) == ("acme", 4, 1)
    assert result.matches[0].person.person_id == "p05-eva"
