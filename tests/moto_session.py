"""In-process moto for a whole test session (per xdist worker): the stack created once, emptied per test.

Creating every table, bucket, stream, queue and key of `resources.py` costs ~0.15 s of CPU; emptying
them costs about a millisecond. So the resources are created once, and before each test that asks for
them every item, object, message and record is removed, every other service moto holds (SNS, Connect,
...) is reset, and SES keeps only the sender the stack verified: each test starts from the state a new
stack has, as it did when every test created its own. If a test changed the stack itself (deleted the
customer table, re-created a queue, created a key) or another `mock_aws` reset moto, the set of
resources no longer matches and the whole stack is created again.

The mock is active only while a test that asked for it runs, and between such tests the stack is
kept aside, so other tests never reach it nor find moto holding anything.

Data that many tests start from (the self-service tests' two customers: ~20 transactions, about
0.2 s of CPU a test) is written once per stack the same way: `seeded` runs the seeding on the first
test's empty stack, keeps a copy of the items it wrote, and gives each later test a copy of that.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from telefonist_local.local_aws import LocalResources, create_resources, patched_environment

# Services whose resources the stack creates (local_aws.create_resources): emptied, not reset.
_STACK_SERVICES = frozenset({"dynamodb", "s3", "sqs", "kinesis", "kms", "ses"})


def _backends(service: str) -> Iterator[Any]:
    from moto.core.base_backend import BackendDict

    for backend_dict in BackendDict._instances:  # the services moto has been asked about
        if backend_dict.service_name == service:
            for _account, _region, backend in backend_dict.iter_backends():
                yield backend


def _inventory() -> dict[str, frozenset[str]]:
    """The names of every resource of the stack's services, as moto holds them now (SES: `_senders`)."""
    attribute = {"dynamodb": "tables", "s3": "buckets", "sqs": "queues", "kinesis": "streams", "kms": "keys"}
    return {
        service: frozenset(name for backend in _backends(service) for name in getattr(backend, attr))
        for service, attr in attribute.items()
    }


def _tables() -> Iterator[tuple[tuple[str, str, str], Any]]:
    """Every DynamoDB table moto holds, by (account, region, name)."""
    for backend in _backends("dynamodb"):
        for name, table in backend.tables.items():
            yield (backend.account_id, backend.region_name, name), table


def _only_dynamodb_items_held() -> bool:
    """Nothing but DynamoDB items in the stack: no object, upload, message or record."""
    return not (
        any(bucket.keys or bucket.multiparts for backend in _backends("s3") for bucket in backend.buckets.values())
        or any(queue._messages or queue._pending_messages for b in _backends("sqs") for queue in b.queues.values())
        or any(
            shard.records
            for backend in _backends("kinesis")
            for stream in backend.streams.values()
            for shard in stream.shards.values()
        )
    )


def _senders() -> list[str]:
    return [name for backend in _backends("ses") for name in backend.email_identities]


def _empty_stack_services(senders: list[str]) -> None:
    """Remove every item, object, message and record; the resources themselves stay as created."""
    from moto.s3.models import FakeKey, MultipartDict
    from moto.s3.utils import _VersionedKeyStore

    for backend in _backends("dynamodb"):
        for table in backend.tables.values():
            table.items = defaultdict(dict)
    for backend in _backends("s3"):
        for bucket in backend.buckets.values():
            for _name, versions in bucket.keys.lists():  # every version: moto keeps each in a temporary file
                for key in versions:
                    if isinstance(key, FakeKey):
                        key.dispose()
            for part in bucket.multiparts.values():
                part.dispose()
            bucket.keys = _VersionedKeyStore()
            bucket.multiparts = MultipartDict()
    for backend in _backends("sqs"):
        for queue in backend.queues.values():
            queue._messages = []
            queue._pending_messages = set()
            queue.deleted_messages = set()
    for backend in _backends("kinesis"):
        for stream in backend.streams.values():
            for shard in stream.shards.values():
                shard.records.clear()
    for backend in _backends("ses"):  # sent mail, identities, templates, ...: only the stack's senders stay
        backend.reset()
        for sender in senders:
            backend.verify_email_identity(sender)


