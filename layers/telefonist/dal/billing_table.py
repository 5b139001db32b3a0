"""The billing lines as an Apache Iceberg table: the rating function's sink, finance's source.

One table (`telefonist_billing.billing_lines`), one row per billable contact, partitioned by `month`
and `tenant_id` (identity) while a month is written; maintenance (`compact_month`) rewrites a
month under a second, month-only spec (partition evolution) as a few files sorted by customer and
contact, so month-wide queries read few files and a customer's query prunes them by their
tenant_id bounds. Writers: the rating function (one commit per Kinesis batch, see
telefonist.rating.service), `telefonist rerate` and the migration. Readers: finance's queries
(Athena in AWS, DuckDB over PyIceberg's Arrow scan locally), the billing summary route.

Catalogs: in AWS the Glue Data Catalog (the table is created by CDK, its data under the billing
bucket's `lines/`); locally a SQL catalog on SQLite (`BILLING_CATALOG_URI`) over a warehouse in
moto's S3 or a local folder (`BILLING_WAREHOUSE`). When only `AWS_ENDPOINT_URL` is set (moto's
server in this process: the demo, `telefonist serve`), a SQLite file per process and endpoint
is used, with the table in moto's billing bucket. Nothing is downloaded at run time.
"""

from __future__ import annotations

import itertools
import os
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from telefonist import resources
from telefonist.ports.store import RepositoryError
from telefonist.rating.line import LINE_COLUMNS, LINES_PREFIX, BillingLine, line_row, partition_of_key

if TYPE_CHECKING:
    from pyiceberg.catalog import Catalog
    from pyiceberg.expressions import BooleanExpression
    from pyiceberg.table import Table

ENV_BILLING_CATALOG_URI = "BILLING_CATALOG_URI"  # sqlite:///… : a SQL catalog; unset: Glue
GLUE_CATALOG = "glue"  # BILLING_CATALOG_URI=glue: the Glue Data Catalog at the local endpoint too (benchmarks)
ENV_BILLING_WAREHOUSE = "BILLING_WAREHOUSE"  # s3://bucket or file:///dir; unset: the billing bucket
COMMIT_ATTEMPTS = 8  # optimistic commits of concurrent writers (shards × parallelization factor)
TARGET_FILE_BYTES = 64 * 1024**2  # the Glue compaction optimizer's supported maximum
TABLE_PROPERTIES = {
    "format-version": "2",
    "write.parquet.compression-codec": "zstd",
    "write.target-file-size-bytes": str(TARGET_FILE_BYTES),
    "write.metadata.delete-after-commit.enabled": "true",  # a commit per batch: keep the metadata/ prefix small
    "write.metadata.previous-versions-max": "50",
}
_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int32(),
    "bigint": pa.int64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}
# contact_id is the table's identifier field: required. Every other column may be null.
LINE_SCHEMA = pa.schema(
    [pa.field(name, _ARROW_TYPES[kind], nullable=name != "contact_id") for name, kind in LINE_COLUMNS]
)
# What pyarrow raises for a value its column type cannot hold (too large, not encodable text).
_CONVERSION_ERRORS = (pa.ArrowException, ArithmeticError, ValueError, TypeError)


def iceberg_schema() -> Any:
    """The Iceberg schema of LINE_COLUMNS (field ids 1…n in column order; contact_id the identifier)."""
    from pyiceberg.schema import Schema
    from pyiceberg.types import BooleanType, IntegerType, LongType, NestedField, StringType, TimestamptzType

    types = {
        "string": StringType(),
        "int": IntegerType(),
        "bigint": LongType(),
        "boolean": BooleanType(),
        "timestamp": TimestamptzType(),
    }
    fields = [
        NestedField(field_id=n, name=name, field_type=types[kind], required=name == "contact_id")
        for n, (name, kind) in enumerate(LINE_COLUMNS, start=1)
    ]
    return Schema(*fields, identifier_field_ids=[1])


def partition_spec() -> Any:
    """Identity partitions on `month` and `tenant_id` (ids 1000, 1001)."""
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import IdentityTransform

    ids = {name: n for n, (name, _kind) in enumerate(LINE_COLUMNS, start=1)}
    return PartitionSpec(
        PartitionField(source_id=ids["month"], field_id=1000, transform=IdentityTransform(), name="month"),
        PartitionField(source_id=ids["tenant_id"], field_id=1001, transform=IdentityTransform(), name="tenant_id"),
    )


