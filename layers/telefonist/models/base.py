"""The base of every domain model: strict about unknown fields, immutable by default."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    """Unknown fields are refused so that a typo in an admin's payload is an error, not lost data."""

    # defer_build: a schema is built on first use, so a function pays only for the models it uses.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True)


class ApiInput(BaseModel):
    """An API request body: unknown fields refused, immutable, built on first use."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ApiOutput(BaseModel):
    """An API answer, built on first use. Here, not in `self_service.api_models`, so that a function
    whose models derive from these does not import all of self-service's (~0.03 s of a cold start)."""

    model_config = ConfigDict(frozen=True, defer_build=True)
