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
- `lighter_update_validation`: moto's ten validation passes over an UpdateExpression rebuild their
  lookup tables at every node, and one of them re-walks the subtree below every node (quadratic in
  the number of actions: a statistics update with 40 counters).
- `cached_handler_methods`: moto lists its response class's methods (`inspect.getmembers`) for
  every request, to find the action's method.
- `lighter_item_sizes`: moto sizes items (the 400 KB and 1 MB limits) per attribute set and per
  query candidate, wrapping every nested value in a new object to do so.
- `cheaper_update_trees`: each UpdateItem's validation works on a copy of the expression's tree,
  made by `copy.deepcopy`'s generic machinery (a third of an UpdateItem's CPU), and walks it once
  per validation pass through a no-op hook per child.
- `partition_queries`: a Query of a table (not an index) sorts the whole table and then keeps the
  items of one partition key, which moto holds together already.
- `remembered_expression_checks`: three of UpdateItem's ten validation passes check the expression
  alone (clause counts, overlapping paths, key attributes): their verdict is kept per expression.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import pickle
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


def lighter_update_validation() -> None:
    """Patch moto's UpdateExpression validation (idempotent): the same checks, each done once.

    Each pass looks up which node types it handles at every node of the tree (a new dict and a new
    tuple per node, though they are fixed per pass): kept per pass. The check that an expression has
    at most one SET, ADD and REMOVE clause ran at every nested expression node, each time collecting
    the clauses of the whole subtree below it; the root's subtree is the whole expression, so
    checking at the root finds the same duplicates.
    """
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser  # type: ignore[attr-defined]
    from moto.dynamodb.parsing.validators import ActionCountValidator

    if getattr(DepthFirstTraverser.process, "lighter", False):
        return

    def processing_map(self: Any) -> dict[type, Any]:
        cached: dict[type, Any] | None = self.__dict__.get("_speedups_map")
        if cached is None:
            cached = self.__dict__["_speedups_map"] = self._processing_map()
        return cached

    def nodes_to_be_processed(self: Any) -> tuple[type, ...]:
        cached: tuple[type, ...] | None = self.__dict__.get("_speedups_types")
        if cached is None:
            cached = self.__dict__["_speedups_types"] = tuple(processing_map(self))
        return cached

    def process(self: Any, node: Any) -> Any:
        for class_key, processor in processing_map(self).items():
            if isinstance(node, class_key):
                return processor(node)
        return None

    count_actions = ActionCountValidator.verify_action_counts

    def verify_action_counts(self: Any, node: Any) -> Any:
        return count_actions(self, node) if node.parent is None else node

    process.lighter = True  # type: ignore[attr-defined]
    DepthFirstTraverser.nodes_to_be_processed = nodes_to_be_processed
    DepthFirstTraverser.process = process
    ActionCountValidator.verify_action_counts = verify_action_counts  # type: ignore[method-assign]


def _attribute_size(value: Any) -> int:
    """moto's `DynamoType.size()`, without a new DynamoType per nested value."""
    kind, data = value.type, value.value
    if kind == "N":
        return len(str(data))
    if kind in ("SS", "BS"):
        return sum(len(v if isinstance(v, bytes) else v.encode()) for v in data)
    if kind == "NS":
        return sum(len(str(v)) for v in data)
    if kind == "L":
        return sum(_attribute_size(v) for v in data)
    if kind == "M":
        return sum(len(k.encode()) + _attribute_size(v) for k, v in data.items())
    if isinstance(data, bool):
        return 1
    return len(data if isinstance(data, bytes) else data.encode())


