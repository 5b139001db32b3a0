"""Where each followed calendar's sync stands, each customer's settings, and their Graph credentials.

State: items `CALSYNC` / `TENANT#<t>#PERSON#<p>` in the customer table (one small partition: the
webhook finds a calendar by its subscription id with one query). Settings (on/off and the mapping
rules, versioned): `CALSYNC` / `TENANT#<t>#SETTINGS`, beside its calendars, so Mina sidor reads a
customer's settings and every calendar's state with one query. A customer's Microsoft 365 connection
(its directory tenant, from admin consent): `TENANT#<t>#CONNECTION`; consent links handed out:
`CONSENT#<sha256 of the state>` (single use, `expires_at` for the table's TTL). Credentials: telefonist's
one multi-tenant Entra application, Secrets Manager `telefonist/graph/app`, JSON `{client_id, client_secret}`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from telefonist.calendar_sync.consent import CalendarConnection, ConsentGrant
from telefonist.calendar_sync.rules import CalendarRules, CalendarSettings
from telefonist.calendar_sync.sync import FollowedCalendar
from telefonist.clock import utc_now
from telefonist.dal import keys
from telefonist.dal.errors import translate_client_error
from telefonist.dal.graph_client import GraphCredentials, GraphError
from telefonist.ports.store import CorruptItemError, Versioned

STATE_PK = "CALSYNC"
CALENDAR_ENTITY = "calendar_sync"
SETTINGS_ENTITY = "calendar_settings"
CONNECTION_ENTITY = "calendar_connection"
CONSENT_ENTITY = "calendar_consent"
APP_SECRET_NAME = "telefonist/graph/app"  # noqa: S105 - the secret's name, not a secret
_TIMES = ("subscription_expires", "last_sync")


def _tenant_prefix(tenant_id: str) -> str:
    return f"{keys.tenant_pk(tenant_id)}#"


def _sk(tenant_id: str, person_id: str) -> str:
    return keys.person_ref(tenant_id, person_id)  # TENANT#<t>#PERSON#<p>


def _settings_sk(tenant_id: str) -> str:
    return f"{_tenant_prefix(tenant_id)}SETTINGS"


def _connection_sk(tenant_id: str) -> str:
    return f"{_tenant_prefix(tenant_id)}CONNECTION"


def _consent_sk(digest: str) -> str:
    return f"CONSENT#{digest}"


def _settings(item: dict[str, Any] | None) -> Versioned[CalendarSettings]:
    if item is None:
        return Versioned(CalendarSettings(), 0)  # never stored: off, with the default rules
    try:
        return Versioned(CalendarSettings.model_validate(item["settings"]), int(item["item_version"]))
    except (ValidationError, KeyError) as exc:
        raise CorruptItemError("stored calendar settings are invalid") from exc


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
        item = {"pk": STATE_PK, "sk": _sk(calendar.tenant_id, calendar.person_id), "entity": CALENDAR_ENTITY, **values}
        try:
            self._table.put_item(Item={k: v for k, v in item.items() if v is not None})
        except ClientError as exc:
            raise translate_client_error(exc, "calendar sync state") from exc

    def by_subscription(self, subscription_id: str) -> FollowedCalendar | None:
        found = self._items(FilterExpression=Attr("subscription_id").eq(subscription_id))
        return _calendar(found[0]) if found else None

    def all(self) -> list[FollowedCalendar]:
        return [_calendar(item) for item in self._items(FilterExpression=Attr("entity").eq(CALENDAR_ENTITY))]

    def tenant(self, tenant_id: str) -> tuple[Versioned[CalendarSettings], list[FollowedCalendar]]:
        """A customer's settings (defaults at version 0) and its calendars' state: one query."""
        items = self._items(
            KeyConditionExpression=Key("pk").eq(STATE_PK) & Key("sk").begins_with(_tenant_prefix(tenant_id))
        )
        settings = next((i for i in items if i.get("entity") == SETTINGS_ENTITY), None)
        return _settings(settings), [_calendar(i) for i in items if i.get("entity") == CALENDAR_ENTITY]

    def calendar(self, tenant_id: str, person_id: str) -> FollowedCalendar | None:
        try:
            item = self._table.get_item(Key={"pk": STATE_PK, "sk": _sk(tenant_id, person_id)}).get("Item")
        except ClientError as exc:
            raise translate_client_error(exc, "calendar sync state") from exc
        return _calendar(item) if item else None

    def settings(self, tenant_id: str) -> Versioned[CalendarSettings]:
        """A customer's settings (1 GetItem; defaults, off, at version 0 until stored)."""
        try:
            item = self._table.get_item(Key={"pk": STATE_PK, "sk": _settings_sk(tenant_id)}).get("Item")
        except ClientError as exc:
            raise translate_client_error(exc, "calendar settings") from exc
        return _settings(item)

    def rules(self, tenant_id: str) -> CalendarRules | None:
        """The rules the sync applies for a customer; None while its administrator has sync off."""
        settings = self.settings(tenant_id).model
        return settings.rules if settings.enabled else None

    def put_settings(self, tenant_id: str, settings: CalendarSettings, expected_version: int) -> int:
        """Store a customer's settings at the version read (0: none stored yet); a stale one is a ConflictError."""
        condition = Attr("sk").not_exists() if expected_version == 0 else Attr("item_version").eq(expected_version)
        try:
            self._table.put_item(
                Item={
                    "pk": STATE_PK,
                    "sk": _settings_sk(tenant_id),
                    "entity": SETTINGS_ENTITY,
                    "settings": settings.model_dump(mode="json"),
                    "item_version": expected_version + 1,
                    "item_updated_at": utc_now().isoformat(),
                },
                ConditionExpression=condition,
            )
        except ClientError as exc:
            raise translate_client_error(exc, "the calendar settings", expected_version=expected_version) from exc
        return expected_version + 1

    def connection(self, tenant_id: str) -> CalendarConnection | None:
        """The customer's Microsoft 365 connection (1 GetItem), None until an administrator tried."""
        item = self._get(_connection_sk(tenant_id), "calendar connection")
        if item is None:
            return None
        consented = item.get("consented_at")
        return CalendarConnection(
            tenant_id=tenant_id,
            directory_tenant=item.get("directory_tenant"),
            consented_at=datetime.fromisoformat(str(consented)) if consented else None,
            last_error=item.get("last_error"),
        )

    def put_connection(self, connection: CalendarConnection) -> None:
        item = {
            "pk": STATE_PK,
            "sk": _connection_sk(connection.tenant_id),
            "entity": CONNECTION_ENTITY,
            "directory_tenant": connection.directory_tenant,
            "consented_at": connection.consented_at.isoformat() if connection.consented_at else None,
            "last_error": connection.last_error,
        }
        try:
            self._table.put_item(Item={k: v for k, v in item.items() if v is not None})
        except ClientError as exc:
            raise translate_client_error(exc, "calendar connection") from exc

    def put_consent(self, grant: ConsentGrant) -> None:
        try:
            self._table.put_item(Item=self._consent_item(grant))
        except ClientError as exc:
            raise translate_client_error(exc, "consent state") from exc

    def consent(self, digest: str) -> ConsentGrant | None:
        item = self._get(_consent_sk(digest), "consent state")
        if item is None:
            return None
        return ConsentGrant(
            state_digest=digest,
            tenant_id=str(item["tenant_id"]),
            admin=str(item["admin"]),
            expires_at=datetime.fromtimestamp(int(item["expires_at"]), UTC),
            used=bool(item.get("used")),
        )

    def use_consent(self, grant: ConsentGrant) -> bool:
        """Mark a consent state used, once: False if it was used (or dropped) meanwhile."""
        try:
            self._table.put_item(
                Item=self._consent_item(grant, used=True),
                ConditionExpression=Attr("sk").exists() & Attr("used").eq(False),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise translate_client_error(exc, "consent state") from exc
        return True

    @staticmethod
    def _consent_item(grant: ConsentGrant, used: bool = False) -> dict[str, Any]:
        return {
            "pk": STATE_PK,
            "sk": _consent_sk(grant.state_digest),
            "entity": CONSENT_ENTITY,
            "tenant_id": grant.tenant_id,
            "admin": grant.admin,
            "used": used,
            "expires_at": int(grant.expires_at.timestamp()),
        }

    def _get(self, sk: str, what: str) -> dict[str, Any] | None:
        try:
            item: dict[str, Any] | None = self._table.get_item(Key={"pk": STATE_PK, "sk": sk}).get("Item")
        except ClientError as exc:
            raise translate_client_error(exc, what) from exc
        return item

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


def graph_app_secret(secrets_client: Any) -> tuple[str, str]:
    """telefonist's Entra application: (client id, client secret); GraphError if missing or malformed."""
    try:
        secret = json.loads(secrets_client.get_secret_value(SecretId=APP_SECRET_NAME)["SecretString"])
        return str(secret["client_id"]), str(secret["client_secret"])
    except (ClientError, BotoCoreError, KeyError, ValueError, TypeError) as exc:
        raise GraphError(f"no usable Graph application credentials ({type(exc).__name__})") from exc


def graph_credentials(state: DynamoSyncState, app: tuple[str, str], tenant_id: str) -> GraphCredentials:
    """The shared application's credentials for the directory tenant the customer's administrator consented in."""
    connection = state.connection(tenant_id)
    if connection is None or not connection.directory_tenant:
        raise GraphError(f"{tenant_id} has not connected Microsoft 365 (no admin consent)")
    return GraphCredentials(connection.directory_tenant, *app)
