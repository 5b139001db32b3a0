"""Item helpers shared by the repositories: versions and parsing into the pydantic models."""

from __future__ import annotations

from typing import Any, TypeVar

from botocore.exceptions import ClientError
from pydantic import BaseModel, ValidationError

from telefonist.dal.errors import translate_client_error
from telefonist.ports.store import CorruptItemError, Versioned

ModelT = TypeVar("ModelT", bound=BaseModel)
# config_version: the profile's guard of a tenant's configuration writes (see CustomerRepository).
# mobile_key: a person's index key for SMS commands (CustomerRepository.people_with_mobile).
KEY_FIELDS = ("pk", "sk", "entity", "item_version", "item_updated_at", "config_version", "mobile_key")


def strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    """The item without its keys and bookkeeping attributes: the model's own fields."""
    return {k: v for k, v in item.items() if k not in KEY_FIELDS}


def parse_item(model: type[ModelT], item: dict[str, Any], what: str) -> Versioned[ModelT]:
    """Validate a stored item into its model; a corrupt item is a CorruptItemError, not a crash."""
    try:
        return Versioned(model.model_validate(strip_keys(item)), int(item.get("item_version", 0)))
    except ValidationError as exc:
        raise CorruptItemError(f"stored {what} is invalid: {exc.error_count()} error(s)") from exc


def query_all(table: Any, what: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a query on `table`, following pages (1 round trip per MB); errors as the domain's."""
    items: list[dict[str, Any]] = []
    try:
        while True:
            page = table.query(**kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    except ClientError as exc:
        raise translate_client_error(exc, what) from exc
