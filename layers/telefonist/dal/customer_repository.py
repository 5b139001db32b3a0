"""The customer table: tenants, common numbers, offices, routes, the directory and price lists.

Every access pattern of docs/data-model.md is one method here, with its round trips stated.
Items are the models' JSON dumps plus keys and a `version` for optimistic concurrency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from telefonist.clock import utc_now
from telefonist.dal import keys
from telefonist.dal.errors import NotFoundError, RepositoryError, translate_client_error
from telefonist.dal.items import Versioned, parse_item
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


@dataclass(frozen=True)
class TenantConfiguration:
    """A tenant's profile, common numbers and offices, as read in one query."""

    tenant: Versioned[Tenant]
    common_numbers: list[Versioned[CommonNumber]]
    offices: list[Versioned[Office]]


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

    # ---------------------------------------------------------------- tenants
    def put_tenant(self, tenant: Tenant, expected_version: int | None = None) -> int:
        """Create or replace a tenant's profile (1 round trip)."""
        body = tenant.model_dump(mode="json")
        return self._put(keys.tenant_pk(tenant.tenant_id), keys.PROFILE_SK, "tenant", body, expected_version)

    def get_tenant(self, tenant_id: str) -> Versioned[Tenant]:
        """A tenant's profile (1 round trip)."""
        item = self._get(keys.tenant_pk(tenant_id), keys.PROFILE_SK, f"tenant {tenant_id}")
        return self._parse(Tenant, item, "tenant")

    # ---------------------------------------------------------------- common numbers
    def put_common_number(self, tenant_id: str, common: CommonNumber, expected_version: int | None = None) -> int:
        """Create or replace a common number and its general information (1 round trip)."""
        body = common.model_dump(mode="json")
        sk = keys.common_number_sk(common.common_number_id)
        return self._put(keys.tenant_pk(tenant_id), sk, "common_number", body, expected_version)

    def get_common_number(self, tenant_id: str, common_number_id: str) -> Versioned[CommonNumber]:
        item = self._get(
            keys.tenant_pk(tenant_id),
            keys.common_number_sk(common_number_id),
            f"common number {common_number_id}",
        )
        return self._parse(CommonNumber, item, "common number")

    def delete_common_number(self, tenant_id: str, common_number_id: str) -> None:
        self._delete(
            keys.tenant_pk(tenant_id),
            keys.common_number_sk(common_number_id),
            f"common number {common_number_id}",
        )

    # ---------------------------------------------------------------- offices (door codes encrypted)
    def put_office(self, tenant_id: str, office: Office, expected_version: int | None = None) -> int:
        """Create or replace an office; door codes are encrypted with KMS, bound to the tenant."""
        body = office.model_dump(mode="json", exclude={"door_codes"})
        body["door_codes"] = [
            {"label": code.label, "code": self._seal(code.code.get_secret_value(), tenant_id)}
            for code in office.door_codes
        ]
        return self._put(keys.tenant_pk(tenant_id), keys.office_sk(office.office_id), "office", body, expected_version)

    def get_office(self, tenant_id: str, office_id: str, reveal_door_codes: bool = False) -> Versioned[Office]:
        """An office; door codes are decrypted only when asked (operators, the tenant's admins)."""
        item = self._get(keys.tenant_pk(tenant_id), keys.office_sk(office_id), f"office {office_id}")
        return self._office_from_item(tenant_id, item, reveal_door_codes)

    def delete_office(self, tenant_id: str, office_id: str) -> None:
        self._delete(keys.tenant_pk(tenant_id), keys.office_sk(office_id), f"office {office_id}")

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

    # ---------------------------------------------------------------- configuration
    def load_configuration(self, tenant_id: str) -> TenantConfiguration:
        """Profile, common numbers and offices in one query (sort keys below PERSON, audit skipped)."""
        items = list(
            self._query(
                KeyConditionExpression=Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").lt("P"),
                FilterExpression=Attr("entity").is_in(["tenant", "common_number", "office"]),
            )
        )
        profile = [i for i in items if i["sk"] == keys.PROFILE_SK]
        if not profile:
            raise NotFoundError(f"tenant {tenant_id} not found")
        return TenantConfiguration(
            tenant=self._parse(Tenant, profile[0], "tenant"),
            common_numbers=[
                self._parse(CommonNumber, i, "common number") for i in items if i["entity"] == "common_number"
            ],
            offices=[self._office_from_item(tenant_id, i, False) for i in items if i["entity"] == "office"],
        )

    # ---------------------------------------------------------------- routes (inbound call path)
    def get_route(self, phone_number: str) -> Route:
        """Dialed number → the whole routing record, validated: one GetItem (1 round trip)."""
        return self._parse(Route, RouteReader(self._table).read_item(phone_number), "route").model

    def put_route(self, route: Route) -> None:
        self._put(keys.number_pk(route.phone_number), keys.ROUTE_SK, "route", route.model_dump(mode="json"), None)

    def delete_route(self, phone_number: str) -> None:
        self._delete(keys.number_pk(phone_number), keys.ROUTE_SK, "number")

    def rebuild_routes(self, tenant_id: str) -> list[Route]:
        """Re-materialise the routing record of every number the tenant has claimed.

        Called after any change of profile, common number or office (2 round trips + 1 per number).
        A number whose common number no longer exists is routed to the first common number, so a
        caller still reaches an operator.
        """
        config = self.load_configuration(tenant_id)
        tenant = config.tenant.model
        commons = {c.model.common_number_id: c.model for c in config.common_numbers}
        summary = "; ".join(o.model.summary() for o in config.offices)
        routes: list[Route] = []
        for claimed in tenant.claimed_numbers:
            common = commons.get(claimed.common_number_id) or next(iter(commons.values()), None)
            if common is None:
                continue
            route = Route(
                phone_number=claimed.phone_number,
                tenant_id=tenant.tenant_id,
                tenant_name=tenant.name,
                tenant_status=tenant.status,
                common_number_id=common.common_number_id,
                common_number_name=common.name,
                info=common.info,
                opening_hours=common.opening_hours,
                office_summary=summary[:500],
                updated_at=self._clock(),
            )
            self.put_route(route)
            routes.append(route)
        return routes

    # ---------------------------------------------------------------- directory
    def _bump_directory(self, tenant_id: str) -> dict[str, Any]:
        """The transaction item that bumps the directory version (invalidates warm caches)."""
        return {
            "Update": {
                "TableName": self._table.name,
                "Key": {"pk": keys.tenant_pk(tenant_id), "sk": keys.DIRECTORY_META_SK},
                "UpdateExpression": "ADD directory_version :one SET entity = :e",
                "ExpressionAttributeValues": {":one": 1, ":e": "directory_meta"},
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
            self._client.transact_write_items(TransactItems=[{"Put": put}, self._bump_directory(tenant_id)])
        except ClientError as exc:
            raise self._translate(exc, f"{entity} {sk}") from exc
        return new_version

    def put_person(self, tenant_id: str, person: Person, expected_version: int | None = None) -> int:
        """Create or replace a person and bump the directory version, atomically (1 round trip)."""
        body = person.model_dump(mode="json")
        return self._transact_put(tenant_id, keys.person_sk(person.person_id), "person", body, expected_version)

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
        updates = [
            self._upsert(tenant_id, keys.person_sk(p.person_id), "person", p.model_dump(mode="json")) for p in people
        ]
        try:
            self._client.transact_write_items(TransactItems=[*updates, self._bump_directory(tenant_id)])
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

    def delete_person(self, tenant_id: str, person_id: str) -> None:
        """Delete a person and their referrals; bumps the directory version."""
        _, referrals = self.get_person(tenant_id, person_id)
        pk = keys.tenant_pk(tenant_id)
        deletes = [
            {"Delete": {"TableName": self._table.name, "Key": {"pk": pk, "sk": sk}}}
            for sk in [keys.person_sk(person_id)] + [keys.referral_sk(person_id, r.referral_id) for r in referrals]
        ]
        try:
            # A transaction holds at most 100 items; a person has far fewer referrals than that.
            self._client.transact_write_items(TransactItems=[*deletes[:99], self._bump_directory(tenant_id)])
        except ClientError as exc:
            raise self._translate(exc, f"person {person_id}") from exc

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
            self._client.transact_write_items(TransactItems=[delete, self._bump_directory(tenant_id)])
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
