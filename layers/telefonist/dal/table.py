"""DynamoDB tables on a client: boto3's `Table` API as the repositories use it, without the resource.

`boto3.resource("dynamodb")` costs a cold start ~0.02-0.03 s of CPU more than the client underneath it:
botocore lists every service's folder again for the resource model, reads that model and builds the
resource classes (benchmarks/cold_start.py; README "Cold-start decisions"). What a `Table` does for
the repositories is two things, both boto3's own code here:

- its client (`table.meta.client`) takes and returns Python values and builds condition expressions
  from `boto3.dynamodb.conditions`: the transformations `DynamoDBHighLevelResource` registers on the
  resource's client, registered by `python_values` on a plain client (same handlers, same ids);
- its actions add `TableName`; `batch_writer()` is boto3's `BatchWriter`.

So numbers come back as `Decimal`, sets as sets, binary as `Binary`, exactly as from the resource
(tests/unit/dal/test_table.py compares the two on every action the repositories call).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.table import BatchWriter
from boto3.dynamodb.transform import TransformationInjector, copy_dynamodb_params
from botocore.config import Config


def python_values(client: Any) -> Any:
    """`client` (a DynamoDB client of its own) taking and returning Python values, as a Table's client does."""
    events = client.meta.events
    injector = TransformationInjector()
    events.register("provide-client-params.dynamodb", copy_dynamodb_params, unique_id="dynamodb-create-params-copy")
    events.register(
        "before-parameter-build.dynamodb",
        injector.inject_condition_expressions,
        unique_id="dynamodb-condition-expression",
    )
    events.register(
        "before-parameter-build.dynamodb", injector.inject_attribute_value_input, unique_id="dynamodb-attr-value-input"
    )
    events.register(
        "after-call.dynamodb", injector.inject_attribute_value_output, unique_id="dynamodb-attr-value-output"
    )
    return client


@dataclass(frozen=True)
class ClientMeta:
    """`meta.client`, as on boto3's resources."""

    client: Any


class DynamoDBTable:
    """One table: the `Table` resource's actions the repositories call, on a client of Python values."""

    def __init__(self, client: Any, name: str) -> None:
        self.name = name
        self.meta = ClientMeta(client)

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.get_item(TableName=self.name, **kwargs)  # type: ignore[no-any-return]

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.put_item(TableName=self.name, **kwargs)  # type: ignore[no-any-return]

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.update_item(TableName=self.name, **kwargs)  # type: ignore[no-any-return]

    def delete_item(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.delete_item(TableName=self.name, **kwargs)  # type: ignore[no-any-return]

    def query(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.query(TableName=self.name, **kwargs)  # type: ignore[no-any-return]

    def scan(self, **kwargs: Any) -> dict[str, Any]:
        return self.meta.client.scan(TableName=self.name, **kwargs)  # type: ignore[no-any-return]

    def batch_writer(self, overwrite_by_pkeys: list[str] | None = None) -> BatchWriter:
        return BatchWriter(self.name, self.meta.client, overwrite_by_pkeys=overwrite_by_pkeys)


class DynamoDB:
    """In place of `boto3.resource("dynamodb")`: `Table(name)` and `meta.client`, one client for every table."""

    def __init__(self, client: Any) -> None:
        self.meta = ClientMeta(python_values(client))

    def Table(self, name: str) -> DynamoDBTable:
        return DynamoDBTable(self.meta.client, name)


def dynamodb_tables(config: Config | None = None) -> DynamoDB:
    """Tables on a new DynamoDB client of boto3's default session (one session per process).

    The client gets a copy of `config`: botocore rewrites a Config's `retries` in place
    (`max_attempts` becomes `total_max_attempts`), which would change a module's shared constant."""
    import copy

    import boto3

    return DynamoDB(boto3.client("dynamodb", config=copy.deepcopy(config)))