_FIELD_IDS = {name: n for n, (name, _kind) in enumerate(LINE_COLUMNS, start=1)}
CONTACT_FIELD, TENANT_FIELD, MONTH_FIELD = _FIELD_IDS["contact_id"], _FIELD_IDS["tenant_id"], _FIELD_IDS["month"]
MONTH_PARTITION_FIELD = 1000  # `month` keeps its partition field id in both specs
COMPACTED_FILE_ROWS = 250_000  # a closed month's files after maintenance (docs/billing-table.md)
# A compacted month's order: a customer's rows together (its query prunes by the tenant_id bounds),
# the unresolved lines last; a contact's place within its customer.
SORT_KEYS = [("tenant_id", "ascending"), ("contact_id", "ascending")]


def month_only_spec(spec_id: int) -> Any:
    """Identity on `month` alone: the spec of a month's files after maintenance (partition evolution:
    the table's default spec stays month × tenant, so a new line is an append to its partition)."""
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import IdentityTransform

    field = PartitionField(MONTH_FIELD, MONTH_PARTITION_FIELD, IdentityTransform(), "month")
    return PartitionSpec(field, spec_id=spec_id)


def _spec_kind(spec: Any) -> bool | None:
    """True for a month-only partition spec, False for month × tenant, None for another shape."""
    sources = [(f.source_id, str(f.transform)) for f in spec.fields]
    if sources == [(MONTH_FIELD, "identity")]:
        return True
    if sources == [(MONTH_FIELD, "identity"), (TENANT_FIELD, "identity")]:
        return False
    return None


def lines_to_arrow(lines: Sequence[BillingLine]) -> pa.Table:
    """Lines as an Arrow table of LINE_SCHEMA; UnstorableLine naming the first bad column."""
    from telefonist.rating.service import UnstorableLine

    rows = [line_row(line) for line in lines]
    try:
        return pa.Table.from_pylist(rows, schema=LINE_SCHEMA)
    except _CONVERSION_ERRORS:
        # the reason names the column, never the value (it may be a caller's number)
        raise UnstorableLine(
            f"line cannot be stored: column {_unstorable_column(rows)} cannot hold its value"
        ) from None


def _unstorable_column(rows: list[dict[str, object]]) -> str:
    for column in LINE_SCHEMA:
        try:
            pa.array([row[column.name] for row in rows], type=column.type)
        except _CONVERSION_ERRORS:
            return str(column.name)
    return "unknown"


def unstorable_reasons(lines: Sequence[BillingLine]) -> dict[int, str]:
    """The reason for each line the schema cannot hold, by index (one conversion when all fit)."""
    from telefonist.rating.service import UnstorableLine

    try:
        lines_to_arrow(lines)
        return {}
    except UnstorableLine:
        pass
    reasons = {}
    for index, line in enumerate(lines):
        try:
            lines_to_arrow([line])
        except UnstorableLine as exc:
            reasons[index] = str(exc)
    return reasons


@dataclass(frozen=True)
class BillingTableSettings:
    """Where the table is: catalog (None: Glue), warehouse of a local catalog, S3 endpoint."""

    catalog_uri: str | None
    warehouse: str
    s3_endpoint: str | None = None
    region: str | None = None
    namespace: str = resources.GLUE_DATABASE
    name: str = resources.BILLING_LINES_TABLE

    @property
    def identifier(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    @property
    def location(self) -> str:
        """The table's root: `lines/` of the warehouse (in AWS the billing bucket's, set by CDK)."""
        return f"{self.warehouse.rstrip('/')}/{LINES_PREFIX.rstrip('/')}"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], billing_bucket: str) -> BillingTableSettings:
        """The settings of the environment (see the module): Glue in AWS, SQLite locally."""
        endpoint = environ.get("AWS_ENDPOINT_URL") or None
        uri = environ.get(ENV_BILLING_CATALOG_URI) or (process_local_catalog(endpoint) if endpoint else None)
        if uri == GLUE_CATALOG:
            uri = None
        return cls(
            catalog_uri=uri,
            warehouse=environ.get(ENV_BILLING_WAREHOUSE) or f"s3://{billing_bucket}",
            s3_endpoint=endpoint,
            region=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION"),
        )

    @classmethod
    def local_folder(cls, directory: str | os.PathLike[str]) -> BillingTableSettings:
        """A SQLite catalog and a warehouse in one local folder (tests, benchmarks, tools)."""
        root = os.path.abspath(directory)
        os.makedirs(root, exist_ok=True)
        return cls(catalog_uri=f"sqlite:///{root}/catalog.db", warehouse=f"file://{root}/warehouse")


