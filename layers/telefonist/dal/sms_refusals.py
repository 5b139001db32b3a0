"""The audit of SMS commands from numbers that are no one's registered mobile (outside any tenant).

Items `SMS#REFUSED` / `AUDIT#<at>#<id>` in the customer table: the sender only as a digest
prefix, never the number or the text.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.errors import translate_client_error
from telefonist.dal.items import parse_item
from telefonist.models.audit import AuditEntry

REFUSED_SMS_PK = "SMS#REFUSED"


class SmsRefusalLog:
    def __init__(self, table: Any) -> None:
        self._table = table

    def refused_sender(self, entry: AuditEntry) -> None:
        item = {
            **entry.model_dump(mode="json"),
            "pk": REFUSED_SMS_PK,
            "sk": keys.audit_sk(entry.at.isoformat(), entry.entry_id),
            "entity": "audit",
        }
        try:
            self._table.put_item(Item=item)
        except ClientError as exc:
            raise translate_client_error(exc, "refused SMS audit") from exc

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        """The newest refusals first."""
        try:
            items = self._table.query(
                KeyConditionExpression=Key("pk").eq(REFUSED_SMS_PK), ScanIndexForward=False, Limit=limit
            ).get("Items", [])
        except ClientError as exc:
            raise translate_client_error(exc, "refused SMS audit") from exc
        return [parse_item(AuditEntry, item, "audit entry").model for item in items]
