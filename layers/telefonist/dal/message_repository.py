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

from telefonist.notify.models import Channel, ChannelStatus, FinalStatus, Message, MessageStatus
from telefonist.ports.store import ConflictError, CorruptItemError, NotFoundError, RepositoryError
from telefonist.retention import DEFAULT

RETENTION = timedelta(days=DEFAULT.messages_days)  # telefonist.retention, SECURITY.md
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

    # A channel's attempts: items written before channels counted them have none yet.
    _COUNT_CHANNEL_ATTEMPT = "deliveries.#c.attempts = if_not_exists(deliveries.#c.attempts, :zero) + :one"

    def mark_delivered(
        self, tenant_id: str, message_id: str, channel: Channel, provider_message_id: str, now: datetime
    ) -> None:
        """Record one channel as sent, with the provider's message id and one more attempt."""
        self._update(
            tenant_id,
            message_id,
            "SET deliveries.#c.#s = :sent, deliveries.#c.provider_message_id = :pid, "
            f"deliveries.#c.sent_at = :now, {self._COUNT_CHANNEL_ATTEMPT}, updated_at = :now "
            "REMOVE deliveries.#c.last_error",
            {
                ":sent": ChannelStatus.SENT.value,
                ":pid": provider_message_id,
                ":now": now.isoformat(),
                ":zero": 0,
                ":one": 1,
            },
            ExpressionAttributeNames={"#c": channel.value, "#s": "status"},
        )

    def mark_failed(
        self, tenant_id: str, message_id: str, channel: Channel, error: str, final: bool, now: datetime
    ) -> None:
        """Record one channel's failed attempt: its error, one more attempt; failed if final, else queued."""
        status = ChannelStatus.FAILED if final else ChannelStatus.QUEUED
        self._update(
            tenant_id,
            message_id,
            f"SET deliveries.#c.#s = :status, deliveries.#c.last_error = :error, {self._COUNT_CHANNEL_ATTEMPT}, "
            "updated_at = :now",
            {":status": status.value, ":error": error, ":now": now.isoformat(), ":zero": 0, ":one": 1},
            ExpressionAttributeNames={"#c": channel.value, "#s": "status"},
        )

    def finish(self, tenant_id: str, message_id: str, final: FinalStatus) -> Message:
        """Set the final status and the last error; the channels given up become failed too.

        Returns the message as stored after the change (the update's own answer: no second read)."""
        sets = ["#s = :status", "updated_at = :now"]
        values: dict[str, Any] = {":status": final.status.value, ":now": final.at.isoformat()}
        names = {"#s": "status"}
        if final.error:
            sets.append("last_error = :error")
            values[":error"] = final.error
        for number, channel in enumerate(final.give_up):
            sets.append(f"deliveries.#c{number}.#s = :failed")
            names[f"#c{number}"] = channel.value
            values[":failed"] = ChannelStatus.FAILED.value
        response = self._update(
            tenant_id,
            message_id,
            "SET " + ", ".join(sets),
            values,
            ExpressionAttributeNames=names,
            ReturnValues="ALL_NEW",
        )
        return self._parse(response["Attributes"])

    def note_error(self, tenant_id: str, message_id: str, error: str, now: datetime) -> None:
        """Keep the last error of an attempt the queue will retry; the message is queued (in flight) again."""
        self._update(
            tenant_id,
            message_id,
            "SET #s = :queued, last_error = :error, updated_at = :now",
            {":queued": MessageStatus.QUEUED.value, ":error": error, ":now": now.isoformat()},
            ExpressionAttributeNames={"#s": "status"},
        )

    @staticmethod
    def _parse(item: dict[str, Any]) -> Message:
        body = {k: v for k, v in item.items() if k not in _KEY_FIELDS}  # numbers arrive as Decimal: pydantic takes them
        try:
            return Message.model_validate(body)
        except ValidationError as exc:
            raise CorruptItemError(f"stored message is invalid: {exc.error_count()} error(s)") from exc
