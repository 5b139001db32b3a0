"""moto, made cheaper where it does the same work many times over (local tooling only).

Each patch keeps what moto answers and stores; it removes work moto repeats per request:

- `transactions_without_table_copies`: before a TransactWriteItems writes anything, moto deep-copies
  the whole table once per item, to restore it if the transaction fails (profiled: two thirds of
  the demo's CPU before, a fifth still with one copy per table, growing with the table). The items
  a transaction can change are the ones it names: a copy of those is the same backup.
- `cached_request_routing`: moto's server re-lists its own package for every request.
- `fast_dynamodb_results`: moto serialises every DynamoDB answer by walking botocore's shape model
  member by member (a third of a GetItem's CPU, most of a Query's), though its results of the item
  operations are already the wire's JSON.
- `cached_update_expressions`: moto parses the same UpdateExpression text twice per UpdateItem.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import threading
import types
from typing import Any

_state = threading.local()  # per thread: True while moto's own table backup is to be skipped


def _no_table_copy(obj: Any, memo: dict[int, Any] | None = None) -> Any:
    """moto's `copy.deepcopy` inside a transaction: the table itself stands for its backup (the
    patch restores the transaction's items instead); anything else is copied as moto asks."""
    from moto.dynamodb.models.table import Table

    if getattr(_state, "skip_table_copy", False) and isinstance(obj, Table):
        return obj
    return copy.deepcopy(obj, memo)


def _undo_log(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]] | None:
    """A copy of every item the transaction names, before it runs: (table, hash, range, item or None).

    None when the transaction is not one this covers (a table with a stream, whose records a
    restored table would also drop; a key moto will reject): moto's own table backup then serves.
    """
    from moto.dynamodb.models.dynamo_type import DynamoType

    log = []
    try:
        for entry in transact_items:
            op = next(iter(entry.values()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue  # moto reports the missing table; nothing of it changes
            if table.stream_shard is not None:
                return None
            key = op["Item"] if "Item" in op else op["Key"]
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            current = table.get_item(hash_value, range_value)
            log.append((table, hash_value, range_value, copy.deepcopy(current)))
    except Exception:  # whatever moto will make of it, its own backup is the safe path
        return None
    return log


def _restore(log: list[tuple[Any, Any, Any, Any]]) -> None:
    for table, hash_value, range_value, item in reversed(log):  # the first copy of a key is the oldest
        if range_value is None:
            table.items.pop(hash_value, None)
            if item is not None:
                table.items[hash_value] = item
        else:
            table.items[hash_value].pop(range_value, None)
            if item is not None:
                table.items[hash_value][range_value] = item


def transactions_without_table_copies() -> None:
    """Patch moto's DynamoDB backend (idempotent): a failed transaction restores the items it named.

    moto restores the whole table from a deep copy taken before the transaction; the copy is
    replaced by copies of the items named in the transaction, put back in reverse order when it
    fails (a transaction can only change the items it names, so the table ends as before).
    """
    from moto.dynamodb import models

    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "without_table_copies", False):
        return
    original = backend.transact_write_items
    # moto's module reaches `copy.deepcopy` through its own global `copy`: only that module sees this
    models.copy = types.SimpleNamespace(**{**vars(copy), "deepcopy": _no_table_copy})  # type: ignore[attr-defined,assignment]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        log = _undo_log(self, transact_items)
        if log is None:
            return original(self, transact_items)
        _state.skip_table_copy = True
        try:
            original(self, transact_items)
        except BaseException:
            _restore(log)
            raise
        finally:
            _state.skip_table_copy = False

    transact_write_items.without_table_copies = True  # type: ignore[attr-defined]
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def cached_request_routing() -> None:
    """Patch moto's server (idempotent): route each request to its service without re-reading moto.

    For every request, moto's server lists its own package folder (`list_of_moto_modules`: a
    directory listing and ~200 `isdir` calls) and then tries its services' URL patterns in turn,
    under one lock: a third of the demo's CPU. Both answers depend only on the installed moto and
    the request's host, so they are computed once (per host) and kept.
    """
    from moto import backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication.get_backend_for_host, "cached", False):
        return
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    uncached = DomainDispatcherApplication.get_backend_for_host
    known: dict[str | None, Any] = {}

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host not in known:
            known[host] = uncached(self, host)
        return known[host]

    get_backend_for_host.cached = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


# The item operations that answer items: attribute values, counts, keys and consumed capacity.
FAST_DYNAMODB_OPERATIONS = frozenset(
    {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
)


def _blob(value: Any) -> str:
    if isinstance(value, bytes):  # a B or BS attribute value: base64 on the wire, as moto's serializer does
        return base64.b64encode(value).decode()
    raise TypeError(f"not plain JSON: {type(value).__name__}")


def fast_dynamodb_body(result: Any, operation_model: Any) -> str | None:
    """The JSON moto's serializer writes for an item operation's result, or None where it must serialise.

    The top level keeps the output shape's members that have a value (what the serializer keeps);
    below it the result is the wire's JSON already, bytes aside.
    """
    if operation_model.name not in FAST_DYNAMODB_OPERATIONS or not isinstance(result, dict):
        return None
    members = operation_model.output_shape.members
    try:
        return json.dumps({k: v for k, v in result.items() if k in members and v is not None}, default=_blob)
    except (TypeError, ValueError):
        return None


def fast_dynamodb_results() -> None:
    """Patch moto's DynamoDB responses (idempotent): item operations' results written as JSON directly."""
    from moto import settings
    from moto.core.responses import ActionResult
    from moto.dynamodb.responses import DynamoResult

    if getattr(DynamoResult.execute_result, "fast", False):
        return

    def execute_result(self: Any, context: Any) -> Any:
        body = None if settings.PRETTIFY_RESPONSES else fast_dynamodb_body(self.result, context.operation_model)
        if body is None:
            return ActionResult.execute_result(self, context)
        status = context.operation_model.http.get("responseCode", 200)
        json_version = context.service_model.metadata.get("jsonVersion", "1.0")
        return status, {"Content-Type": f"application/x-amz-json-{json_version}"}, body

    execute_result.fast = True  # type: ignore[attr-defined]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]


def cached_update_expressions() -> None:
    """Patch moto's UpdateExpression parser (idempotent): each expression text parsed once.

    moto parses an UpdateItem's expression in its response layer and again in its backend, per
    request, and only reads the tree (its validator works on a deep copy), so one tree per text serves.
    """
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    if getattr(UpdateExpressionParser.make, "cached", False):
        return
    make = functools.lru_cache(maxsize=512)(UpdateExpressionParser.make)
    make.cached = True  # type: ignore[attr-defined]
    UpdateExpressionParser.make = staticmethod(make)


def speed_up_moto() -> None:
    """Every patch above (idempotent): for moto's server and for moto in-process alike."""
    transactions_without_table_copies()
    cached_request_routing()
    fast_dynamodb_results()
    cached_update_expressions()
