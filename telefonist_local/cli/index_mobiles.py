"""`telefonist index-mobiles [--tenant ID]`: the one-off that lets people written before SMS commands
(issue 21) send them: each person with a mobile gets the `by-mobile` index key (re-saved as is).

Works against the configured customer table (CUSTOMER_TABLE_NAME; AWS_ENDPOINT_URL points it at a
local emulation); every customer of the operators' list unless `--tenant`. Prints one JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telefonist.dal.customer_repository import CustomerRepository


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "index-mobiles",
        help="index people's mobiles for SMS commands (one-off, for people saved before them)",
    )
    parser.add_argument("--tenant", help="only this customer (default: every customer)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3
    from telefonist import config
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.ports.store import RepositoryError

    table_name = os.environ.get(config.ENV_CUSTOMER_TABLE)
    if not table_name:
        print(f"telefonist index-mobiles: set {config.ENV_CUSTOMER_TABLE}", file=sys.stderr)
        return 2
    repo = CustomerRepository(boto3.resource("dynamodb").Table(table_name))
    try:
        tenants = [args.tenant] if args.tenant else _every_tenant(repo)
        indexed = {tenant: repo.index_mobiles(tenant) for tenant in tenants}
    except RepositoryError as exc:
        print(f"telefonist index-mobiles: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"tenants": len(indexed), "people_indexed": sum(indexed.values()), "by_tenant": indexed}))
    return 0


def _every_tenant(repo: CustomerRepository) -> list[str]:
    tenants: list[str] = []
    after: str | None = None
    while True:
        page = repo.page_customers(100, after)
        tenants += [entry.tenant_id for _, entry in page.items]
        if not page.more:
            return tenants
        after = page.items[-1][0]
