"""Errors of a directory search, each naming the input field at fault."""

from __future__ import annotations


class InvalidSearchError(ValueError):
    """The search request is unusable; `field` names the offending input (query, limit, tenant_id)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
