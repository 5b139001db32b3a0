"""A customer's configuration: the tenant's profile, its common numbers and offices, written in ONE
transaction with the routing records and number ownership built from them, and the customer's
entry in the operators' list (one aggregate: these change together or not at all)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.customer_table import MAX_TRANSACTION_ITEMS, CustomerTable
from telefonist.dal.errors import stale_version_message
from telefonist.models.common_number import CommonNumber
from telefonist.models.customer_entry import CustomerEntry, CustomerNumber
from telefonist.models.office import Office
from telefonist.models.route import MAX_OFFICE_SUMMARY_CHARS, Route
from telefonist.models.tenant import Tenant
from telefonist.observability import logger, mask_phone_number
from telefonist.ports.store import ConflictError, InvalidWriteError, NotFoundError, Page, RepositoryError, Versioned


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


class ConfigurationRepository(CustomerTable):
    """The configuration aggregate: profile and claimed numbers, common numbers, offices (door codes
    sealed with KMS), and the routes, owner items and list entry each change rewrites."""

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

    def page_common_numbers(self, tenant_id: str, limit: int, after: str | None) -> Page[Versioned[CommonNumber]]:
        items, more = self._page(tenant_id, "COMMON#", limit, after, entity="common_number")
        return Page([(i["sk"], self._parse(CommonNumber, i, "common number")) for i in items], more)

    def page_offices(self, tenant_id: str, limit: int, after: str | None) -> Page[Versioned[Office]]:
        """Offices with their door codes hidden."""
        items, more = self._page(tenant_id, "OFFICE#", limit, after, entity="office")
        return Page([(i["sk"], self._office_from_item(tenant_id, i, False)) for i in items], more)

    def require_tenant(self, tenant_id: str) -> None:
        """NotFoundError unless the tenant exists: its profile's key only, nothing validated (1 round trip)."""
        key = {"pk": keys.tenant_pk(tenant_id), "sk": keys.PROFILE_SK}
        try:
            item = self._table.get_item(Key=key, ProjectionExpression="pk").get("Item")
        except ClientError as exc:
            raise self._translate(exc, f"the tenant {tenant_id}") from exc
        if item is None:
            raise NotFoundError(f"the tenant {tenant_id} not found")
