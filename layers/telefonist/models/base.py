"""The base of every domain model: strict about unknown fields, immutable by default."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    """Unknown fields are refused so that a typo in an admin's payload is an error, not lost data."""

    # defer_build: a schema is built on first use, so a function pays only for the models it uses.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True)
