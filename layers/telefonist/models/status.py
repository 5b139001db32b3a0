"""A tenant's lifecycle status, kept free of pydantic: the inbound call path reads it too."""

from __future__ import annotations

from enum import StrEnum


class TenantStatus(StrEnum):
    ACTIVE = "active"
    OFFBOARDED = "offboarded"
