"""Caller history items in the statistics table, and the per-tenant keys that hash callers' numbers.

Items (pk, sk), both with `expires_at` (the table's TTL attribute, 30 days after the contact):
- `CALLER#<tenant>#<hmac>`, `<at ISO>#<contact_id>`: one earlier contact: `at`, `outcome`,
  `person_id`, `channel`. One Query per lookup, newest first. An entry naming a person also carries
  `person_key` (keys.person_ref), so the sparse `by-person` index finds it for that person's export
  and erasure (telefonist.dal.person_data), which removes `person_id` and `person_key` only.
- `CALLCONTACT#<contact_id>`, `HISTORY` (written with the entry, one transaction): where that
  contact's entry is (`tenant_id`, `entry_pk`, `entry_sk`), so the transfer and message routes
  record an outcome by ContactId alone.

No item holds the caller's number; the hash is keyed per tenant by a key derived with KMS
`GenerateMac` from one HMAC key (the derived keys live in memory only, one KMS call per tenant per
cold start), so a hash means nothing without KMS and does not link one customer's callers to another's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from telefonist.caller_history import (
    CallerHistory,
    HistoryEntry,
    Outcome,
    caller_hash,
    derivation_message,
    expires_at,
)
from telefonist.dal.keys import person_ref
from telefonist.ports.store import RepositoryError
from telefonist.resources import PERSON_INDEX

POINTER_SK = "HISTORY"
MAX_ENTRIES = 50  # a month of one caller's contacts with one customer, shown newest first


class TenantKeys(Protocol):
    def key_for(self, tenant_id: str) -> bytes: ...


class KmsTenantKeys:
    """Per-tenant HMAC keys derived from one KMS HMAC_SHA_256 key (`GenerateMac`), cached in memory."""

    def __init__(self, kms: Any, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id
        self._keys: dict[str, bytes] = {}

    def key_for(self, tenant_id: str) -> bytes:
        if tenant_id not in self._keys:
            try:
                response = self._kms.generate_mac(
                    KeyId=self._key_id, MacAlgorithm="HMAC_SHA_256", Message=derivation_message(tenant_id)
                )
            except ClientError as exc:
                raise RepositoryError("the caller-history key is unavailable") from exc
            self._keys[tenant_id] = bytes(response["Mac"])
        return self._keys[tenant_id]


def pointer_key(contact_id: str) -> dict[str, str]:
    return {"pk": f"CALLCONTACT#{contact_id}", "sk": POINTER_SK}


class CallerHistoryRepository:
    def __init__(self, table: Any, keys: TenantKeys) -> None:
        self._table = table
        self._keys = keys

    def look_up_and_record(self, tenant_id: str, contact_id: str, caller_number: str, now: datetime) -> CallerHistory:
        """The caller's unexpired earlier contacts with this tenant; this contact is recorded as answered
        (once: a second lookup of the same contact, a page reload, keeps its entry and outcome)."""
        entry_pk = f"CALLER#{tenant_id}#{caller_hash(self._keys.key_for(tenant_id), caller_number)}"
        try:
            response = self._table.query(
                KeyConditionExpression=Key("pk").eq(entry_pk),
                ScanIndexForward=False,
                Limit=MAX_ENTRIES + 1,
            )
            items = response.get("Items", [])
            if not any(item.get("contact_id") == contact_id for item in items):
                self._record_arrival(tenant_id, contact_id, entry_pk, now)
        except ClientError as exc:
            raise RepositoryError("caller history is unavailable") from exc
        now_epoch = int(now.timestamp())
        entries = [
            _entry(item)
            for item in items
            if int(item.get("expires_at", 0)) > now_epoch and item.get("contact_id") != contact_id
        ]
        return CallerHistory(items=entries[:MAX_ENTRIES])

    def _record_arrival(self, tenant_id: str, contact_id: str, entry_pk: str, now: datetime) -> None:
        """The pointer and the entry in one transaction (one round trip, never one without the other).
        The table's resource client takes plain values (boto3 serialises them)."""
        entry_sk = f"{now.isoformat()}#{contact_id}"
        ttl = expires_at(now)
        pointer = {**pointer_key(contact_id), "tenant_id": tenant_id, "entry_pk": entry_pk, "entry_sk": entry_sk}
        entry = {"pk": entry_pk, "sk": entry_sk, "contact_id": contact_id, "at": now.isoformat()}
        entry["outcome"] = Outcome.ANSWERED.value
        try:
            self._table.meta.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": {**pointer, "expires_at": ttl},
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {"Put": {"TableName": self._table.name, "Item": {**entry, "expires_at": ttl}}},
                ]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons", [])
                if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                    return  # recorded already (another tab, a retry)
            raise

    def record_outcome(
        self, tenant_id: str, contact_id: str, outcome: Outcome, person_id: str, channel: str | None = None
    ) -> bool:
        """Set the outcome of a contact whose history the workspace opened; False if it has none
        (history not looked up, another tenant's contact, or expired)."""
        try:
            pointer = self._table.get_item(Key=pointer_key(contact_id)).get("Item")
            if not pointer or pointer.get("tenant_id") != tenant_id:
                return False
            names = {"#o": "outcome", "#p": "person_id", "#k": PERSON_INDEX.partition_key, "#c": "channel"}
            values: dict[str, Any] = {":o": outcome.value, ":p": person_id, ":k": person_ref(tenant_id, person_id)}
            update = "SET #o = :o, #p = :p, #k = :k"
            if channel:
                update += ", #c = :c"
                values[":c"] = channel
            else:
                update += " REMOVE #c"
            self._table.update_item(
                Key={"pk": pointer["entry_pk"], "sk": pointer["entry_sk"]},
                UpdateExpression=update,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise RepositoryError("caller history is unavailable") from exc
        return True


def _entry(item: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        at=datetime.fromisoformat(str(item["at"])),
        contact_id=str(item["contact_id"]),
        outcome=Outcome(str(item["outcome"])),
        person_id=item.get("person_id"),
        channel=item.get("channel"),
    )
