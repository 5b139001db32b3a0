"""A directory search request and its result, shared by the API and the direct invoke."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from telefonist.directory.cache import DirectoryIndexCache
from telefonist.directory.errors import InvalidSearchError
from telefonist.directory.index import PersonMatch
from telefonist.models.types import TenantId

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 50
DEFAULT_LIMIT = 10

_MESSAGES = {
    "tenant_id": "must be a customer id (lower-case letters, digits and dashes)",
    "limit": f"must be a whole number from 1 to {MAX_LIMIT}",
}


class DirectoryQuery(BaseModel):
    """Who searches what: a customer, free text and how many people to return."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    tenant_id: TenantId
    query: str = Field(max_length=MAX_QUERY_LENGTH)
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, strict=False)

    @field_validator("query", mode="before")
    @classmethod
    def _query_text(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError("must be text")
        value = value.strip()
        if not value:
            raise ValueError("must not be empty or blank")
        if len(value) > MAX_QUERY_LENGTH:
            raise ValueError(f"must be at most {MAX_QUERY_LENGTH} characters")
        return value

    @classmethod
    def parse(cls, data: dict[str, Any]) -> DirectoryQuery:
        """Validate a request; InvalidSearchError names the first field at fault."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else "request"
            message = _MESSAGES.get(field) or str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "missing":
                message = "is required"
            raise InvalidSearchError(field, message) from exc


class DirectoryResult(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use, as DomainModel

    tenant_id: str
    query: str
    directory_version: int
    count: int
    matches: list[PersonMatch]


def search_directory(cache: DirectoryIndexCache, request: DirectoryQuery, now: datetime) -> DirectoryResult:
    """Search a customer's directory (the cached index of its current version) at moment `now`."""
    index = cache.get(request.tenant_id)
    matches = index.search(request.query, now, request.limit)
    return DirectoryResult(
        tenant_id=request.tenant_id,
        query=request.query,
        directory_version=index.version,
        count=len(matches),
        matches=matches,
    )
