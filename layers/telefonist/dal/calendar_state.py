"""Where each followed calendar's sync stands, and the customers' Graph credentials.

State: items `CALSYNC` / `TENANT#<t>#PERSON#<p>` in the customer table (one small partition: the
webhook finds a calendar by its subscription id with one query). Credentials: one Secrets Manager
secret per customer, `telefonist/graph/<tenant>`, JSON `{directory_tenant, client_id, client_secret}`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError

from telefonist.calendar_sync.sync import FollowedCalendar
from telefonist.dal.errors import translate_client_error
from telefonist.dal.graph_client import GraphCredentials, GraphError

STATE_PK = "CALSYNC"
SECRET_PREFIX = "telefonist/graph/"  # noqa: S105 - a secret name prefix, not a secret
_TIMES = ("subscription_expires", "last_sync")


def _sk(tenant_id: str, person_id: str) -> str:
    return f"TENANT#{tenant_id}#PERSON#{person_id}"


def _calendar(item: dict[str, Any]) -> FollowedCalendar:
    values: dict[str, Any] = {k: item.get(k) for k in FollowedCalendar.__dataclass_fields__ if k in item}
    for name in _TIMES:
        values[name] = datetime.fromisoformat(str(item[name])) if item.get(name) else None
    return FollowedCalendar(**values)


class DynamoSyncState:
    def __init__(self, table: Any) -> None:
        self._table = table

    def save(self, calendar: FollowedCalendar) -> None:
        values = asdict(calendar)
        for name in _TIMES:
            values[name] = values[name].isoformat() if values[name] else None
        item = {"pk": STATE_PK, "sk": _sk(calendar.tenant_id, calendar.person_id), "entity": "calendar_sync", **values}
        try:
            self._table.put_item(Item={k: v for k, v in item.items() if v is not None})
        except ClientError as exc:
            raise translate_client_error(exc, "calendar sync state") from exc

    def by_subscription(self, subscription_id: str) -> FollowedCalendar | None:
        found = self._items(FilterExpression=Attr("subscription_id").eq(subscription_id))
        return _calendar(found[0]) if found else None

    def all(self) -> list[FollowedCalendar]:
        return [_calendar(item) for item in self._items()]

    def _items(self, **extra: Any) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"KeyConditionExpression": Key("pk").eq(STATE_PK), **extra}
        items: list[dict[str, Any]] = []
        try:
            while True:
                page = self._table.query(**query)
                items += page.get("Items", [])
                if "LastEvaluatedKey" not in page:
                    return items
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except ClientError as exc:
            raise translate_client_error(exc, "calendar sync state") from exc


def graph_credentials(secrets_client: Any, tenant_id: str) -> GraphCredentials:
    """The customer's Graph application credentials; GraphError if missing or malformed (never echoed)."""
    try:
        secret = json.loads(secrets_client.get_secret_value(SecretId=SECRET_PREFIX + tenant_id)["SecretString"])
        return GraphCredentials(str(secret["directory_tenant"]), str(secret["client_id"]), str(secret["client_secret"]))
    except (ClientError, BotoCoreError, KeyError, ValueError, TypeError) as exc:
        raise GraphError(f"no usable Graph credentials for {tenant_id} ({type(exc).__name__})") from exc
