"""The message log (MessageTable): one item per message, written before it is sent.

Keys: `pk` = tenant id, `sk` = message id (a ULID: sorts by time, so a query reads newest first
with ScanIndexForward=False). `expires_at` (epoch seconds) lets DynamoDB's TTL drop old messages.
Every method is one round trip and raises the domain errors of dal/errors.py, never ClientError.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from pydantic import ValidationError

from telefonist.dal.errors import ConflictError, CorruptItemError, NotFoundError, RepositoryError
from telefonist.notify.models import Channel, Message, MessageStatus

RETENTION = timedelta(days=90)
_KEY_FIELDS = ("pk", "sk", "expires_at")


class MessageRepository:
    """Implements notify's MessageLog port on DynamoDB."""

    def __init__(self, table: Any, retention: timedelta = RETENTION) -> None:
        self._table = table
        self._retention = retention

    @staticmethod
    def _key(tenant_id: str, message_id: str) -> dict[str, str]:
        return {"pk": tenant_id, "sk": message_id}

    @staticmethod
    def _error(exc: ClientError, what: str) -> RepositoryError:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            return NotFoundError(f"{what} not found") if what.startswith("update") else ConflictError(f"{what} exists")
        return RepositoryError(f"message log error ({code or 'unknown'}) on {what}")

    def create(self, message: Message) -> None:
        """Store a new message (fails with ConflictError if the id exists)."""
        item = message.model_dump(mode="json", exclude_none=True)
        item.update(self._key(message.tenant_id, message.message_id))
        item["expires_at"] = int((message.created_at + self._retention).timestamp())
        try:
            self._table.put_item(Item=item, ConditionExpression=Attr("pk").not_exists())
        except ClientError as exc:
            raise self._error(exc, f"message {message.message_id}") from exc

    def get(self, tenant_id: str, message_id: str) -> Message | None:
        """The message, or None when it is not (or no longer) in the log."""
        try:
            item = self._table.get_item(Key=self._key(tenant_id, message_id), ConsistentRead=True).get("Item")
        except ClientError as exc:
            raise self._error(exc, f"message {message_id}") from exc
        return None if item is None else self._parse(item)

    def list_recent(self, tenant_id: str, limit: int = 50) -> list[Message]:
        """A customer's newest messages first (1 round trip)."""
        try:
            page = self._table.query(
                KeyConditionExpression=Key("pk").eq(tenant_id), ScanIndexForward=False, Limit=limit
            )
        except ClientError as exc:
            raise self._error(exc, f"messages of {tenant_id}") from exc
        return [self._parse(item) for item in page.get("Items", [])]

    def _update(self, tenant_id: str, message_id: str, expression: str, values: dict[str, Any], **extra: Any) -> Any:
        try:
            return self._table.update_item(
                Key=self._key(tenant_id, message_id),
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
                ConditionExpression=Attr("pk").exists(),
                **extra,
            )
        except ClientError as exc:
            raise self._error(exc, f"update of message {message_id}") from exc

    def start_attempt(self, tenant_id: str, message_id: str, now: datetime) -> int:
        """Count one more sending attempt; returns the count."""
        response = self._update(
            tenant_id,
            message_id,
            "ADD attempts :one SET updated_at = :now",
            {":one": 1, ":now": now.isoformat()},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["attempts"])

    def mark_delivered(
        self, tenant_id: str, message_id: str, channel: Channel, provider_message_id: str, now: datetime
    ) -> None:
        """Record one channel as sent, with the provider's message id."""
        self._update(
            tenant_id,
            message_id,
            "SET deliveries.#c.#s = :sent, deliveries.#c.provider_message_id = :pid, "
            "deliveries.#c.sent_at = :now, updated_at = :now",
            {":sent": MessageStatus.SENT.value, ":pid": provider_message_id, ":now": now.isoformat()},
            ExpressionAttributeNames={"#c": channel.value, "#s": "status"},
        )

    def finish(self, tenant_id: str, message_id: str, status: MessageStatus, error: str | None, now: datetime) -> None:
        """Set the final status (sent or failed) and the last error."""
        expression = "SET #s = :status, updated_at = :now" + (", last_error = :error" if error else "")
        values: dict[str, Any] = {":status": status.value, ":now": now.isoformat()}
        if error:
            values[":error"] = error
        self._update(tenant_id, message_id, expression, values, ExpressionAttributeNames={"#s": "status"})

    def note_error(self, tenant_id: str, message_id: str, error: str, now: datetime) -> None:
        """Keep the last error of an attempt the queue will retry."""
        self._update(
            tenant_id,
            message_id,
            "SET last_error = :error, updated_at = :now",
            {":error": error, ":now": now.isoformat()},
        )

    @staticmethod
    def _parse(item: dict[str, Any]) -> Message:
        body = {k: v for k, v in item.items() if k not in _KEY_FIELDS}  # numbers arrive as Decimal: pydantic takes them
        try:
            return Message.model_validate(body)
        except ValidationError as exc:
            raise CorruptItemError(f"stored message is invalid: {exc.error_count()} error(s)") from exc
