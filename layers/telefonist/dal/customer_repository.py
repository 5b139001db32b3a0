"""The customer table: tenants, common numbers, offices, routes, the directory and price lists.

Every access pattern of docs/data-model.md is one method here, with its round trips stated.
Items are the models' JSON dumps plus keys and a `version` for optimistic concurrency.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from telefonist.clock import utc_now
from telefonist.dal import keys
from telefonist.dal.errors import (
    ConflictError,
    InvalidWriteError,
    NotFoundError,
    RepositoryError,
    stale_version_message,
    translate_client_error,
)
from telefonist.dal.items import ModelT, parse_item
from telefonist.dal.route_reader import RouteReader
from telefonist.dal.secrets import SecretCodec
from telefonist.models import (
    CommonNumber,
    Directory,
    Office,
    Person,
    PriceBook,
    PriceList,
    Referral,
    Route,
    Tenant,
)
from telefonist.models.audit import AuditEntry
from telefonist.models.customer_entry import CustomerEntry, CustomerNumber
from telefonist.models.route import MAX_OFFICE_SUMMARY_CHARS
from telefonist.models.status import TenantStatus
from telefonist.observability import logger, mask_phone_number
from telefonist.ports.store import Page, Versioned

if TYPE_CHECKING:
    from telefonist.directory.stored import DirectoryDelta

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems limit


@dataclass(frozen=True)
class TenantConfiguration:
    """A tenant's profile, common numbers and offices, as read in one query."""

    tenant: Versioned[Tenant]
    common_numbers: list[Versioned[CommonNumber]]
    offices: list[Versioned[Office]]


@dataclass
class _Snapshot:
    """A tenant's configuration items as stored (raw), read in one query."""

    profile: dict[str, Any] | None
    common_numbers: dict[str, dict[str, Any]]
    offices: dict[str, dict[str, Any]]

    def stored(self, kind: str, item_id: str) -> dict[str, Any] | None:
        if kind == "tenant":
            return self.profile
        if kind == "common_number":
            return self.common_numbers.get(item_id)
        if kind == "office":
            return self.offices.get(item_id)
        return None

    @staticmethod
    def sort_key(kind: str, item_id: str) -> str:
        if kind == "common_number":
            return keys.common_number_sk(item_id)
        if kind == "office":
            return keys.office_sk(item_id)
        return keys.PROFILE_SK


@dataclass(frozen=True)
class _Change:
    """One configuration change: put (`body`) or delete (`body` None) of the profile, a common number or an office."""

    kind: Literal["tenant", "common_number", "office", "none"]
    item_id: str
    what: str  # the item in the client's words: "the office hq"
    body: dict[str, Any] | None
    expected_version: int | None


@dataclass(frozen=True)
class _Plan:
    items: list[dict[str, Any]]
    roles: list[tuple[str, int]]  # per transaction item: what it is (change, guard, claim, release, route), index
    version: int
    routes: list[Route]
    unrouted: list[str]
    tenant: Tenant


