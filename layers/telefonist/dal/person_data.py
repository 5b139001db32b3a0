"""Everything stored about one person of a customer's directory: export it, erase it (issue 20).

Where a person lives (docs/data-model.md):
- customer table, `TENANT#<t>` / `PERSON#<p>` and `PERSON#<p>#REF#<r>` (their referrals); the
  sparse `by-mobile` index holds their `mobile_key` only through the person item, so it goes with it;
  others' referrals may point at them (`refer_to_person_id`), which erasure clears;
- customer table, `CALSYNC` / `TENANT#<t>#PERSON#<p>`: their followed calendar, if any;
- customer table, `EMPLOYEE#<kind>#<digest>` / `GRANT`: their sign-in links and sessions (keyed by a
  token's digest); exported as kind and expiry only (never a token or digest), deleted on erasure;
- message table, `pk` = tenant id, one item per message with `person_id` (the recipient);
- statistics table, `CALLER#<t>#<hmac>` caller history entries (`person_id`: transferred to, message
  for) and `CONTACT#<id>` contact events (`transferred_to_person`): erasure removes the person from
  them and keeps the anonymous rest (outcome, counts), so the statistics stay right.

How sign-ins, caller history entries and contact events are found without a scan: every such item carries `person_key` =
`TENANT#<t>#PERSON#<p>` (keys.person_ref), the key of a sparse global secondary index `by-person`
on both tables (resources.PERSON_INDEX). Chosen over a pointer item per reference because the
writers stay one write each (a caller history outcome is one UpdateItem, a contact event one Put in
its batch's transaction, which a pointer Put per contact would push past DynamoDB's 100 actions), an
entry re-pointed to another person or deleted (a used link, TTL) leaves the index by itself with no
stale pointer to clean, and the writers' roles need no new keys. The price: the index is eventually
consistent (typically well under a second), so the erasure reads both indexes a second time after the
person is deleted, which catches a reference written while it ran. A contact's CTR version arriving
after that (a late update, a redelivery, an archive replay) does not name them again: the statistics
consumer names a person only while their item is in the directory (telefonist.statistics.recorder,
telefonist.dal.directory_presence).

Cost (round trips): own items 1 query per MB; messages 1 query per MB of the customer's message log
(90 days); each index 1 query per MB of the person's references (erasure: twice). Erasure adds 1
batch write per 25 messages, 1 delete per sign-in link or session, 1 transaction per 100 statistics
items, the calendar's delete and the directory's transactions (1 per 99 items).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.calendar_state import STATE_PK
from telefonist.dal.calendar_state import _sk as calendar_sk
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import translate_client_error
from telefonist.dal.items import query_all
from telefonist.models.directory import Referral
from telefonist.ports.store import NotFoundError
from telefonist.resources import PERSON_INDEX

TRANSACTION_ITEMS = 100  # DynamoDB's limit of actions per TransactWriteItems
# What the export shows of a statistics item: the person's part of the call, not the caller's
# (no hash or masked number of the caller, who is someone else) nor the internal keys.
CALLER_HISTORY_FIELDS = ("contact_id", "at", "outcome", "person_id", "channel")
CONTACT_FIELDS = ("contact_id", "day", "number", "outcome", "transferred_to_person", "message_channels")
# The attributes that name the person in each statistics item, removed on erasure (with person_key).
_PERSON_ATTRIBUTES = {"CALLER#": "person_id", "CONTACT#": "transferred_to_person"}


@dataclass(frozen=True)
class Erasure:
    messages_deleted: int
    refer_to_cleared: list[Referral]
    call_records_cleared: int  # caller history entries and contact events the person was removed from
    sign_ins_deleted: int  # employee sign-in links and sessions


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
    """Reads and erases one person's items in the customer, message and statistics tables."""

    def __init__(self, repo: CustomerRepository, message_table: Any, statistics_table: Any) -> None:
        self._repo = repo
        self._customers = repo.table
        self._messages = message_table
        self._statistics = statistics_table

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

    @staticmethod
    def _referencing(table: Any, tenant_id: str, person_id: str, what: str) -> list[dict[str, Any]]:
        """The items of `table` that name the person outside their own items (the sparse index)."""
        return query_all(
            table,
            what,
            IndexName=PERSON_INDEX.name,
            KeyConditionExpression=Key(PERSON_INDEX.partition_key).eq(keys.person_ref(tenant_id, person_id)),
        )

    def sign_ins(self, tenant_id: str, person_id: str) -> list[dict[str, Any]]:
        """Their employee sign-in links and sessions (the customer table's items)."""
        return self._referencing(self._customers, tenant_id, person_id, "a person's sign-ins")

    def call_records(self, tenant_id: str, person_id: str) -> list[dict[str, Any]]:
        """Caller history entries and contact events that name them (the statistics table's items)."""
        return self._referencing(self._statistics, tenant_id, person_id, "a person's calls")

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
        calls = self.call_records(tenant_id, person_id)
        return {
            "person": clean(person),
            "referrals": [clean(i) for i in own if i["sk"] != person_sk],
            "messages": [clean(i) for i in self.messages(tenant_id, person_id)],
            "calendar": clean(calendar) if calendar else None,
            "referred_to_by": pointing,
            "caller_history": _shown(calls, "CALLER#", CALLER_HISTORY_FIELDS, "at"),
            "contacts": _shown(calls, "CONTACT#", CONTACT_FIELDS, "day"),
            "sign_ins": sorted(
                (
                    {
                        "kind": str(i.get("entity", "")).removeprefix("employee_"),
                        "expires_at": datetime.fromtimestamp(int(i["expires_at"]), UTC).isoformat(),
                    }
                    for i in self.sign_ins(tenant_id, person_id)
                ),
                key=lambda grant: grant["expires_at"],
            ),
        }

    def erase(self, tenant_id: str, person_id: str) -> Erasure:
        """Delete the person, their referrals, messages, calendar, sign-in links and sessions; remove
        them from caller history and contact events; clear others' refer-to.

        Everything else goes first, the person last, so a failure midway leaves the person to erase again.
        The indexes are read again after the person is gone: a reference written while the erasure
        ran (or still on its way into the eventually consistent index) is removed too.
        """
        if not any(i["sk"] == keys.person_sk(person_id) for i in self.own_items(tenant_id, person_id)):
            raise NotFoundError(f"person {person_id} not found")
        messages = self.messages(tenant_id, person_id)
        try:
            with self._messages.batch_writer() as batch:  # BatchWriteItem, 25 a round trip
                for item in messages:
                    batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
            sign_ins, cleared = self._erase_references(tenant_id, person_id)
            self._customers.delete_item(Key={"pk": STATE_PK, "sk": calendar_sk(tenant_id, person_id)})
        except ClientError as exc:
            raise translate_client_error(exc, "a person's data") from exc
        pointers = self._repo.delete_person(tenant_id, person_id)
        try:
            late_sign_ins, late_cleared = self._erase_references(tenant_id, person_id)
        except ClientError as exc:
            raise translate_client_error(exc, "a person's data") from exc
        return Erasure(len(messages), pointers, cleared + late_cleared, sign_ins + late_sign_ins)

    def _erase_references(self, tenant_id: str, person_id: str) -> tuple[int, int]:
        """Delete their sign-ins, remove them from call records: (sign-ins deleted, call records cleared)."""
        sign_ins = self.sign_ins(tenant_id, person_id)
        for item in sign_ins:  # a few (3 links per 15 minutes): DeleteItem keeps the role from writing
            self._customers.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
        cleared = self._clear_calls(self.call_records(tenant_id, person_id), keys.person_ref(tenant_id, person_id))
        return len(sign_ins), cleared

    def _clear_calls(self, items: list[dict[str, Any]], person_key: str) -> int:
        """Remove the person's attributes from statistics items, TRANSACTION_ITEMS a round trip, each
        on condition that it still names them; a group that lost a race to a writer goes one by one."""
        cleared = 0
        for group in _chunks(items, TRANSACTION_ITEMS):
            updates = [_unname(self._statistics.name, item, person_key) for item in group]
            try:
                self._statistics.meta.client.transact_write_items(TransactItems=[{"Update": u} for u in updates])
                cleared += len(updates)
                continue
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
            for update in updates:
                try:
                    self._statistics.meta.client.update_item(**update)
                    cleared += 1
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                        raise
        return cleared


