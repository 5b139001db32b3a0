"""A customer's directory: people and their referrals (hänvisningar), and the directory version every
change bumps in the same transaction (warm search indexes follow it, `directory_delta`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.customer_table import MAX_TRANSACTION_ITEMS, CustomerTable
from telefonist.dal.items import ModelT
from telefonist.models.directory import Directory, Person, Referral
from telefonist.ports.store import NotFoundError, Page, Versioned

if TYPE_CHECKING:
    from telefonist.directory.stored import DirectoryDelta


class DirectoryRepository(CustomerTable):
    """People and referrals under `PERSON#`, the version item `PERSON##META`, the by-mobile index."""

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
        """A person with all their referrals: one query over the person's key range (1 round trip).

        Items decoded as written, as `read_directory` does: the write path validated them, and
        validating a person again loads phonenumbers' and email-validator's tables (~0.05 s of a
        cold start's CPU: notify's message form, transfer). What does not decode is validated."""
        from telefonist.directory.stored import person_of_item, referral_of_item

        low, high = keys.person_range(person_id)
        items = list(
            self._query(KeyConditionExpression=Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").between(low, high))
        )
        person_items = [i for i in items if i.get("entity") == "person"]
        if not person_items:
            raise NotFoundError(f"person {person_id} not found")
        referrals = [
            self._trusted(referral_of_item, Referral, i, "referral") for i in items if i.get("entity") == "referral"
        ]
        person = self._trusted(person_of_item, Person, person_items[0], "person")
        return Versioned(person, int(person_items[0].get("item_version", 0))), referrals

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