class CustomerRepository:
    """Data access for everything a customer maintains; raises domain errors, never ClientError."""

    def __init__(
        self,
        table: Any,
        secrets: SecretCodec | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._table = table
        # The resource's client serialises native Python values itself (boto3's transformation).
        self._client = table.meta.client
        self._secrets = secrets
        self._clock = clock

    @property
    def table(self) -> Any:
        """The customer table (for the repositories of the other items it holds: message templates)."""
        return self._table

    # ---------------------------------------------------------------- generic item helpers
    def _put(self, pk: str, sk: str, entity: str, body: dict[str, Any], expected_version: int | None) -> int:
        """Put an item; expected_version None writes blind, 0 requires absence, n requires version n."""
        new_version, condition = self._version_condition(expected_version)
        item = {**body, "pk": pk, "sk": sk, "entity": entity, "item_version": new_version}
        item["item_updated_at"] = self._clock().isoformat()
        kwargs: dict[str, Any] = {"Item": item}
        if condition is not None:
            kwargs["ConditionExpression"] = condition
        try:
            if expected_version is None:
                current = self._table.put_item(**kwargs, ReturnValues="ALL_OLD").get("Attributes") or {}
                if current:
                    new_version = int(current.get("item_version", 0)) + 1
                    self._table.update_item(
                        Key={"pk": pk, "sk": sk},
                        UpdateExpression="SET item_version = :v",
                        ExpressionAttributeValues={":v": new_version},
                    )
            else:
                self._table.put_item(**kwargs)
        except ClientError as exc:
            raise self._translate(exc, f"{entity} {sk}") from exc
        return new_version

    @staticmethod
    def _version_condition(expected_version: int | None) -> tuple[int, Any]:
        if expected_version is None:
            return 1, None
        if expected_version == 0:
            return 1, Attr("pk").not_exists()
        return expected_version + 1, Attr("item_version").eq(expected_version)

    def _get(self, pk: str, sk: str, what: str) -> dict[str, Any]:
        try:
            item = self._table.get_item(Key={"pk": pk, "sk": sk}).get("Item")
        except ClientError as exc:
            raise self._translate(exc, what) from exc
        if item is None:
            raise NotFoundError(f"{what} not found")
        return dict(item)

    def _delete(self, pk: str, sk: str, what: str) -> None:
        try:
            self._table.delete_item(Key={"pk": pk, "sk": sk}, ConditionExpression=Attr("pk").exists())
        except ClientError as exc:
            raise self._translate(exc, what, missing_is_not_found=True) from exc

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item of a query, following pages (one round trip per 1 MB page)."""
        while True:
            try:
                page = self._table.query(**kwargs)
            except ClientError as exc:
                raise self._translate(exc, "query") from exc
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    _translate = staticmethod(translate_client_error)
    _parse = staticmethod(parse_item)

    # ---------------------------------------------------------------- configuration and its routing copy
    # A tenant's profile, common numbers and offices change together with the routing records
    # built from them, in ONE transaction (all or nothing), together with:
    # - a guard on the profile (`config_version`, bumped by every configuration write), so that two
    #   concurrent changes never build routes from each other's stale snapshot;
    # - the ownership item `NUMBER#<e164>` / `OWNER` of every number the change claims or releases:
    #   written `attribute_not_exists(pk) OR tenant_id = :t`, so a number belongs to one tenant;
    # - every route written on the same condition.
    # One transaction holds at most 100 items: the change, the guard and a route per claimed number
    # (at most MAX_CLAIMED_NUMBERS), plus the owner and route items of the numbers that change.

    def put_tenant(self, tenant: Tenant, expected_version: int | None = None) -> int:
        """Create or replace a tenant's profile, claim/release its numbers and rebuild its routes (1 transaction)."""
        what = f"the tenant {tenant.tenant_id}"
        change = _Change("tenant", tenant.tenant_id, what, tenant.model_dump(mode="json"), expected_version)
        return self._change_configuration(tenant.tenant_id, change)

    def get_tenant(self, tenant_id: str) -> Versioned[Tenant]:
        """A tenant's profile (1 round trip)."""
        item = self._get(keys.tenant_pk(tenant_id), keys.PROFILE_SK, f"the tenant {tenant_id}")
        return self._parse(Tenant, item, "tenant")

    def put_common_number(self, tenant_id: str, common: CommonNumber, expected_version: int | None = None) -> int:
        """Create or replace a common number and the routes of its numbers (1 transaction)."""
        what = f"the common number {common.common_number_id}"
        body = common.model_dump(mode="json")
        change = _Change("common_number", common.common_number_id, what, body, expected_version)
        return self._change_configuration(tenant_id, change)

    def get_common_number(self, tenant_id: str, common_number_id: str) -> Versioned[CommonNumber]:
        item = self._get(
            keys.tenant_pk(tenant_id),
            keys.common_number_sk(common_number_id),
            f"the common number {common_number_id}",
        )
        return self._parse(CommonNumber, item, "common number")

    def delete_common_number(self, tenant_id: str, common_number_id: str) -> None:
        """Delete a common number; ConflictError while a claimed phone number is routed to it."""
        change = _Change("common_number", common_number_id, f"the common number {common_number_id}", None, None)
        self._change_configuration(tenant_id, change)

    def put_office(
        self, tenant_id: str, office: Office, expected_version: int | None = None, keep_door_codes: bool = False
    ) -> int:
        """Create or replace an office and the routes' office summary (1 transaction).

        Door codes are encrypted with KMS, bound to the tenant; `keep_door_codes` keeps the stored
        (encrypted) codes instead of the office's own.
        """
        body = office.model_dump(mode="json", exclude={"door_codes"})
        body["door_codes"] = [
            {"label": code.label, "code": self._seal(code.code.get_secret_value(), tenant_id)}
            for code in office.door_codes
        ]
        change = _Change("office", office.office_id, f"the office {office.office_id}", body, expected_version)
        return self._change_configuration(tenant_id, change, keep_door_codes=keep_door_codes)

    def get_office(self, tenant_id: str, office_id: str, reveal_door_codes: bool = False) -> Versioned[Office]:
        """An office; door codes are decrypted only when asked (operators, the tenant's admins)."""
        item = self._get(keys.tenant_pk(tenant_id), keys.office_sk(office_id), f"the office {office_id}")
        return self._office_from_item(tenant_id, item, reveal_door_codes)

    def delete_office(self, tenant_id: str, office_id: str) -> None:
        """Delete an office and take it out of the routes' office summary (1 transaction)."""
        self._change_configuration(tenant_id, _Change("office", office_id, f"the office {office_id}", None, None))

    def _office_from_item(self, tenant_id: str, item: dict[str, Any], reveal: bool) -> Versioned[Office]:
        item = dict(item)
        item["door_codes"] = [
            {"label": c["label"], "code": self._unseal(c["code"], tenant_id) if reveal else "(hidden)"}
            for c in item.get("door_codes", [])
        ]
        return self._parse(Office, item, "office")

    def _seal(self, plaintext: str, tenant_id: str) -> str:
        if self._secrets is None:
            raise RepositoryError("no secret codec configured: door codes cannot be stored")
        return self._secrets.encrypt(plaintext, {"tenant_id": tenant_id})

    def _unseal(self, ciphertext: str, tenant_id: str) -> str:
        if self._secrets is None:
            raise RepositoryError("no secret codec configured: door codes cannot be read")
        return self._secrets.decrypt(ciphertext, {"tenant_id": tenant_id})

    def _snapshot(self, tenant_id: str) -> _Snapshot:
        """Profile, common numbers and offices as stored, in one query (sort keys below PERSON, audit skipped)."""
        items = list(
            self._query(
                KeyConditionExpression=Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").lt("P"),
                FilterExpression=Attr("entity").is_in(["tenant", "common_number", "office"]),
            )
        )
        snapshot = _Snapshot(profile=None, common_numbers={}, offices={})
        for item in items:
            entity = item["entity"]
            if entity == "tenant" and item["sk"] == keys.PROFILE_SK:
                snapshot.profile = dict(item)
            elif entity == "common_number":
                snapshot.common_numbers[str(item["common_number_id"])] = dict(item)
            elif entity == "office":
                snapshot.offices[str(item["office_id"])] = dict(item)
        return snapshot

    def load_configuration(self, tenant_id: str) -> TenantConfiguration:
        """Profile, common numbers and offices in one query (sort keys below PERSON, audit skipped)."""
        snapshot = self._snapshot(tenant_id)
        if snapshot.profile is None:
            raise NotFoundError(f"the tenant {tenant_id} not found")
        return TenantConfiguration(
            tenant=self._parse(Tenant, snapshot.profile, "tenant"),
            common_numbers=[self._parse(CommonNumber, i, "common number") for i in snapshot.common_numbers.values()],
            offices=[self._office_from_item(tenant_id, i, False) for i in snapshot.offices.values()],
        )

    def rebuild_routes(self, tenant_id: str) -> list[Route]:
        """Re-materialise the routing record of every number the tenant has claimed (1 query + 1 transaction).

        A claimed number whose common number does not exist (yet) gets no route (a call to it
        answers `not_found`, still queued) and a warning; it is never routed to another script.
        """
        return self._commit(tenant_id, _Change("none", tenant_id, f"the tenant {tenant_id}", None, None)).routes

    def tenant_ids(self) -> Iterator[str]:
        """Every tenant with a profile, by a paginated Scan of profile items (operations' backfills only).

        The serving path never scans: the operators' list is one query on `CUSTOMERS`. This exists for
        what that list cannot answer, e.g. the tenants written before the list existed.
        """
        scan: dict[str, Any] = {"FilterExpression": Attr("sk").eq(keys.PROFILE_SK), "ProjectionExpression": "pk"}
        while True:
            page = self._table.scan(**scan)
            for item in page.get("Items", []):
                yield str(item["pk"]).removeprefix(keys.tenant_pk(""))
            if "LastEvaluatedKey" not in page:
                return
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _change_configuration(self, tenant_id: str, change: _Change, keep_door_codes: bool = False) -> int:
        return self._commit(tenant_id, change, keep_door_codes).version

    def _commit(self, tenant_id: str, change: _Change, keep_door_codes: bool = False) -> _Plan:
        """Plan the change on a fresh snapshot, write it in one transaction; plan again when only the guard lost."""
        for _ in range(self.CONFIGURATION_ATTEMPTS):
            plan = self._plan(tenant_id, self._snapshot(tenant_id), change, keep_door_codes)
            try:
                self._client.transact_write_items(TransactItems=plan.items)
            except ClientError as exc:
                failure = self._configuration_failure(exc, plan, change)
                if failure is None:
                    continue  # another configuration change won the race: plan again on its result
                raise failure from exc
            # Normal while a customer is onboarded (numbers before scripts): INFO, not a warning.
            for phone_number in plan.unrouted:
                logger.info(
                    "claimed number has no common number: not routed",
                    extra={"tenant_id": tenant_id, "number": mask_phone_number(phone_number)},
                )
            return plan
        raise ConflictError(f"{change.what} could not be saved: the customer's settings kept changing; retry")

    CONFIGURATION_ATTEMPTS = 3
    MAX_CLAIMED_NUMBERS = 50  # the change + the guard + a route each + a few owner items: < 100 per transaction
    MAX_COMMON_NUMBERS = 20
    MAX_OFFICES = 20
    # DynamoDB's item limit is 400 KB; an item's JSON (UTF-8) over-counts DynamoDB's measure.
    MAX_ITEM_JSON_BYTES = 390_000

    def _plan(self, tenant_id: str, snapshot: _Snapshot, change: _Change, keep_door_codes: bool) -> _Plan:
        """The transaction of one configuration change: checked here first, so a refusal writes nothing."""
        pk = keys.tenant_pk(tenant_id)
        stored = snapshot.stored(change.kind, change.item_id)
        if snapshot.profile is None and change.kind != "tenant":
            raise NotFoundError(f"the tenant {tenant_id} not found")
        expected = self._expected_version(change, stored)
        now = self._clock().isoformat()
        guard_now = int((snapshot.profile or {}).get("config_version", 0))
        guard_next = guard_now + 1
        guard_values: dict[str, Any] = {":g": guard_now} if guard_now else {}
        guard_condition = "config_version = :g" if guard_now else "attribute_not_exists(config_version)"

        # The configuration after the change, as models.
        profile = dict(snapshot.profile) if snapshot.profile else None
        commons = dict(snapshot.common_numbers)
        offices = dict(snapshot.offices)
        body = dict(change.body) if change.body is not None else None
        if change.kind == "office" and body is not None and keep_door_codes:
            body["door_codes"] = list(stored.get("door_codes", [])) if stored else []
        target = {"tenant": None, "common_number": commons, "office": offices}.get(change.kind)
        if change.kind == "tenant":
            profile = body
        elif target is not None:
            if body is None:
                target.pop(change.item_id, None)
            else:
                target[change.item_id] = body
        if profile is None:
            raise NotFoundError(f"the tenant {tenant_id} not found")
        tenant = self._parse(Tenant, profile, "tenant").model
        old_claims = self._parse(Tenant, snapshot.profile, "tenant").model.claimed_numbers if snapshot.profile else []
        self._check_limits(change, stored, tenant, commons, offices)

        items: list[dict[str, Any]] = []
        roles: list[tuple[str, int]] = []
        # 1. the change itself (the profile carries the guard in the same item)
        if change.kind != "none":
            sk = snapshot.sort_key(change.kind, change.item_id)
            if body is None:
                delete: dict[str, Any] = {
                    "TableName": self._table.name,
                    "Key": {"pk": pk, "sk": sk},
                    "ConditionExpression": "item_version = :v",
                    "ExpressionAttributeValues": {":v": expected},
                }
                items.append({"Delete": delete})
            else:
                item = {**body, "pk": pk, "sk": sk, "entity": change.kind, "item_version": expected + 1}
                item["item_updated_at"] = now
                condition = "attribute_not_exists(pk)" if expected == 0 else "item_version = :v"
                values: dict[str, Any] = {} if expected == 0 else {":v": expected}
                if change.kind == "tenant":
                    item["config_version"] = guard_next
                    if expected != 0:
                        condition = f"{condition} AND {guard_condition}"
                        values.update(guard_values)
                self._check_size(item, change)
                put: dict[str, Any] = {"TableName": self._table.name, "Item": item, "ConditionExpression": condition}
                if values:
                    put["ExpressionAttributeValues"] = values
                items.append({"Put": put})
            roles.append(("change", 0))
        # 2. the guard, when the change is not the profile
        if change.kind != "tenant":
            update: dict[str, Any] = {
                "TableName": self._table.name,
                "Key": {"pk": pk, "sk": keys.PROFILE_SK},
                "UpdateExpression": "SET config_version = :next",
                "ConditionExpression": f"attribute_exists(pk) AND {guard_condition}",
                "ExpressionAttributeValues": {":next": guard_next, **guard_values},
            }
            items.append({"Update": update})
            roles.append(("guard", 0))
        # 3. ownership of the numbers claimed or released by this change
        ours = "attribute_not_exists(pk) OR tenant_id = :t"
        new_numbers = [c.phone_number for c in tenant.claimed_numbers]
        old_numbers = {c.phone_number for c in old_claims}
        for index, number in enumerate(new_numbers):
            if number in old_numbers:
                continue
            owner = {
                "pk": keys.number_pk(number),
                "sk": keys.OWNER_SK,
                "entity": "number_owner",
                "tenant_id": tenant_id,
                "item_updated_at": now,
            }
            items.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": owner,
                        "ConditionExpression": ours,
                        "ExpressionAttributeValues": {":t": tenant_id},
                    }
                }
            )
            roles.append(("claim", index))
        for number in sorted(old_numbers - set(new_numbers)):
            for sk in (keys.OWNER_SK, keys.ROUTE_SK):
                items.append(
                    {
                        "Delete": {
                            "TableName": self._table.name,
                            "Key": {"pk": keys.number_pk(number), "sk": sk},
                            "ConditionExpression": ours,
                            "ExpressionAttributeValues": {":t": tenant_id},
                        }
                    }
                )
                roles.append(("release", -1))
        # 4. the routing copy of every claimed number
        routes, unrouted = self._routes(tenant, commons, offices, tenant_id)
        for route in routes:
            item = {
                **route.model_dump(mode="json"),
                "pk": keys.number_pk(route.phone_number),
                "sk": keys.ROUTE_SK,
                "entity": "route",
                "item_version": 1,
                "item_updated_at": now,
            }
            self._check_size(item, change)
            items.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": item,
                        "ConditionExpression": ours,
                        "ExpressionAttributeValues": {":t": tenant_id},
                    }
                }
            )
            roles.append(("route", new_numbers.index(route.phone_number)))
        # 5. the customer's entry in the operators' list of customers
        items.append({"Put": {"TableName": self._table.name, "Item": self._customer_entry(tenant, commons, now)}})
        roles.append(("customer_list", 0))
        if len(items) > MAX_TRANSACTION_ITEMS:
            raise InvalidWriteError(
                f"this change touches {len(items)} items; at most {MAX_TRANSACTION_ITEMS} change together: "
                "claim or release fewer numbers at once",
                "body.claimed_numbers",
            )
        return _Plan(items, roles, expected + 1 if change.body is not None else expected, routes, unrouted, tenant)

    @staticmethod
    def _customer_entry(tenant: Tenant, commons: dict[str, dict[str, Any]], now: str) -> dict[str, Any]:
        """The list item of a customer: name, status, and each claimed number with its common number's name."""
        names = {cid: str(item.get("name", "")) for cid, item in commons.items()}
        entry = CustomerEntry(
            tenant_id=tenant.tenant_id,
            name=tenant.name,
            status=tenant.status,
            numbers=[
                CustomerNumber(phone_number=c.phone_number, common_number_name=names.get(c.common_number_id, ""))
                for c in tenant.claimed_numbers
            ],
        )
        return {
            **entry.model_dump(mode="json"),
            "pk": keys.CUSTOMER_LIST_PK,
            "sk": keys.customer_entry_sk(tenant.tenant_id),
            "entity": "customer_entry",
            "item_updated_at": now,
        }

    @staticmethod
    def _expected_version(change: _Change, stored: dict[str, Any] | None) -> int:
        """The version the write is conditioned on; refusals (404, 409) before anything is written."""
        current = int(stored.get("item_version", 0)) if stored else 0
        if change.kind == "none":
            return 0
        if change.body is None:  # a delete
            if stored is None:
                raise NotFoundError(f"{change.what} not found")
            return current
        if change.expected_version is None:
            return current  # a blind write (seeding, provisioning): over whatever is stored
        if change.expected_version >= 1 and stored is None:
            raise NotFoundError(f"{change.what} not found: create it with expected_version 0")
        if change.expected_version != current:
            raise ConflictError(stale_version_message(change.what, change.expected_version))
        return current

    def _check_limits(
        self,
        change: _Change,
        stored: dict[str, Any] | None,
        tenant: Tenant,
        commons: dict[str, dict[str, Any]],
        offices: dict[str, dict[str, Any]],
    ) -> None:
        if change.kind == "common_number" and change.body is None:
            routed = [n for n in tenant.claimed_numbers if n.common_number_id == change.item_id]
            if routed:
                raise ConflictError(
                    f"{change.what} still has the phone number {routed[0].phone_number} routed to it: "
                    "route the number to another common number first"
                )
        if stored is None and change.kind == "common_number" and len(commons) > self.MAX_COMMON_NUMBERS:
            raise InvalidWriteError(
                f"a customer has at most {self.MAX_COMMON_NUMBERS} common numbers", "path.common_number_id"
            )
        if stored is None and change.kind == "office" and len(offices) > self.MAX_OFFICES:
            raise InvalidWriteError(f"a customer has at most {self.MAX_OFFICES} offices", "path.office_id")
        if len(tenant.claimed_numbers) > self.MAX_CLAIMED_NUMBERS:
            raise InvalidWriteError(
                f"a customer has at most {self.MAX_CLAIMED_NUMBERS} numbers", "body.claimed_numbers"
            )
        seen: set[str] = set()
        for index, claimed in enumerate(tenant.claimed_numbers):
            if claimed.phone_number in seen:
                raise InvalidWriteError(
                    f"the number {claimed.phone_number} is listed twice",
                    f"body.claimed_numbers.{index}.phone_number",
                )
            seen.add(claimed.phone_number)

    def _check_size(self, item: dict[str, Any], change: _Change) -> None:
        size = len(json.dumps(item, ensure_ascii=False, default=str).encode())
        if size > self.MAX_ITEM_JSON_BYTES:
            field = "body.info" if change.kind == "common_number" else "body"
            raise InvalidWriteError(
                f"{change.what} would be stored as {size} bytes; DynamoDB holds at most 400 KB: shorten it", field
            )

    def _routes(
        self,
        tenant: Tenant,
        commons: dict[str, dict[str, Any]],
        offices: dict[str, dict[str, Any]],
        tenant_id: str,
    ) -> tuple[list[Route], list[str]]:
        models = {cid: self._parse(CommonNumber, item, "common number").model for cid, item in commons.items()}
        summary = "; ".join(
            self._office_from_item(tenant_id, item, False).model.summary() for _, item in sorted(offices.items())
        )
        door_code_offices = [office_id for office_id, item in sorted(offices.items()) if item.get("door_codes")]
        routes: list[Route] = []
        unrouted: list[str] = []
        for claimed in tenant.claimed_numbers:
            common = models.get(claimed.common_number_id)
            if common is None:
                unrouted.append(claimed.phone_number)
                continue
            routes.append(
                Route(
                    phone_number=claimed.phone_number,
                    tenant_id=tenant.tenant_id,
                    tenant_name=tenant.name,
                    tenant_status=tenant.status,
                    common_number_id=common.common_number_id,
                    common_number_name=common.name,
                    info=common.info,
                    opening_hours=common.opening_hours,
                    office_summary=summary[:MAX_OFFICE_SUMMARY_CHARS],
                    door_code_offices=door_code_offices,
                    updated_at=self._clock(),
                )
            )
        return routes, unrouted

    def _configuration_failure(self, exc: ClientError, plan: _Plan, change: _Change) -> RepositoryError | None:
        """The error a cancelled configuration transaction means; None when only the guard lost (retry)."""
        if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            return self._translate(exc, change.what)
        reasons = exc.response.get("CancellationReasons") or []
        failed = [
            plan.roles[i]
            for i, reason in enumerate(reasons)
            if i < len(plan.roles) and reason.get("Code") == "ConditionalCheckFailed"
        ]
        for role, index in failed:
            if role in ("claim", "route"):
                number = plan.tenant.claimed_numbers[index].phone_number
                return ConflictError(
                    f"the phone number {number} belongs to another customer",
                    f"body.claimed_numbers.{index}.phone_number",
                )
        for role, _ in failed:
            if role in ("change", "release"):
                return ConflictError(stale_version_message(change.what, change.expected_version))
        if failed:  # only the guard: another change of the same customer got in first
            return None
        return self._translate(exc, change.what)

    # ---------------------------------------------------------------- pages of the list routes
    def _page(
        self,
        tenant_id: str,
        prefix: str,
        limit: int,
        after: str | None,
        newest_first: bool = False,
        entity: str | None = None,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` items of one sort-key prefix of the tenant's own partition, after `after`.

        The partition is always the tenant's: `after` only moves the start inside it.
        """
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with(prefix),
            "ScanIndexForward": not newest_first,
            "Limit": limit + 1,
        }
        if entity is not None:
            query["FilterExpression"] = Attr("entity").eq(entity)
        if after is not None:
            query["ExclusiveStartKey"] = {"pk": keys.tenant_pk(tenant_id), "sk": after}
        found: list[dict[str, Any]] = []
        for item in self._query(**query):
            found.append(item)
            if len(found) > limit:
                break
        return found[:limit], len(found) > limit

    def page_common_numbers(self, tenant_id: str, limit: int, after: str | None) -> Page[Versioned[CommonNumber]]:
        items, more = self._page(tenant_id, "COMMON#", limit, after, entity="common_number")
        return Page([(i["sk"], self._parse(CommonNumber, i, "common number")) for i in items], more)

    def page_offices(self, tenant_id: str, limit: int, after: str | None) -> Page[Versioned[Office]]:
        """Offices with their door codes hidden."""
        items, more = self._page(tenant_id, "OFFICE#", limit, after, entity="office")
        return Page([(i["sk"], self._office_from_item(tenant_id, i, False)) for i in items], more)

    def page_people(self, tenant_id: str, limit: int, after: str | None) -> Page[tuple[Person, list[Referral]]]:
        """People in person_id order, each with their referrals (which follow the person in key order).

        One query over the `PERSON#` range from `after`: a page's people and their referrals (at most
        MAX_REFERRALS_PER_PERSON each) in one pass, so a list needs no read per person.
        """
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with("PERSON#"),
            "FilterExpression": Attr("entity").is_in(["person", "referral"]),
            "Limit": 4 * (limit + 1),
        }
        if after is not None:
            query["ExclusiveStartKey"] = {"pk": keys.tenant_pk(tenant_id), "sk": after}
        found: list[tuple[str, tuple[Person, list[Referral]]]] = []
        more = False
        for item in self._query(**query):
            if item.get("entity") == "referral":
                # Its person is the last one read, unless the page starts after that person (then skip).
                if found and item["sk"].startswith(found[-1][0] + "#"):
                    found[-1][1][1].append(self._parse(Referral, item, "referral").model)
                continue
            if len(found) == limit:
                more = True
                break
            found.append((item["sk"], (self._parse(Person, item, "person").model, [])))
        return Page(found, more)

    def page_audit_entries(self, tenant_id: str, limit: int, after: str | None) -> Page[AuditEntry]:
        """Audit entries, newest first."""
        items, more = self._page(tenant_id, keys.AUDIT_PREFIX, limit, after, newest_first=True)
        return Page([(i["sk"], self._parse(AuditEntry, i, "audit entry").model) for i in items], more)

    def page_customers(self, limit: int, after: str | None) -> Page[CustomerEntry]:
        """The operators' list of customers in id order, offboarded ones left out (1 round trip per MB).

        `after` is the sort key (`TENANT#<id>`) of the last entry of the previous page.
        """
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.CUSTOMER_LIST_PK),
            "FilterExpression": Attr("status").ne(TenantStatus.OFFBOARDED.value),
            "Limit": limit + 1,
        }
        if after is not None:
            query["ExclusiveStartKey"] = {"pk": keys.CUSTOMER_LIST_PK, "sk": after}
        found: list[dict[str, Any]] = []
        for item in self._query(**query):
            found.append(item)
            if len(found) > limit:
                break
        entries = [(str(i["sk"]), self._parse(CustomerEntry, i, "customer entry").model) for i in found[:limit]]
        return Page(entries, len(found) > limit)

    # ---------------------------------------------------------------- routes (inbound call path)
    def get_route(self, phone_number: str) -> Route:
        """Dialed number → the whole routing record, validated: one GetItem (1 round trip)."""
        return self._parse(Route, RouteReader(self._table).read_item(phone_number), "route").model

    def put_route(self, route: Route) -> None:
        """Write one routing record directly (tests, repairs); configuration changes write routes themselves."""
        self._put(keys.number_pk(route.phone_number), keys.ROUTE_SK, "route", route.model_dump(mode="json"), None)

    def delete_route(self, phone_number: str) -> None:
        self._delete(keys.number_pk(phone_number), keys.ROUTE_SK, "the number's route")

    def number_owner(self, phone_number: str) -> str | None:
        """The tenant a phone number belongs to, if any (1 round trip)."""
        try:
            item = self._table.get_item(Key={"pk": keys.number_pk(phone_number), "sk": keys.OWNER_SK}).get("Item")
        except ClientError as exc:
            raise self._translate(exc, "the number's owner") from exc
        return str(item["tenant_id"]) if item else None

    # ---------------------------------------------------------------- directory
    def _bump_directory(self, tenant_id: str, changed: list[str] | None = None) -> dict[str, Any]:
        """The transaction item that bumps the directory version (invalidates warm caches).

        `changed` names the sort keys the same transaction writes or deletes (`last_change`): a warm
        index one version behind applies just those (`directory_delta`). Without it the attribute
        is removed, and warm indexes reload the whole directory.
        """
        values: dict[str, Any] = {":one": 1, ":e": "directory_meta"}
        expression = "ADD directory_version :one SET entity = :e"
        if changed:
            expression += ", last_change = :c"
            values[":c"] = changed
        else:
            expression += " REMOVE last_change"
        return {
            "Update": {
                "TableName": self._table.name,
                "Key": {"pk": keys.tenant_pk(tenant_id), "sk": keys.DIRECTORY_META_SK},
                "UpdateExpression": expression,
                "ExpressionAttributeValues": values,
            }
        }

    def _transact_put(
        self, tenant_id: str, sk: str, entity: str, body: dict[str, Any], expected_version: int | None
    ) -> int:
        new_version, _ = self._version_condition(expected_version)
        item = {
            **body,
            "pk": keys.tenant_pk(tenant_id),
            "sk": sk,
            "entity": entity,
            "item_version": new_version,
        }
        item["item_updated_at"] = self._clock().isoformat()
        put: dict[str, Any] = {"TableName": self._table.name, "Item": item}
        if expected_version == 0:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        elif expected_version is not None:
            put["ConditionExpression"] = "item_version = :v"
            put["ExpressionAttributeValues"] = {":v": expected_version}
        try:
            self._client.transact_write_items(TransactItems=[{"Put": put}, self._bump_directory(tenant_id, [sk])])
        except ClientError as exc:
            raise self._translate(exc, f"{entity} {sk}") from exc
        return new_version

    def put_person(self, tenant_id: str, person: Person, expected_version: int | None = None) -> int:
        """Create or replace a person and bump the directory version, atomically (1 round trip)."""
        body = self._person_body(person)
        return self._transact_put(tenant_id, keys.person_sk(person.person_id), "person", body, expected_version)

    @staticmethod
    def _person_body(person: Person) -> dict[str, Any]:
        """A person's item: the model, and the index key of their mobile (SMS commands), if any."""
        body = person.model_dump(mode="json")
        if person.mobile:
            body["mobile_key"] = keys.mobile_key(person.mobile)
        return body

    def people_with_mobile(self, phone_number: str) -> list[tuple[str, Person]]:
        """Every (tenant, person) whose registered mobile is `phone_number` (E.164), checked on the item itself."""
        try:
            found = self._table.query(
                IndexName=keys.MOBILE_INDEX, KeyConditionExpression=Key("mobile_key").eq(keys.mobile_key(phone_number))
            ).get("Items", [])
        except ClientError as exc:
            raise self._translate(exc, "people by mobile") from exc
        people = []
        for item in found:  # the index is eventually consistent: read each person again
            tenant_id = str(item["pk"]).removeprefix("TENANT#")
            try:
                person = self.get_person(tenant_id, str(item["person_id"]))[0].model
            except NotFoundError:
                continue
            if person.mobile == phone_number:
                people.append((tenant_id, person))
        return people

    def index_mobiles(self, tenant_id: str) -> int:
        """Give people written before the mobile index (issue 21) their `mobile_key`; how many were re-saved.

        One query over the directory, then `put_people` in transactions of 99 (each bumps the
        directory version). Running it again re-saves no one.
        """
        query = Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with("PERSON#")
        missing = [
            person
            for item in self._query(KeyConditionExpression=query)
            if item.get("entity") == "person" and "mobile_key" not in item
            for person in [self._parse(Person, item, "person").model]
            if person.mobile
        ]
        for start in range(0, len(missing), self.MAX_PEOPLE_PER_TRANSACTION):
            self.put_people(tenant_id, missing[start : start + self.MAX_PEOPLE_PER_TRANSACTION])
        return len(missing)

    MAX_PEOPLE_PER_TRANSACTION = 99  # DynamoDB allows 100 items; one is the directory version bump

    def put_people(self, tenant_id: str, people: list[Person]) -> None:
        """Create or replace up to 99 people and bump the directory version: one transaction (bulk import).

        Each item's version is incremented in place (`if_not_exists`), so concurrent single edits
        still see a stale version and get a conflict.
        """
        if not people:
            return
        if len(people) > self.MAX_PEOPLE_PER_TRANSACTION:
            raise ValueError(f"at most {self.MAX_PEOPLE_PER_TRANSACTION} people per transaction")
        updates = [self._upsert(tenant_id, keys.person_sk(p.person_id), "person", self._person_body(p)) for p in people]
        try:
            changed = [keys.person_sk(p.person_id) for p in people]
            self._client.transact_write_items(TransactItems=[*updates, self._bump_directory(tenant_id, changed)])
        except ClientError as exc:
            raise self._translate(exc, f"{len(people)} people") from exc

    def _upsert(self, tenant_id: str, sk: str, entity: str, body: dict[str, Any]) -> dict[str, Any]:
        """A transaction Update that writes every attribute of `body` and increments the version."""
        names = {f"#a{i}": name for i, name in enumerate(body)}
        values: dict[str, Any] = {f":v{i}": value for i, value in enumerate(body.values())}
        values.update({":e": entity, ":t": self._clock().isoformat(), ":zero": 0, ":one": 1})
        assignments = [f"#a{i} = :v{i}" for i in range(len(body))]
        assignments += [
            "entity = :e",
            "item_updated_at = :t",
            "item_version = if_not_exists(item_version, :zero) + :one",
        ]
        return {
            "Update": {
                "TableName": self._table.name,
                "Key": {"pk": keys.tenant_pk(tenant_id), "sk": sk},
                "UpdateExpression": "SET " + ", ".join(assignments),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def get_person(self, tenant_id: str, person_id: str) -> tuple[Versioned[Person], list[Referral]]:
        """A person with all their referrals: one query over the person's key range (1 round trip)."""
        low, high = keys.person_range(person_id)
        items = list(
            self._query(KeyConditionExpression=Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").between(low, high))
        )
        person_items = [i for i in items if i.get("entity") == "person"]
        if not person_items:
            raise NotFoundError(f"person {person_id} not found")
        referrals = [self._parse(Referral, i, "referral").model for i in items if i.get("entity") == "referral"]
        return self._parse(Person, person_items[0], "person"), referrals

    def delete_person(self, tenant_id: str, person_id: str) -> list[Referral]:
        """Delete a person with ALL their referrals, and clear the refer-to of others' referrals to them.

        Returns the other people's referrals whose `refer_to_person_id` was removed (they keep their
        text and validity). Transactions of at most 99 items plus the directory-version bump, in
        this order: others' refer-to cleared, the person's referrals deleted, the person item last.
        If a transaction fails midway, the person still exists and a retry finishes the job; no
        referral is ever left behind without its person (it would come back with a new person of
        the same id). 1 query per MB of directory + 1 transaction per 99 items.
        """
        directory = self.load_directory(tenant_id)
        if not any(p.person_id == person_id for p in directory.people):
            raise NotFoundError(f"person {person_id} not found")
        pk = keys.tenant_pk(tenant_id)
        pointing = [r for r in directory.referrals if r.refer_to_person_id == person_id and r.person_id != person_id]
        now = self._clock().isoformat()
        operations: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": {"pk": pk, "sk": keys.referral_sk(r.person_id, r.referral_id)},
                    "UpdateExpression": "REMOVE refer_to_person_id SET item_version = item_version + :one, "
                    "item_updated_at = :now",
                    "ConditionExpression": "refer_to_person_id = :p",
                    "ExpressionAttributeValues": {":one": 1, ":now": now, ":p": person_id},
                }
            }
            for r in pointing
        ]
        operations += [
            {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": {"pk": pk, "sk": keys.referral_sk(person_id, r.referral_id)},
                }
            }
            for r in directory.referrals_of(person_id)
        ]
        operations.append(
            {"Delete": {"TableName": self._table.name, "Key": {"pk": pk, "sk": keys.person_sk(person_id)}}}
        )
        size = MAX_TRANSACTION_ITEMS - 1  # one is the directory version bump
        for start in range(0, len(operations), size):
            try:
                chunk = operations[start : start + size]
                changed = [str(next(iter(op.values()))["Key"]["sk"]) for op in chunk]
                self._client.transact_write_items(TransactItems=[*chunk, self._bump_directory(tenant_id, changed)])
            except ClientError as exc:
                raise self._translate(exc, f"the directory around person {person_id}") from exc
        return pointing

    def put_referral(self, tenant_id: str, referral: Referral) -> None:
        """Set a referral (hänvisning) for an existing person; bumps the directory version."""
        self.get_person(tenant_id, referral.person_id)  # 404 for an unknown person
        body = referral.model_dump(mode="json")
        self._transact_put(
            tenant_id, keys.referral_sk(referral.person_id, referral.referral_id), "referral", body, None
        )

    def delete_referral(self, tenant_id: str, person_id: str, referral_id: str) -> None:
        """Clear a referral; bumps the directory version."""
        key = {"pk": keys.tenant_pk(tenant_id), "sk": keys.referral_sk(person_id, referral_id)}
        delete = {
            "Delete": {
                "TableName": self._table.name,
                "Key": key,
                "ConditionExpression": "attribute_exists(pk)",
            }
        }
        try:
            self._client.transact_write_items(TransactItems=[delete, self._bump_directory(tenant_id, [key["sk"]])])
        except ClientError as exc:
            raise self._translate(exc, f"referral {referral_id}", missing_is_not_found=True) from exc

    def directory_version(self, tenant_id: str) -> int:
        """The directory's version, bumped on every change (1 round trip, a tiny item)."""
        try:
            item = self._table.get_item(Key={"pk": keys.tenant_pk(tenant_id), "sk": keys.DIRECTORY_META_SK}).get("Item")
        except ClientError as exc:
            raise self._translate(exc, "directory version") from exc
        return int(item.get("directory_version", 0)) if item else 0

    def load_directory(self, tenant_id: str, page_size: int | None = None) -> Directory:
        """A customer's whole directory: one query over `PERSON#`, pages followed (1 per MB).

        `page_size` caps items per page (DynamoDB pages at 1 MB anyway).
        """
        people: list[Person] = []
        referrals: list[Referral] = []
        version = 0
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with("PERSON#")
        }
        if page_size:
            query["Limit"] = page_size
        for item in self._query(**query):
            entity = item.get("entity")
            if entity == "person":
                people.append(self._parse(Person, item, "person").model)
            elif entity == "referral":
                referrals.append(self._parse(Referral, item, "referral").model)
            elif entity == "directory_meta":
                version = int(item.get("directory_version", 0))
        return Directory(tenant_id=tenant_id, people=people, referrals=referrals, version=version)

    def require_tenant(self, tenant_id: str) -> None:
        """NotFoundError unless the tenant exists: its profile's key only, nothing validated (1 round trip)."""
        key = {"pk": keys.tenant_pk(tenant_id), "sk": keys.PROFILE_SK}
        try:
            item = self._table.get_item(Key=key, ProjectionExpression="pk").get("Item")
        except ClientError as exc:
            raise self._translate(exc, f"the tenant {tenant_id}") from exc
        if item is None:
            raise NotFoundError(f"the tenant {tenant_id} not found")

    def read_directory(self, tenant_id: str) -> Directory:
        """`load_directory` for a warm search index: items decoded as written, not validated again.

        People and referrals are validated on the way in (`put_person`, `put_people`,
        `put_referral`); validating 10,000 people again costs seconds of CPU. An item that does not
        decode as written is validated (and a CorruptItemError raised if it is invalid).
        """
        from telefonist.directory.stored import person_of_item, referral_of_item

        people: list[Person] = []
        referrals: list[Referral] = []
        version = 0
        query = Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with("PERSON#")
        for item in self._query(KeyConditionExpression=query):
            entity = item.get("entity")
            if entity == "person":
                people.append(self._trusted(person_of_item, Person, item, "person"))
            elif entity == "referral":
                referrals.append(self._trusted(referral_of_item, Referral, item, "referral"))
            elif entity == "directory_meta":
                version = int(item.get("directory_version", 0))
        return Directory.model_construct(tenant_id=tenant_id, people=people, referrals=referrals, version=version)

    def _trusted(
        self, decode: Callable[[dict[str, Any]], ModelT], model: type[ModelT], item: dict[str, Any], what: str
    ) -> ModelT:
        try:
            return decode(item)
        except (KeyError, TypeError, ValueError):
            return self._parse(model, item, what).model

    def directory_delta(self, tenant_id: str, since_version: int) -> DirectoryDelta | None:
        """What changed from `since_version` to the next version, if that is the current one.

        The version item names the keys its last transaction wrote (`last_change`); they are read
        with the version item in one TransactGetItems, so they are exactly that version's. None
        (reload the whole directory) when the directory moved on by more than one version or the
        last change is not named. 2 round trips.
        """
        from telefonist.directory.stored import DirectoryDelta, person_of_item, referral_of_item

        pk = keys.tenant_pk(tenant_id)
        meta_key = {"pk": pk, "sk": keys.DIRECTORY_META_SK}
        try:
            meta = self._table.get_item(Key=meta_key, ConsistentRead=True).get("Item") or {}
            version = int(meta.get("directory_version", 0))
            changed = [str(sk) for sk in meta.get("last_change") or ()]
            if version != since_version + 1 or not changed or len(changed) >= MAX_TRANSACTION_ITEMS:
                return None
            gets = [{"Get": {"TableName": self._table.name, "Key": {"pk": pk, "sk": sk}}} for sk in changed]
            answer = self._client.transact_get_items(
                TransactItems=[{"Get": {"TableName": self._table.name, "Key": meta_key}}, *gets]
            )
        except ClientError as exc:
            raise self._translate(exc, "directory change") from exc
        meta_now, *items = [response.get("Item") for response in answer["Responses"]]
        if int((meta_now or {}).get("directory_version", 0)) != version:
            return None  # changed again meanwhile
        delta = DirectoryDelta(version=version)
        for sk, item in zip(changed, items, strict=True):
            person_id, _, referral_id = sk.removeprefix("PERSON#").partition("#REF#")
            if referral_id:
                delta.referrals[(person_id, referral_id)] = (
                    self._trusted(referral_of_item, Referral, item, "referral") if item else None
                )
            else:
                delta.people[person_id] = self._trusted(person_of_item, Person, item, "person") if item else None
        return delta

    # ---------------------------------------------------------------- price lists
    def put_price_list(self, price_list: PriceList) -> None:
        sk = keys.price_list_sk(price_list.valid_from.isoformat())
        self._put(keys.PRICE_LIST_PK, sk, "price_list", price_list.model_dump(mode="json"), None)

    def load_price_book(self) -> PriceBook:
        """Every price-list version (1 round trip); NotFoundError when none is stored."""
        items = list(self._query(KeyConditionExpression=Key("pk").eq(keys.PRICE_LIST_PK)))
        if not items:
            raise NotFoundError("no price list stored")
        return PriceBook(versions=[self._parse(PriceList, i, "price list").model for i in items])

    # ---------------------------------------------------------------- audit trail
    def put_audit_entry(self, tenant_id: str, entry: AuditEntry) -> None:
        """Append an audit entry to the tenant's partition (`AUDIT#<iso>#<id>`, 1 round trip)."""
        sk = keys.audit_sk(entry.at.isoformat(), entry.entry_id)
        self._put(keys.tenant_pk(tenant_id), sk, "audit", entry.model_dump(mode="json"), 0)

    def list_audit_entries(self, tenant_id: str, limit: int = 50) -> list[AuditEntry]:
        """The tenant's newest audit entries first (1 round trip for up to `limit` entries)."""
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.tenant_pk(tenant_id))
            & Key("sk").begins_with(keys.AUDIT_PREFIX),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        try:
            items = self._table.query(**query).get("Items", [])
        except ClientError as exc:
            raise self._translate(exc, "audit trail") from exc
        return [self._parse(AuditEntry, item, "audit entry").model for item in items]
