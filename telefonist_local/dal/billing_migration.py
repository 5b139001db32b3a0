"""The one-off migration of the former one-object-per-contact lines into the billing table.

The former layout (`lines/month=YYYY-MM/tenant_id=<t>/<contact_id>.parquet`, one row each, see
`LegacyLineObjects`) is read in chunks of keys. Per chunk: the newest line of each contact is
compared with the table; a contact the table holds at the same or a newer version (the rating
function wrote it after the switch, or an earlier run of the migration committed it) is left as
it is, any other line is appended (its older rows, in any partition of the month, deleted in the
same commit); then, once the commit is durable, the chunk's objects are deleted. A second run
finds no objects and changes nothing; a run stopped between a commit and the deletion finds the
lines already in the table and only deletes the objects.

The ledger needs nothing: it already names the former keys' partitions (`partition_of_key`), so
a newer version rated later replaces the migrated row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import pyarrow as pa
from telefonist.dal.billing_store import LegacyLineObjects
from telefonist.dal.billing_table import LINE_SCHEMA, BillingTable, _expressions
from telefonist.rating.line import LINES_PREFIX, month_prefix, partition_of_key

CHUNK_OBJECTS = 10_000  # objects read, committed and deleted together
READ_WORKERS = 16  # concurrent GETs


@dataclass
class MigrationSummary:
    """What a run did (or, dry, would do)."""

    dry_run: bool
    objects: int = 0  # former objects found
    appended: int = 0  # lines added to the table (new contacts)
    replaced: int = 0  # lines added over an older row of the contact in the table
    kept_table_row: int = 0  # contacts the table already holds at the same or a newer version
    deleted_objects: int = 0
    months: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _chunks(keys: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def _read(legacy: LegacyLineObjects, keys: list[str]) -> pa.Table:
    """The objects' rows in the table's schema (the former files held ms timestamps)."""
    with ThreadPoolExecutor(max_workers=READ_WORKERS, thread_name_prefix="migrate") as pool:
        tables = list(pool.map(legacy.read, keys))
    columns = [field.name for field in LINE_SCHEMA]
    return pa.concat_tables([t.select(columns).cast(LINE_SCHEMA) for t in tables])


def _newest_per_contact(rows: pa.Table) -> pa.Table:
    """One row per contact: the newest `ctr_last_updated` (the former layout kept one anyway)."""
    ordered = rows.sort_by([("contact_id", "ascending"), ("ctr_last_updated", "descending")])
    ids = ordered["contact_id"].to_pylist()
    first = [i for i, contact in enumerate(ids) if i == 0 or ids[i - 1] != contact]
    return ordered.take(first)


def migrate_month_chunk(
    legacy: LegacyLineObjects, table: BillingTable, month: str, keys: list[str], summary: MigrationSummary
) -> None:
    """Migrate one chunk of one month's objects (see the module)."""
    ex = _expressions()
    rows = _newest_per_contact(_read(legacy, keys))
    held = table.scan(month=month, columns=("contact_id", "ctr_last_updated"))
    held_version = dict(zip(held["contact_id"].to_pylist(), held["ctr_last_updated"].to_pylist(), strict=True))
    write = []
    replaced = []
    for index, (contact, version) in enumerate(
        zip(rows["contact_id"].to_pylist(), rows["ctr_last_updated"].to_pylist(), strict=True)
    ):
        in_table = held_version.get(contact)
        if in_table is not None and version is not None and in_table >= version:
            summary.kept_table_row += 1
            continue
        write.append(index)
        if in_table is not None:
            replaced.append(contact)
    summary.replaced += len(replaced)
    summary.appended += len(write) - len(replaced)
    if summary.dry_run:
        return
    if write:
        delete = ex.And(ex.EqualTo("month", month), ex.In("contact_id", replaced)) if replaced else None
        table.commit(rows.take(pa.array(write, type=pa.int64())), delete)
    legacy.delete(keys)  # only after the commit is durable
    summary.deleted_objects += len(keys)


def migrate_legacy_lines(
    legacy: LegacyLineObjects,
    table: BillingTable,
    *,
    month: str | None = None,
    dry_run: bool = False,
    chunk: int = CHUNK_OBJECTS,
) -> MigrationSummary:
    """Move the former objects (of one month, or all) into the table and delete them; idempotent."""
    summary = MigrationSummary(dry_run=dry_run)
    by_month: dict[str, list[str]] = defaultdict(list)
    for key in legacy.keys(month_prefix(month) if month else LINES_PREFIX):
        by_month[partition_of_key(key)[0]].append(key)
    for found_month in sorted(by_month):
        keys = sorted(by_month[found_month])
        summary.objects += len(keys)
        summary.months.append(found_month)
        for part in _chunks(keys, chunk):
            migrate_month_chunk(legacy, table, found_month, part, summary)
    return summary
