"""The audit trail: who changed what in a customer's data, and when."""

from __future__ import annotations

from pydantic import Field

from telefonist.models.base import DomainModel
from telefonist.models.types import NonEmptyStr, Slug, Text, UtcDatetime


class AuditEntry(DomainModel):
    """One change made through the self-service API (never holds door codes or personal data)."""

    entry_id: Slug
    at: UtcDatetime
    actor: NonEmptyStr = Field(description="The Cognito subject (user id) that made the change")
    action: NonEmptyStr = Field(description="What was done, e.g. `person.update`")
    target: Text = Field(default="", description="What it was done to, by id, e.g. `person p00001`")
    version: int | None = Field(default=None, description="The item's version after the change")
    detail: Text = ""