_LOCAL_CATALOGS: dict[str, str] = {}


def _is_missing_table(exc: BaseException | None) -> bool:
    """The catalog has no such table or namespace (nothing was written yet), as opposed to a failure."""
    from pyiceberg.exceptions import NoSuchNamespaceError, NoSuchTableError

    return isinstance(exc, NoSuchTableError | NoSuchNamespaceError)


def process_local_catalog(endpoint: str) -> str:
    """A SQLite catalog for this process and local endpoint (its moto server lives as long)."""
    if endpoint not in _LOCAL_CATALOGS:
        folder = tempfile.mkdtemp(prefix="telefonist-billing-catalog-")
        _LOCAL_CATALOGS[endpoint] = f"sqlite:///{folder}/catalog.db"
    return _LOCAL_CATALOGS[endpoint]


def open_catalog(settings: BillingTableSettings) -> Catalog:
    """The catalog of the settings: SQL (SQLite) when a URI is given, else the Glue Data Catalog."""
    properties: dict[str, str] = {}
    if settings.region:
        properties["s3.region"] = settings.region
    if settings.s3_endpoint:
        properties["s3.endpoint"] = settings.s3_endpoint
        properties["s3.force-virtual-addressing"] = "false"
    if settings.catalog_uri:
        from pyiceberg.catalog.sql import SqlCatalog

        return SqlCatalog("telefonist", uri=settings.catalog_uri, warehouse=settings.warehouse, **properties)
    from pyiceberg.catalog.glue import GlueCatalog

    if settings.region:
        properties["glue.region"] = settings.region
    if settings.s3_endpoint:  # a local endpoint (moto) serves Glue as well
        properties["glue.endpoint"] = settings.s3_endpoint
    return GlueCatalog("glue", **properties)  # type: ignore[arg-type]  # properties are str → str


def _expressions() -> Any:
    """PyIceberg's expression classes (pydantic models whose constructors mypy cannot type)."""
    import pyiceberg.expressions

    return pyiceberg.expressions


def _partition_filter(month: str, tenant_id: str | None) -> BooleanExpression:
    ex = _expressions()

    tenant = ex.IsNull("tenant_id") if tenant_id is None else ex.EqualTo("tenant_id", tenant_id)
    expression: BooleanExpression = ex.And(ex.EqualTo("month", month), tenant)
    return expression


def replacement_filter(replacing: Mapping[str, Sequence[str]]) -> BooleanExpression | None:
    """Rows of these contacts in these partitions (keys); one `IN` per partition."""
    return replacement_filter_of(replaced_by_partition(replacing))


