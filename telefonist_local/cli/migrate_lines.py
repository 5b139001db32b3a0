"""`telefonist migrate-lines [--month YYYY-MM] [--dry-run]`: the one-off move of the former
one-object-per-contact billing lines into the billing table (telefonist_local.dal.billing_migration).

Works against the configured bucket and table (BILLING_BUCKET_NAME, the table's catalog as
`rerate` finds it; AWS_ENDPOINT_URL points it at a local emulation). Prints one JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "migrate-lines",
        help="move the former one-object-per-contact billing lines into the billing table (one-off)",
        description="Move lines/month=…/tenant_id=…/<contact>.parquet objects into the billing table, then "
        "delete them. A contact the table holds at the same or a newer version keeps its row. Running it "
        "again changes nothing.",
    )
    parser.add_argument("--month", help="only this Stockholm month, YYYY-MM (default: every month found)")
    parser.add_argument("--dry-run", action="store_true", help="report what would move; write and delete nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3
    from telefonist import config
    from telefonist.dal.billing_store import LegacyLineObjects
    from telefonist.dal.billing_table import BillingTable, BillingTableSettings
    from telefonist.ports.store import RepositoryError
    from telefonist.rating.rerate import parse_month

    from telefonist_local.dal.billing_migration import migrate_legacy_lines

    bucket = os.environ.get(config.ENV_BILLING_BUCKET)
    try:
        if args.month is not None:
            parse_month(args.month)
        if not bucket:
            raise ValueError(f"missing environment variable(s): {config.ENV_BILLING_BUCKET}")
    except ValueError as exc:
        sys.stderr.write(f"telefonist migrate-lines: {exc}\n")
        return 2
    table = BillingTable(BillingTableSettings.from_environ(os.environ, bucket))
    legacy = LegacyLineObjects(boto3.client("s3"), bucket)
    try:
        summary = migrate_legacy_lines(legacy, table, month=args.month, dry_run=args.dry_run)
    except RepositoryError as exc:
        sys.stderr.write(f"telefonist migrate-lines: {exc}\n")
        return 1
    print(json.dumps(summary.as_dict()))
    return 0
