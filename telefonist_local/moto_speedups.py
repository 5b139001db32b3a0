"""moto, made cheaper where it does the same work many times over (local tooling only).

moto's TransactWriteItems keeps a backup to restore if the transaction fails: before it writes
anything, it deep-copies the table of *every item* of the transaction, so a 66-item transaction
copies the same table 66 times, each copy as large as the table (profiled: two thirds of the
demo's CPU, and of the statistics and seeding phases). All those copies are taken before the
first write, so they are identical: one copy per table and transaction is the same backup. The
patch hands moto's loop that one copy; what a failed transaction restores is unchanged.
"""

from __future__ import annotations

import copy
import threading
import types
from typing import Any

_state = threading.local()  # the backups of the transaction this thread is in, by table


def _deepcopy_once(obj: Any, memo: dict[int, Any] | None = None) -> Any:
    """A table's backup inside a transaction: made once; anything else is copied as moto asks."""
    from moto.dynamodb.models.table import Table

    backups: dict[int, Any] | None = getattr(_state, "backups", None)
    if backups is None or not isinstance(obj, Table):
        return copy.deepcopy(obj, memo)
    if id(obj) not in backups:
        backups[id(obj)] = (obj, copy.deepcopy(obj, memo))  # obj held: its id stays its own
    return backups[id(obj)][1]


def one_backup_per_table() -> None:
    """Patch moto's DynamoDB backend (idempotent): one backup copy per table per transaction."""
    from moto.dynamodb import models

    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "one_backup_per_table", False):
        return
    original = backend.transact_write_items
    # moto's module reaches `copy.deepcopy` through its own global `copy`: only that module sees this
    models.copy = types.SimpleNamespace(**{**vars(copy), "deepcopy": _deepcopy_once})  # type: ignore[attr-defined,assignment]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        _state.backups = {}
        try:
            original(self, transact_items)
        finally:
            _state.backups = None

    transact_write_items.one_backup_per_table = True  # type: ignore[attr-defined]
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