def _shown(items: list[dict[str, Any]], prefix: str, fields: tuple[str, ...], order: str) -> list[dict[str, Any]]:
    """The export's view of the statistics items under `prefix`: the fields named (a contact event's
    id is its key's), oldest first."""
    shown = [
        {f: _plain(i[f]) for f in fields if f in i} | _contact_id_of_key(i)
        for i in items
        if str(i["pk"]).startswith(prefix)
    ]
    return sorted(shown, key=lambda i: str(i.get(order, "")))


def _contact_id_of_key(item: dict[str, Any]) -> dict[str, str]:
    """A contact event's id, which only its key holds (`CONTACT#<id>`); nothing for other items."""
    pk = str(item["pk"])
    return {"contact_id": pk.removeprefix("CONTACT#")} if pk.startswith("CONTACT#") else {}


def _unname(table_name: str, item: dict[str, Any], person_key: str) -> dict[str, Any]:
    """An Update (the resource client's plain values) removing the person from a statistics item."""
    attribute = next(a for p, a in _PERSON_ATTRIBUTES.items() if str(item["pk"]).startswith(p))
    return {
        "TableName": table_name,
        "Key": {"pk": item["pk"], "sk": item["sk"]},
        "UpdateExpression": "REMOVE #a, #k",
        "ConditionExpression": "#k = :k",
        "ExpressionAttributeNames": {"#a": attribute, "#k": PERSON_INDEX.partition_key},
        "ExpressionAttributeValues": {":k": person_key},
    }


def _chunks(items: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
