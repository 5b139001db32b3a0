"""Retention of the billing lines (issue 20): whole months older than the bookkeeping period leave
the Iceberg table, and their files leave storage.

S3 lifecycle rules must never expire the table's files themselves (the table's metadata would
name files that no longer exist). Instead, one run:
1. lists the months the table holds (from the current snapshot's manifests: identity partitions,
   no data read) and picks those past retention (telefonist.retention.billing_months_to_delete);
2. deletes them in one commit (PyIceberg's delete by the `month` partition: whole files are dropped
   from the table, none rewritten), retried on a concurrent writer's commit;
3. expires every snapshot before that commit (only metadata, in PyIceberg) and deletes the files
   only those snapshots reached: their manifest lists, manifests (whose column bounds hold values of
   the deleted lines) and data files; every file a kept snapshot still reaches stays.
In the billing bucket (versioned) the deleted objects become noncurrent versions, which its
lifecycle rule removes after `noncurrent_versions_days`. Nothing happens when no month is due, so
the routine snapshot expiry stays with Glue's table optimizer.

A reader still on a snapshot from before the run (an Athena query in flight) may fail once; the
run is monthly, at night.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from telefonist.dal.billing_table import COMMIT_ATTEMPTS, LINE_SCHEMA, BillingTable, _expressions, live_data_files
from telefonist.ports.store import RepositoryError
from telefonist.retention import billing_months_to_delete

if TYPE_CHECKING:
    from pyiceberg.table import Table


@dataclass(frozen=True)
class RetentionRun:
    months_deleted: list[str]
    snapshots_expired: int
    files_deleted: int


def held_months(table: Table) -> set[str]:
    """The months the current snapshot holds lines of (from its manifests)."""
    table.refresh()
    files = live_data_files(table)
    if files is None:  # delete files or an evolved spec: plan a scan instead (reads manifests, not data)
        return {str(task.file.partition[0]) for task in table.scan().plan_files()}
    return {str(f.partition[0]) for f in files}


def enforce_retention(billing: BillingTable, today: date, days: int) -> RetentionRun:
    """Delete the months past retention and the files that held them (see the module)."""
    table = billing.table
    months = billing_months_to_delete(held_months(table), today, days)
    if not months:
        return RetentionRun([], 0, 0)
    billing.commit(LINE_SCHEMA.empty_table(), _expressions().In("month", months))
    from pyiceberg.exceptions import CommitFailedException

    for attempt in range(COMMIT_ATTEMPTS):  # a writer's commit in between: choose the snapshots again
        table.refresh()
        try:
            expired, deleted = expire_before_current(table)
        except CommitFailedException:
            if attempt == COMMIT_ATTEMPTS - 1:
                raise RepositoryError("the billing table's snapshot expiry kept conflicting") from None
            continue
        return RetentionRun(months, expired, deleted)
    raise AssertionError("unreachable")


def compact_closed_month(billing: BillingTable, today: date) -> tuple[str, int]:
    """Maintenance of the month before `today`'s (Stockholm): rewritten as sorted month-only files
    (`BillingTable.compact_month`; nothing when it already is, or holds no line). The month and
    its data files after. Later versions of its contacts still come in: each rewrites the files
    that hold it, and the next run folds in what was appended."""
    closed = f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"
    return closed, billing.compact_month(closed)


def expire_before_current(table: Table) -> tuple[int, int]:
    """Expire the current snapshot's ancestors and delete the files only they reach: (snapshots, files)."""
    metadata = table.metadata
    current = table.current_snapshot()
    if current is None:
        return 0, 0
    protected = {ref.snapshot_id for ref in metadata.refs.values()}
    expired = []
    parent = current.parent_snapshot_id
    while parent is not None:
        snapshot = metadata.snapshot_by_id(parent)
        if snapshot is None:  # expired already
            break
        if snapshot.snapshot_id not in protected:
            expired.append(snapshot)
        parent = snapshot.parent_snapshot_id
    if not expired:
        return 0, 0
    gone_ids = {s.snapshot_id for s in expired}
    kept = [s for s in metadata.snapshots if s.snapshot_id not in gone_ids]
    candidates = _reachable(table, expired, live_only=False)
    keep = _reachable(table, kept, live_only=True)
    table.maintenance.expire_snapshots().by_ids(sorted(gone_ids)).commit()  # before any file goes
    doomed = sorted(candidates - keep)
    for path in doomed:
        table.io.delete(path)
    return len(gone_ids), len(doomed)


def _reachable(table: Table, snapshots: list[Any], *, live_only: bool) -> set[str]:
    """Manifest lists, manifests and data files of the snapshots (`live_only`: a manifest's deleted
    entries left out, as a snapshot no longer reads those files)."""
    paths: set[str] = set()
    seen: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for snapshot in snapshots:
            paths.add(snapshot.manifest_list)
            for manifest in snapshot.manifests(table.io):
                paths.add(manifest.manifest_path)
                if manifest.manifest_path in seen:
                    continue
                seen.add(manifest.manifest_path)
                entries = manifest.fetch_manifest_entry(table.io, discard_deleted=live_only)
                paths.update(entry.data_file.file_path for entry in entries)
    return paths
