"""`telefonist rebuild-routes [--tenant ID ...] [--dry-run]`: re-write every customer's routing records.

What a configuration change writes beside the change itself (each claimed number's routing record,
the operators' customer-list entry, the offices with door codes the operator page may reveal) is
re-derived from the stored configuration, one transaction per customer. Run it once after a release
that adds such a derived field, so that customers nobody has edited since get it too; running it
again changes nothing. Works against CUSTOMER_TABLE_NAME (or --table) with the current credentials;
AWS_ENDPOINT_URL points it at a local emulation. Prints one JSON summary, never a script or a number.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "rebuild-routes",
        help="re-derive every customer's routing records and customer-list entry (after a release)",
        description="Re-derive each customer's routing records, customer-list entry and door-code offices "
        "from its stored configuration, one transaction per customer. Idempotent.",
    )
    parser.add_argument("--table", default=None, help="customer table (default: $CUSTOMER_TABLE_NAME)")
    parser.add_argument("--tenant", action="append", default=None, help="only this tenant (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="list the tenants it would rebuild; write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3
    from telefonist import config
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.secrets import KmsSecretCodec
    from telefonist.ports.store import RepositoryError

    table_name = args.table or os.environ.get(config.ENV_CUSTOMER_TABLE)
    if not table_name:
        sys.stderr.write(
            f"telefonist rebuild-routes: name the customer table with --table or {config.ENV_CUSTOMER_TABLE}\n"
        )
        return 2
    key_id = os.environ.get(config.ENV_SECRETS_KEY_ID)
    repo = CustomerRepository(
        boto3.resource("dynamodb").Table(table_name),
        secrets=KmsSecretCodec(boto3.client("kms"), key_id) if key_id else None,
    )
    rebuilt: list[str] = []
    failed: dict[str, str] = {}
    try:
        tenants = sorted(args.tenant) if args.tenant else sorted(repo.tenant_ids())
    except RepositoryError as exc:
        sys.stderr.write(f"telefonist rebuild-routes: {exc}\n")
        return 1
    routes = 0
    for tenant_id in tenants:
        if args.dry_run:
            rebuilt.append(tenant_id)
            continue
        try:
            routes += len(repo.rebuild_routes(tenant_id))
        except RepositoryError as exc:  # one customer's trouble never stops the others
            failed[tenant_id] = str(exc)
            continue
        rebuilt.append(tenant_id)
    summary = {"dry_run": args.dry_run, "tenants": rebuilt, "routes": routes, "failed": failed}
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if failed else 0