def replacement_filter_of(targets: Mapping[Partition, frozenset[str]]) -> BooleanExpression | None:
    ex = _expressions()

    parts = [
        ex.And(_partition_filter(month, tenant), ex.In("contact_id", sorted(ids)))
        for (month, tenant), ids in sorted(targets.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]
    if not parts:
        return None
    expression: BooleanExpression = parts[0] if len(parts) == 1 else ex.Or(*parts)
    return expression


def _delete_and_append(table: Table, delete_filter: BooleanExpression | None, data: pa.Table) -> None:
    """PyIceberg's copy-on-write delete by a filter and an append, in one transaction."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "delete did not match any records": nothing to remove
        with table.transaction() as tx:
            if delete_filter is not None:
                tx.delete(delete_filter)
            if data.num_rows:
                tx.append(data)


Partition = tuple[str, str | None]  # (month, tenant_id or None: unresolved)


def replaced_by_partition(replacing: Mapping[str, Sequence[str]]) -> dict[Partition, frozenset[str]]:
    """The contacts to remove from each partition (the ledger's keys of each contact)."""
    by_partition: dict[Partition, set[str]] = defaultdict(set)
    for contact_id, keys in replacing.items():
        for key in keys:
            by_partition[partition_of_key(key)].add(contact_id)
    return {partition: frozenset(ids) for partition, ids in by_partition.items()}


def _bound(value: bytes | None) -> str | None:
    """A string column's bound as stored in a manifest (UTF-8; None when absent or unreadable)."""
    if value is None:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _admits(data_file: Any, field_id: int, values: Sequence[str]) -> bool:
    """Whether a data file's bounds of a string column admit one of the values.

    Iceberg truncates string bounds (16 characters by default): a truncated lower bound is a
    prefix of the smallest value, so never above it, and a truncated upper bound is rounded up,
    so never below the largest. A missing bound admits everything.
    """
    lower = _bound((data_file.lower_bounds or {}).get(field_id))
    upper = _bound((data_file.upper_bounds or {}).get(field_id))
    return any((lower is None or lower <= v) and (upper is None or v <= upper) for v in values)


def may_hold(data_file: Any, contacts: frozenset[str]) -> bool:
    """Whether a data file's contact_id bounds admit one of the contacts (see `_admits`)."""
    return _admits(data_file, CONTACT_FIELD, tuple(contacts))


def may_hold_tenant(data_file: Any, tenant_id: str | None) -> bool:
    """Whether a compacted month's file may hold rows of a customer (its tenant_id bounds) or, for
    None, unresolved lines (its tenant_id null count; unknown admits)."""
    if tenant_id is None:
        nulls = (data_file.null_value_counts or {}).get(TENANT_FIELD)
        return nulls is None or nulls > 0
    return _admits(data_file, TENANT_FIELD, (tenant_id,))


def holds_partition(data_file: Any, month_only: bool, tenant_id: str | None) -> bool:
    """Whether a file of its month may hold rows of the customer (None: the unresolved lines): by
    its tenant_id partition value (month × tenant) or by its bounds (a compacted month)."""
    return may_hold_tenant(data_file, tenant_id) if month_only else data_file.partition[1] == tenant_id


def month_only_specs(metadata: Any) -> frozenset[int]:
    """The ids of the table's month-only partition specs (a compacted month's files)."""
    return frozenset(spec.spec_id for spec in metadata.partition_specs if _spec_kind(spec))


def live_data_files(table: Table) -> tuple[Any, ...] | None:
    """The data files of the current snapshot, from its manifests; None when the table has delete
    files (another engine's merge-on-read DML, say) or a partition spec of another shape than this
    module's two. Each file's `partition` starts with its month; a month × tenant file's second
    value is its tenant_id (identity partitions, exact), a compacted month's file (month-only
    spec, `month_only_specs`) has its customers in its tenant_id bounds. No expression is bound
    or evaluated per file as a scan plan's residuals are."""
    if any(_spec_kind(spec) is None for spec in table.metadata.partition_specs):
        return None
    snapshot = table.current_snapshot()
    if snapshot is None:
        return ()
    # A snapshot never changes: its file list is kept (a few, for readers of older snapshots)
    key = (str(table.metadata.table_uuid), snapshot.snapshot_id)
    if key in _SNAPSHOT_FILES:
        return _SNAPSHOT_FILES[key]
    files = _manifest_data_files(table, snapshot)
    if len(_SNAPSHOT_FILES) >= _SNAPSHOTS_KEPT:
        _SNAPSHOT_FILES.pop(next(iter(_SNAPSHOT_FILES)))
    _SNAPSHOT_FILES[key] = files
    return files


def _manifest_data_files(table: Table, snapshot: Any) -> tuple[Any, ...] | None:
    from pyiceberg.manifest import ManifestContent

    files: list[Any] = []
    for manifest in snapshot.manifests(table.io):
        if manifest.content != ManifestContent.DATA:
            return None
        files.extend(entry.data_file for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True))
    return tuple(files)


_SNAPSHOTS_KEPT = 8
_SNAPSHOT_FILES: dict[tuple[str, int], tuple[Any, ...] | None] = {}
Pair = tuple[str | None, str]  # (tenant_id, contact_id): a row the ledger says may be there


def files_holding(
    table: Table, targets: Mapping[Partition, frozenset[str]]
) -> list[tuple[Any, frozenset[Pair]]] | None:
    """The current data files that may hold a row of the targets, with the (tenant, contact) pairs
    to look for: by partition (a compacted month's files: by month and tenant_id bounds), then by
    contact_id bounds; None as `live_data_files`."""
    files = live_data_files(table)
    if files is None:
        return None
    month_only = month_only_specs(table.metadata)
    by_month: dict[str, list[tuple[str | None, frozenset[str]]]] = defaultdict(list)
    for (month, tenant), contacts in targets.items():
        by_month[month].append((tenant, contacts))
    found = []
    for data_file in files:
        pairs = frozenset(
            (tenant, contact)
            for tenant, contacts in by_month.get(data_file.partition[0], ())
            if holds_partition(data_file, data_file.spec_id in month_only, tenant)
            for contact in contacts
        )
        if pairs and may_hold(data_file, frozenset(contact for _tenant, contact in pairs)):
            found.append((data_file, pairs))
    return found


def _without(rows: pa.Table, pairs: frozenset[Pair]) -> pa.Table | None:
    """The rows without those of the pairs; None when the file holds none of them."""
    import pyarrow.compute as pc

    contacts = pa.array(sorted({contact for _tenant, contact in pairs}), pa.string())
    hit = pc.fill_null(pc.is_in(rows["contact_id"], value_set=contacts), False)
    if not pc.any(hit).as_py():
        return None
    found = rows.filter(hit)  # a few rows: their tenant is checked in Python
    stray = [
        n
        for n, pair in enumerate(zip(found["tenant_id"].to_pylist(), found["contact_id"].to_pylist(), strict=True))
        if pair not in pairs
    ]
    if len(stray) == found.num_rows:
        return None
    kept = rows.filter(pc.invert(hit))
    return pa.concat_tables([kept, found.take(stray)]) if stray else kept


def _lines_within(lines: pa.Table, data_file: Any) -> Any:
    """Which lines belong in a rewrite of a compacted month's file: its month, and a customer within
    its tenant_id bounds (an unresolved line when it holds unresolved lines)."""
    import pyarrow.compute as pc

    tenant = lines["tenant_id"]
    lower = _bound((data_file.lower_bounds or {}).get(TENANT_FIELD))
    upper = _bound((data_file.upper_bounds or {}).get(TENANT_FIELD))
    within = pc.is_null(tenant) if may_hold_tenant(data_file, None) else pa.scalar(False)
    if lower is not None and upper is not None:
        between = pc.and_(pc.greater_equal(tenant, lower), pc.less_equal(tenant, upper))
        within = pc.or_(pc.fill_null(between, False), within)  # a null tenant compares as null
    return pc.fill_null(pc.and_(pc.equal(lines["month"], data_file.partition[0]), within), False)


def _sorted_files(rows: pa.Table, file_rows: int) -> list[pa.Table]:
    """Rows in the compacted order (SORT_KEYS, unresolved last), in files of about `file_rows`."""
    rows = rows.cast(LINE_SCHEMA).sort_by(SORT_KEYS)
    count = max(1, round(rows.num_rows / file_rows))
    step = -(-rows.num_rows // count)
    return [rows.slice(start, step) for start in range(0, rows.num_rows, step)]


def _overwrite(tx: Any, io: Any, deleted: Sequence[Any], writes: Sequence[pa.Table], spec_id: int) -> None:
    """One snapshot of the transaction: the files `deleted` leave, each table of `writes` becomes
    data files of the partition spec `spec_id` (one file per partition of a table; the table's
    own target size splits no further).

    PyIceberg 0.12 writes the data files and the added manifest of a snapshot under the default
    spec only, so the default is switched to `spec_id` for this snapshot and back within the same
    transaction: the committed metadata keeps its default (month × tenant)."""
    from pyiceberg.io.pyarrow import _dataframe_to_data_files
    from pyiceberg.table.update import SetDefaultSpecUpdate

    default = tx.table_metadata.default_spec_id
    if spec_id != default:
        tx._apply((SetDefaultSpecUpdate(spec_id=spec_id),))
    metadata = tx.table_metadata.model_copy(
        update={"properties": {**tx.table_metadata.properties, "write.target-file-size-bytes": str(2**40)}}
    )
    names = itertools.count()  # a file's name is its write's uuid and number: one count for all
    with tx.update_snapshot().overwrite() as snapshot:
        for data_file in deleted:
            snapshot.delete_data_file(data_file)
        for rows in writes:
            if not rows.num_rows:
                continue
            for written in _dataframe_to_data_files(
                table_metadata=metadata, df=rows, io=io, write_uuid=snapshot.commit_uuid, counter=names
            ):
                snapshot.append_data_file(written)
    if spec_id != default:
        tx._apply((SetDefaultSpecUpdate(spec_id=default),))


def replace_rows(table: Table, data: pa.Table, targets: Mapping[Partition, frozenset[str]]) -> None:
    """One commit: drop the targets' rows from the files that hold them (copy-on-write of those
    files only) and append `data`; a plain append when no file holds a target.

    A rewritten month × tenant file becomes one file of its partition with the partition's new
    lines. A rewritten file of a compacted month stays one sorted file of the month-only spec, with
    the new lines that fall within its customers (its tenant_id bounds); the other lines are
    appended to their month × tenant partitions, to be folded in at the next maintenance."""
    import pyarrow.compute as pc
    from pyiceberg.expressions import AlwaysTrue
    from pyiceberg.io.pyarrow import ArrowScan, _check_pyarrow_schema_compatible
    from pyiceberg.table import FileScanTask

    metadata = table.metadata
    _check_pyarrow_schema_compatible(
        metadata.schema(), provided_schema=data.schema, format_version=metadata.format_version
    )
    holding = files_holding(table, targets)
    if holding is None:  # delete files: PyIceberg's delete applies them (slower, but exact)
        _delete_and_append(table, replacement_filter_of(targets), data)
        return
    rewrites = []
    for data_file, pairs in holding:
        rows = ArrowScan(metadata, table.io, metadata.schema(), AlwaysTrue()).to_table([FileScanTask(data_file)])
        kept = _without(rows, pairs)
        if kept is not None:
            rewrites.append((data_file, kept.cast(LINE_SCHEMA)))
    with table.transaction() as tx:
        if not rewrites:
            if data.num_rows:
                tx.append(data)
            return
        rest = data.cast(LINE_SCHEMA)
        month_only = month_only_specs(metadata)
        compacted: dict[int, list[tuple[Any, pa.Table]]] = defaultdict(list)
        for data_file, kept in rewrites:
            if data_file.spec_id in month_only:
                mine = _lines_within(rest, data_file)
                compacted[data_file.spec_id].append((data_file, pa.concat_tables([kept, rest.filter(mine)])))
                rest = rest.filter(pc.invert(mine))
        for spec_id, files in compacted.items():
            _overwrite(
                tx,
                table.io,
                [data_file for data_file, _rows in files],
                [part for _file, rows in files for part in _sorted_files(rows, COMPACTED_FILE_ROWS)],
                spec_id,
            )
        # Per month × tenant partition touched, its kept rows and its new lines in one file; the
        # other new lines together. (One write of everything would make PyIceberg filter all the
        # rows once per partition to split them: 64 × 640,000 rows for 100 re-versions.)
        writes = []
        partition_files = [(f, kept) for f, kept in rewrites if f.spec_id not in month_only]
        for (month, tenant), kept_rows in _by_partition(partition_files).items():
            mine = pc.equal(rest["month"], month)
            mine = pc.and_(
                mine, pc.is_null(rest["tenant_id"]) if tenant is None else pc.equal(rest["tenant_id"], tenant)
            )
            mine = pc.fill_null(mine, False)
            writes.append(pa.concat_tables([*kept_rows, rest.filter(mine)]))
            rest = rest.filter(pc.invert(mine))
        writes.append(rest)
        if partition_files or rest.num_rows:
            _overwrite(tx, table.io, [f for f, _kept in partition_files], writes, tx.table_metadata.default_spec_id)


def _by_partition(rewrites: list[tuple[Any, pa.Table]]) -> dict[Partition, list[pa.Table]]:
    """The kept rows of rewritten month × tenant files, by their partition."""
    kept: dict[Partition, list[pa.Table]] = defaultdict(list)
    for data_file, rows in rewrites:
        kept[(data_file.partition[0], data_file.partition[1])].append(rows)
    return kept


def _month_only_spec_id(tx: Any) -> int:
    """The table's month-only spec, added with the sort order SORT_KEYS on first use (partition
    evolution: only added, the default stays month × tenant)."""
    from pyiceberg.table.sorting import NullOrder
    from pyiceberg.table.update import AddPartitionSpecUpdate, AssertLastAssignedPartitionId
    from pyiceberg.transforms import IdentityTransform

    metadata = tx.table_metadata
    existing = sorted(month_only_specs(metadata))
    if existing:
        spec_id = existing[0]
    else:
        spec_id = max(spec.spec_id for spec in metadata.partition_specs) + 1
        tx._apply(
            (AddPartitionSpecUpdate(spec=month_only_spec(spec_id)),),
            (AssertLastAssignedPartitionId(last_assigned_partition_id=metadata.last_partition_id),),
        )
    if tx.table_metadata.default_sort_order_id == 0:  # unsorted: declare the compacted months' order
        with tx.update_sort_order() as order:
            order.asc("tenant_id", IdentityTransform(), NullOrder.NULLS_LAST)
            order.asc("contact_id", IdentityTransform())
    return spec_id


def rewrite_month(table: Table, month: str, file_rows: int = COMPACTED_FILE_ROWS) -> None:
    """One commit: the month's rows as sorted files of ~`file_rows` rows under the month-only spec;
    nothing when the month already is (every file month-only, as many as its rows make)."""
    from pyiceberg.io.pyarrow import ArrowScan

    expression = _expressions().EqualTo("month", month)
    tasks = list(table.scan(row_filter=expression).plan_files())
    if not tasks:
        return
    month_only = month_only_specs(table.metadata)
    rows = sum(task.file.record_count for task in tasks)
    if all(task.file.spec_id in month_only and not task.delete_files for task in tasks) and len(tasks) == max(
        1, round(rows / file_rows)
    ):
        return
    data = ArrowScan(table.metadata, table.io, table.metadata.schema(), expression).to_table(tasks)
    with table.transaction() as tx:
        spec_id = _month_only_spec_id(tx)
        _overwrite(tx, table.io, [task.file for task in tasks], _sorted_files(data, file_rows), spec_id)


class BillingTable:
    """The Iceberg table of billing lines: the rating service's `LineSinkPort` and the readers' source."""

    def __init__(self, settings: BillingTableSettings, *, create: bool | None = None) -> None:
        self.settings = settings
        # A local catalog creates its table on first use; in AWS the table is CDK's.
        self._create = settings.catalog_uri is not None if create is None else create

    @cached_property
    def catalog(self) -> Catalog:
        return open_catalog(self.settings)

    @cached_property
    def table(self) -> Table:
        try:
            if not self._create:
                return self.catalog.load_table(self.settings.identifier)
            self.catalog.create_namespace_if_not_exists(self.settings.namespace)
            return self.catalog.create_table_if_not_exists(
                self.settings.identifier,
                schema=iceberg_schema(),
                location=self.settings.location,
                partition_spec=partition_spec(),
                properties=TABLE_PROPERTIES,
            )
        except Exception as exc:
            raise RepositoryError(f"cannot open the billing table {'.'.join(self.settings.identifier)}") from exc

    # ------------------------------------------------------------------ the sink
    def unstorable(self, lines: Sequence[BillingLine]) -> dict[int, str]:
        return unstorable_reasons(lines)

    def write(self, lines: Sequence[BillingLine], replacing: Mapping[str, Sequence[str]]) -> None:
        """One commit: delete the replaced contacts' rows in their partitions, append the lines.

        The rows are removed by a copy-on-write of only the data files that may hold them: the
        files of the partitions the ledger names (read from the manifests, identity partitions),
        and of those only the ones whose contact_id bounds admit one of the contacts. Each such
        file is read, the contacts' rows dropped, the rest written to a new file, and the old file
        replaced, in the same snapshot as the append (`replace_rows`). PyIceberg's own
        `delete(filter)` does the same rewrite but evaluates the whole filter (one `IN` per
        partition) against every file of the table: 19-24 s for 100 re-versions in a compacted
        month of 1,000,000 lines. docs/billing-table.md has the figures.

        Optimistic concurrency: when another writer committed first, the commit is redone on the
        refreshed table (the files are chosen again: the result is the same).
        """
        data = lines_to_arrow(lines)
        targets = replaced_by_partition(replacing)
        if not targets and not data.num_rows:
            return
        self._retrying(lambda table: replace_rows(table, data, targets))

    def commit(self, data: pa.Table, delete_filter: BooleanExpression | None) -> None:
        """Delete rows matching the filter and append `data`, atomically, retried on conflicts."""
        self._retrying(lambda table: _delete_and_append(table, delete_filter, data))

    def _retrying(self, attempt: Callable[[Table], None]) -> None:
        """One transaction, redone on the refreshed table when another writer committed first."""
        from pyiceberg.exceptions import CommitFailedException, ValidationException

        table = self.table
        for number in range(COMMIT_ATTEMPTS):
            try:
                attempt(table)
                return
            except (CommitFailedException, ValidationException):  # a concurrent commit: choose again
                if number == COMMIT_ATTEMPTS - 1:
                    raise RepositoryError("billing table commit kept conflicting") from None
                time.sleep(random.uniform(0, 0.05 * 2**number))
                table.refresh()
            except Exception as exc:
                raise RepositoryError("cannot write to the billing table") from exc

    # ------------------------------------------------------------------ reading
    def scan(
        self,
        *,
        month: str | None = None,
        tenant_id: str | None = None,
        columns: Sequence[str] | None = None,
        row_filter: BooleanExpression | None = None,
    ) -> pa.Table:
        """Rows as Arrow, pruned to a month (and a tenant) when given; the latest snapshot."""
        ex = _expressions()
        expression: BooleanExpression = ex.AlwaysTrue()
        if month is not None:
            expression = ex.EqualTo("month", month)
        if tenant_id is not None:
            expression = ex.And(expression, ex.EqualTo("tenant_id", tenant_id))
        if row_filter is not None:
            expression = ex.And(expression, row_filter)
        try:
            table = self.table
        except RepositoryError as exc:
            if not _is_missing_table(exc.__cause__):
                raise
            # No line was ever written (a new account, or a reader before the first batch): empty.
            empty = iceberg_schema().as_arrow().empty_table()
            return empty.select(list(columns)) if columns else empty
        try:
            table.refresh()
            fields = tuple(columns) if columns else ("*",)
            return table.scan(row_filter=expression, selected_fields=fields).to_arrow()
        except RepositoryError:
            raise
        except Exception as exc:
            raise RepositoryError("cannot read the billing table") from exc

    def local_parquet_files(
        self, *, month: str | None = None, tenant_id: str | None = None, unresolved: bool = False
    ) -> list[str] | None:
        """The paths of the data files that may hold the rows of a month (of a tenant, or of the
        unresolved lines: a compacted month's files by their tenant_id bounds), for a local engine
        to read them directly (DuckDB's Parquet reader, no extension); None when the Arrow scan
        must be used instead: files not on a local disk, delete files (this table is
        copy-on-write, but another writer may add some) or an evolved schema (file columns would
        then have to be mapped by field id, not by name)."""
        try:
            table = self.table
            table.refresh()
            files = live_data_files(table) if len(table.metadata.schemas) == 1 else None
            if files is None:
                return None
            month_only = month_only_specs(table.metadata)
            one_tenant = tenant_id is not None or unresolved  # a customer's rows, or the unresolved ones
            paths = []
            for data_file in files:
                if month is not None and data_file.partition[0] != month:
                    continue
                if one_tenant and not holds_partition(data_file, data_file.spec_id in month_only, tenant_id):
                    continue
                if not data_file.file_path.startswith("file://"):
                    return None
                paths.append(data_file.file_path.removeprefix("file://"))
        except RepositoryError:
            raise
        except Exception as exc:
            raise RepositoryError("cannot read the billing table") from exc
        return paths

    def rows(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Rows as dicts (tests, the demo): see `scan`."""
        return list(self.scan(**kwargs).to_pylist())

    def data_files(self, month: str | None = None) -> int:
        """Data files of the current snapshot (of one month when given)."""
        ex = _expressions()

        table = self.table
        table.refresh()
        expression = ex.EqualTo("month", month) if month else ex.AlwaysTrue()
        return len(list(table.scan(row_filter=expression).plan_files()))

    def compact_month(self, month: str, *, file_rows: int = COMPACTED_FILE_ROWS) -> int:
        """Rewrite a month as sorted files of ~`file_rows` rows under the month-only partition spec
        (`rewrite_month`; one commit, retried on a concurrent writer's); returns the data files after.

        Locally for the demo, the benchmark and operations. Finance's month-wide queries then read a
        few files of one row group each instead of one per customer (docs/billing-table.md)."""
        self._retrying(lambda table: rewrite_month(table, month, file_rows))
        return self.data_files(month)