def _reset_other_services() -> None:
    for backend_dict in _backend_dicts():
        if backend_dict.service_name not in _STACK_SERVICES:
            for account in backend_dict.values():
                account.reset()


def _backend_dicts() -> list[Any]:
    from moto.core.base_backend import BackendDict

    return list(BackendDict._instances)


# What moto holds of one service: its backends by account, and S3's index of bucket names (one namespace).
_Taken = list[tuple[Any, dict[str, Any], dict[str, Any]]]


def _take() -> _Taken:
    """Every service's state, taken out of moto: moto is left as a reset leaves it."""
    from moto.core.base_backend import BackendDict

    taken = [(bd, dict(bd), dict(getattr(bd, "bucket_accounts", {}))) for bd in _backend_dicts()]
    for backend_dict, _accounts, bucket_accounts in taken:
        backend_dict.clear()
        if bucket_accounts:
            backend_dict.bucket_accounts.clear()
    BackendDict._instances.clear()
    return taken


def _put_back(taken: _Taken) -> None:
    from moto.core.base_backend import BackendDict

    for backend_dict, accounts, bucket_accounts in taken:
        backend_dict.update(accounts)
        if bucket_accounts:
            backend_dict.bucket_accounts.update(bucket_accounts)
        if backend_dict not in BackendDict._instances:
            BackendDict._instances.append(backend_dict)


@dataclass
class MotoSession:
    """One worker's moto: the stack created once, put back into moto and emptied for each test that asks.

    Between those tests moto holds nothing (the stack is kept aside), as after any `mock_aws`: tests
    that run moto's server or a `mock_aws` of their own in the same worker find it empty.
    """

    config: Any
    created: LocalResources | None = None
    inventory: dict[str, frozenset[str]] = field(default_factory=dict)
    senders: list[str] = field(default_factory=list)
    kept: _Taken = field(default_factory=list)
    stack_builds: int = 0
    # seeding's name -> (the stack build it was written to, every table's items after it)
    seeds: dict[str, tuple[int, dict[tuple[str, str, str], Any]]] = field(default_factory=dict)

    @contextmanager
    def fresh_stack(self) -> Iterator[LocalResources]:
        """moto active, every resource of the stack present and empty, env vars set as CDK would."""
        from moto import mock_aws

        mock = mock_aws(config=self.config)
        mock.start()  # resets moto: whatever another test left there goes
        try:
            _put_back(self.kept)
            if self.created is None or _inventory() != self.inventory:
                from moto.core.base_backend import BackendDict

                BackendDict.reset()  # the last test changed the stack (deleted a table, ...): build it again
                self.created = create_resources()
                self.inventory, self.senders = _inventory(), _senders()
                self.stack_builds += 1
            else:
                _empty_stack_services(self.senders)
            _reset_other_services()
            created = LocalResources(dict(self.created.environment), self.created.secrets_key_id)
            with patched_environment(created.environment):
                yield created
        finally:
            self.kept = _take()
            mock.stop()

    def seeded(self, name: str, seed: Callable[[], None]) -> None:
        """The empty stack of the running test (inside `fresh_stack`) as `seed` leaves it, `seed` run
        once per stack: later tests get a copy of the items it wrote (each test may change its own).

        `seed` must write DynamoDB items only, and give the same items whenever it runs (what a test
        reads from them must not depend on which test ran it first); a stack that holds anything
        when this is called is seeded by `seed` itself, as without this."""
        tables = dict(_tables())
        if any(table.items for table in tables.values()) or not _only_dynamodb_items_held():
            seed()
            return
        kept = self.seeds.get(name)
        if kept is not None and kept[0] == self.stack_builds and kept[1].keys() == tables.keys():
            for key, table in tables.items():
                table.items = copy.deepcopy(kept[1][key])
            return
        seed()
        if not _only_dynamodb_items_held():
            raise AssertionError(f"seeding {name!r} wrote more than DynamoDB items: it cannot be kept")
        self.seeds[name] = (self.stack_builds, {key: copy.deepcopy(table.items) for key, table in _tables()})