def lighter_item_sizes() -> None:
    """Patch moto's attribute and item sizes (idempotent): the same numbers, computed directly."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    if getattr(DynamoType.size, "lighter", False):
        return

    def item_size(self: Any) -> int:
        return sum(len(k.encode()) + _attribute_size(v) for k, v in self.attrs.items())

    _attribute_size.lighter = True  # type: ignore[attr-defined]
    DynamoType.size = _attribute_size  # type: ignore[method-assign,assignment]
    Item.size = item_size  # type: ignore[method-assign]


def cached_handler_methods() -> None:
    """Patch moto's dispatch (idempotent): a response class's method names listed once, not per request."""
    from moto.core import responses

    if getattr(responses.method_names_from_class, "cached", False):  # type: ignore[attr-defined]
        return
    uncached = responses.method_names_from_class  # type: ignore[attr-defined]

    @functools.cache
    def method_names_from_class(cls: object) -> frozenset[str]:
        return frozenset(uncached(cls))

    method_names_from_class.cached = True  # type: ignore[attr-defined]
    responses.method_names_from_class = method_names_from_class  # type: ignore[attr-defined,assignment]


_PLAIN_LEAVES = (str, int, float, bool, type(None))
_tree_copies: dict[int, tuple[Any, bytes | None]] = {}  # id(tree) -> (the tree, its pickle or None)


def _plain_class(cls: type) -> bool:
    """Instances are copied through their `__dict__` alone, by pickle and by deepcopy."""
    custom = ("__deepcopy__", "__setstate__", "__slots__")
    return not any(hasattr(cls, name) for name in custom) and all(
        getattr(cls, name) is getattr(object, name) for name in ("__reduce_ex__", "__reduce__", "__getstate__")
    )


def _plain_tree(node: Any) -> bool:
    """Whether a tree holds only moto's plain nodes (attributes in `__dict__`), lists and immutable
    leaves: what pickle and `copy.deepcopy` copy alike (the same classes, attributes and sharing)."""
    from moto.dynamodb.parsing.ast_nodes import Node  # type: ignore[attr-defined]

    seen: set[int] = set()
    pending = [node]
    while pending:
        obj = pending.pop()
        if type(obj) in _PLAIN_LEAVES or id(obj) in seen:
            continue
        seen.add(id(obj))
        if type(obj) is list:
            pending.extend(obj)
        elif isinstance(obj, Node) and _plain_class(type(obj)):
            pending.extend(obj.__dict__.values())
        else:
            return False
    return True


def _deepcopy_of_trees(obj: Any, memo: dict[int, Any] | None = None) -> Any:
    """moto's validators' `deepcopy`: a tree made by the (cached) parser is copied from its pickle,
    taken once per tree; anything else as `copy.deepcopy` copies it."""
    entry = _tree_copies.get(id(obj))
    if entry is None or entry[0] is not obj:
        from moto.dynamodb.parsing.ast_nodes import Node  # type: ignore[attr-defined]

        if memo is not None or not isinstance(obj, Node):
            return copy.deepcopy(obj, memo)
        if len(_tree_copies) >= 1024:  # as many trees as the parser's cache holds, twice over
            _tree_copies.clear()
        entry = _tree_copies[id(obj)] = (obj, pickle.dumps(obj, pickle.HIGHEST_PROTOCOL) if _plain_tree(obj) else None)
    if entry[1] is None:
        return copy.deepcopy(obj, memo)
    return pickle.loads(entry[1])  # noqa: S301  (this process's own pickle of a parsed tree)


def cheaper_update_trees() -> None:
    """Patch moto's UpdateExpression validation (idempotent): the tree copied and walked directly.

    The validator copies the (cached) tree before its passes change it: the copy is unpickled from
    the tree's pickle (taken once per tree, when it holds only plain nodes, lists and immutable
    leaves), the same copy `copy.deepcopy` makes at a tenth of its CPU. Each pass then walks the
    tree depth first: which of its processors a node goes to is known per node class (moto asks
    `isinstance` of abstract classes for every node, pass and processor), and the hook before each
    child, which one pass defines, is not called for the others.
    """
    from moto.dynamodb.parsing import validators
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser, Node  # type: ignore[attr-defined]

    if getattr(DepthFirstTraverser.traverse_node_recursively, "cheaper", False):
        return
    no_hook = DepthFirstTraverser.pre_processing_of_child
    # (pass class, its node classes in order) -> {node class: position of the first it is an instance
    # of, -1 for a node it does not process, -2 for a leaf value}: isinstance on moto's abstract node
    # classes goes through ABCMeta for every node, pass and class tried
    dispatch: dict[tuple[type, tuple[type, ...]], dict[type, int]] = {}

    def traverse_node_recursively(self: Any, node: Any, child_id: int = -1) -> Any:
        handlers = list(self._processing_map().items())  # what `process` tries, in its order
        keys = tuple(key for key, _ in handlers)
        kinds = dispatch.setdefault((type(self), keys), {})
        hook = None if type(self).pre_processing_of_child is no_hook else self.pre_processing_of_child

        def kind_of(cls: type) -> int:
            if not issubclass(cls, Node):
                kind = -2
            else:
                kind = next((i for i, key in enumerate(keys) if issubclass(cls, key)), -1)
            kinds[cls] = kind
            return kind

        def walk(node: Any, child_id: int) -> Any:
            kind = kinds.get(type(node))
            if kind is None:
                kind = kind_of(type(node))
            if kind == -2:
                return node
            parent_node = node.parent
            if node.children is not None:
                for i, child_node in enumerate(node.children):
                    if hook is not None:
                        hook(node, i)
                    walk(child_node, i)
            if kind >= 0:
                node = handlers[kind][1](node)
                node.parent = parent_node
                if parent_node:
                    parent_node.children[child_id] = node
            return node

        return walk(node, child_id)

    traverse_node_recursively.cheaper = True  # type: ignore[attr-defined]
    traverse_node_recursively.original = DepthFirstTraverser.traverse_node_recursively  # type: ignore[attr-defined]
    validators.deepcopy = _deepcopy_of_trees  # type: ignore[attr-defined,assignment]
    DepthFirstTraverser.traverse_node_recursively = traverse_node_recursively


def partition_queries() -> None:
    """Patch moto's table Query (idempotent): a query of the table reads the key's own partition.

    moto lists and sorts every item of the table for each query of it, then keeps those whose
    partition key is the one asked for (and sorts them by sort key again). The items of one
    partition key are those moto stores under it (the same key equality), so the query is handed
    them alone, in sort key order; the rest (sort key conditions, limits, pages, filters, sizes) is
    moto's as before. Queries of an index still read every item, as moto does.
    """
    from moto.dynamodb.models.table import Table

    if getattr(Table.query, "by_partition", False):
        return
    original_query, original_all_items = Table.query, Table.all_items

    def all_items(self: Any) -> list[Any]:
        partition: list[Any] | None = getattr(_state, "partition", None)
        return original_all_items(self) if partition is None else partition

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs["index_name"] if "index_name" in kwargs else (args[6] if len(args) > 6 else None)
        if index_name:
            return original_query(self, hash_key, *args, **kwargs)
        stored = self.items.get(hash_key) if hash_key is not None else None
        if stored is None:
            partition = []
        elif self.range_key_attr:
            # in sort key order already (moto's own sort then checks it in n - 1 comparisons, not
            # n log n, each of which converts both keys): no two sort keys of a partition are equal
            partition = sorted(stored.values(), key=lambda item: item.range_key.cast_value)
        else:
            partition = [stored]
        _state.partition = partition
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            _state.partition = None

    query.by_partition = True  # type: ignore[attr-defined]
    query.original = original_query  # type: ignore[attr-defined]
    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]


_checked_expressions: dict[tuple[Any, ...], Any] = {}  # (tree, names, key attributes) -> the tree


def remembered_expression_checks() -> None:
    """Patch moto's UpdateExpression validation (idempotent): the checks of the expression alone made
    once per expression, names and table keys.

    Of the ten passes, the first three only read the tree (as parsed: they run before any pass
    changes it), the attribute names and the table's key attributes, and either raise or leave
    the tree as it is; an expression they let through once they let through again. The other
    passes (values, the item, types) run for every request.
    """
    from moto.dynamodb.parsing.validators import (
        ActionCountValidator,
        OverlappingPathsValidator,
        UpdateExpressionValidator,
        UpdateHashRangeKeyValidator,
    )

    if getattr(UpdateExpressionValidator.validate, "remembered", False):
        return
    expression_only = (ActionCountValidator, OverlappingPathsValidator, UpdateHashRangeKeyValidator)
    initialise = UpdateExpressionValidator.__init__

    def __init__(self: Any, expression: Any, *args: Any, **kwargs: Any) -> None:
        initialise(self, expression, *args, **kwargs)
        self._speedups_source = expression

    def validate(self: Any) -> Any:
        source = self.__dict__.get("_speedups_source")
        names = tuple(sorted((self.expression_attribute_names or {}).items()))
        key = (id(source), names, tuple(self.table.table_key_attrs))
        known = source is not None and _checked_expressions.get(key) is source
        node = self.node_to_validate
        for processor in self.processors:
            if not (known and isinstance(processor, expression_only)):
                node = processor.traverse(node)
        if source is not None and not known:
            if len(_checked_expressions) >= 1024:
                _checked_expressions.clear()
            _checked_expressions[key] = source  # every pass passed (a refused one raised)
        return node

    validate.remembered = True  # type: ignore[attr-defined]
    validate.original = UpdateExpressionValidator.validate  # type: ignore[attr-defined]
    UpdateExpressionValidator.__init__ = __init__  # type: ignore[method-assign]
    UpdateExpressionValidator.validate = validate  # type: ignore[method-assign]


def speed_up_moto() -> None:
    """Every patch above (idempotent): for moto's server and for moto in-process alike."""
    transactions_without_table_copies()
    cached_request_routing()
    fast_dynamodb_results()
    cached_update_expressions()
    lighter_update_validation()
    lighter_item_sizes()
    cached_handler_methods()
    cheaper_update_trees()
    partition_queries()
    remembered_expression_checks()
