"""Everything stored about one person of a customer's directory: export it, erase it (issue 20).

Where a person lives (docs/data-model.md):
- customer table, `TENANT#<t>` / `PERSON#<p>` and `PERSON#<p>#REF#<r>` (their referrals); the
  sparse `by-mobile` index holds their `mobile_key` only through the person item, so it goes with it;
  others' referrals may point at them (`refer_to_person_id`), which erasure clears;
- customer table, `CALSYNC` / `TENANT#<t>#PERSON#<p>`: their followed calendar, if any;
- message table, `pk` = tenant id, one item per message with `person_id` (the recipient).
Employees' sign-in links and sessions (`EMPLOYEE#…`) are keyed by a token digest and cannot be found
by person without a scan; they expire by TTL within 12 hours and a session of an erased person can
change nothing (its person no longer exists).

Cost: 1 query per MB of the person's own items, 1 query per MB of the customer's message log
(90 days), and for erasure 1 batch write per 25 messages plus the directory's transactions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.calendar_state import STATE_PK
from telefonist.dal.calendar_state import _sk as calendar_sk
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import NotFoundError, translate_client_error
from telefonist.dal.items import query_all


def _plain(value: Any) -> Any:
    """A DynamoDB value as JSON: Decimal → int or float, sets → sorted lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


class PersonDataStore:
    """Reads and erases one person's items in the customer and message tables."""

    def __init__(self, repo: CustomerRepository, message_table: Any) -> None:
        self._repo = repo
        self._customers = repo.table
        self._messages = message_table

    def own_items(self, tenant_id: str, person_id: str) -> list[dict[str, Any]]:
        """The person item and their referrals (1 query per MB)."""
        low, high = keys.person_range(person_id)
        return query_all(
            self._customers,
            "a person's items",
            KeyConditionExpression=Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").between(low, high),
            ConsistentRead=True,
        )

    def messages(self, tenant_id: str, person_id: str) -> list[dict[str, Any]]:
        """Every message to the person still in the log (the customer's log, filtered by recipient)."""
        return query_all(
            self._messages,
            "a person's messages",
            KeyConditionExpression=Key("pk").eq(tenant_id),
            FilterExpression=Attr("person_id").eq(person_id),
            ConsistentRead=True,
        )

    def calendar(self, tenant_id: str, person_id: str) -> dict[str, Any] | None:
        try:
            item = self._customers.get_item(
                Key={"pk": STATE_PK, "sk": calendar_sk(tenant_id, person_id)}, ConsistentRead=True
            ).get("Item")
        except ClientError as exc:
            raise translate_client_error(exc, "a person's calendar") from exc
        return dict(item) if item else None

    def export(self, tenant_id: str, person_id: str) -> dict[str, Any]:
        """Every item about the person, as JSON values."""
        own = self.own_items(tenant_id, person_id)
        person_sk = keys.person_sk(person_id)
        person = next((i for i in own if i["sk"] == person_sk), None)
        if person is None:
            raise NotFoundError(f"person {person_id} not found")
        directory = self._repo.load_directory(tenant_id)
        pointing = [
            {"person_id": r.person_id, "referral_id": r.referral_id}
            for r in directory.referrals
            if r.refer_to_person_id == person_id and r.person_id != person_id
        ]

        def clean(item: dict[str, Any]) -> dict[str, Any]:
            return {k: _plain(v) for k, v in item.items()}

        calendar = self.calendar(tenant_id, person_id)
        return {
            "person": clean(person),
            "referrals": [clean(i) for i in own if i["sk"] != person_sk],
            "messages": [clean(i) for i in self.messages(tenant_id, person_id)],
            "calendar": clean(calendar) if calendar else None,
            "referred_to_by": pointing,
        }

    def erase(self, tenant_id: str, person_id: str) -> tuple[int, list[Any]]:
        """Delete the person, their referrals, messages and calendar; clear others' refer-to.

        Returns (messages deleted, others' referrals whose refer-to was cleared). Messages and the
        calendar go first, the person last, so a failure midway leaves the person to erase again.
        """
        if not any(i["sk"] == keys.person_sk(person_id) for i in self.own_items(tenant_id, person_id)):
            raise NotFoundError(f"person {person_id} not found")
        messages = self.messages(tenant_id, person_id)
        try:
            with self._messages.batch_writer() as batch:
                for item in messages:
                    batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
            self._customers.delete_item(Key={"pk": STATE_PK, "sk": calendar_sk(tenant_id, person_id)})
        except ClientError as exc:
            raise translate_client_error(exc, "a person's data") from exc
        cleared = self._repo.delete_person(tenant_id, person_id)
        return len(messages), cleared
