"""Sign-in links and sessions of employees' own status page, in the customer table.

Items `EMPLOYEE#<kind>#<sha256 of the token>` / `GRANT`: the token itself is never stored. An
expired item is refused by the reader and removed by the table's TTL (`expires_at`, epoch seconds).
A link or session also carries `person_key` (keys.person_ref): the sparse `by-person` index finds a
person's links and sessions for their export (kind and expiry only) and erasure (deleted).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from telefonist.dal.audit_repository import AuditRepository
from telefonist.dal.directory_repository import DirectoryRepository
from telefonist.dal.errors import translate_client_error
from telefonist.dal.keys import person_ref
from telefonist.referral_automation.sign_in import Grant
from telefonist.resources import PERSON_INDEX

GRANT_SK = "GRANT"
PREFIX = "EMPLOYEE#"


def _key(kind: str, token_digest: str) -> dict[str, str]:
    return {"pk": f"{PREFIX}{kind}#{token_digest}", "sk": GRANT_SK}


def _grant(item: dict[str, Any] | None) -> Grant | None:
    if not item:
        return None
    expires = datetime.fromtimestamp(int(item["expires_at"]), UTC)
    return Grant(str(item["tenant_id"]), str(item["person_id"]), expires)


class DynamoAccessStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def put_grant(self, kind: str, token_digest: str, grant: Grant) -> None:
        item = {
            **_key(kind, token_digest),
            "entity": f"employee_{kind}",
            "tenant_id": grant.tenant_id,
            "person_id": grant.person_id,
            PERSON_INDEX.partition_key: person_ref(grant.tenant_id, grant.person_id),
            "expires_at": int(grant.expires_at.timestamp()),
        }
        try:
            self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            raise translate_client_error(exc, f"employee {kind}") from exc

    def take_grant(self, kind: str, token_digest: str) -> Grant | None:
        try:
            old = self._table.delete_item(Key=_key(kind, token_digest), ReturnValues="ALL_OLD").get("Attributes")
        except ClientError as exc:
            raise translate_client_error(exc, f"employee {kind}") from exc
        return _grant(old)

    def take_quota(self, key: str, limit: int, window_ends: datetime) -> bool:
        try:
            self._table.update_item(
                Key={"pk": f"{PREFIX}quota#{key}", "sk": GRANT_SK},
                UpdateExpression="ADD uses :one SET expires_at = :e, entity = :k",
                ConditionExpression="attribute_not_exists(uses) OR uses < :limit",
                ExpressionAttributeValues={
                    ":one": 1,
                    ":limit": limit,
                    ":e": int(window_ends.timestamp()),
                    ":k": "employee_quota",
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise translate_client_error(exc, "employee quota") from exc
        return True

    def get_grant(self, kind: str, token_digest: str) -> Grant | None:
        try:
            item = self._table.get_item(Key=_key(kind, token_digest), ConsistentRead=True).get("Item")
        except ClientError as exc:
            raise translate_client_error(exc, f"employee {kind}") from exc
        return _grant(item)


class EmployeeDirectory(DirectoryRepository, AuditRepository):
    """What an employee's sign-in reads of the customer table: people by registered mobile (and the
    audit trail of `MobileDirectory`), without the table's other repositories (the configuration's
    models: ~0.015 s of a cold start; the self-service use case builds its CustomerRepository when used)."""
