"""`telefonist rerate --month YYYY-MM`: re-rate a month's archived CTRs and replace its lines in the table.

Works against the configured resources: the table and bucket names of the environment
variables in telefonist.config (AWS_ENDPOINT_URL points it at a local emulation).
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("rerate", help="re-rate a month's archived CTRs and replace its billing lines")
    parser.add_argument("--month", required=True, help="the Stockholm month of the calls, YYYY-MM")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3
    from telefonist.dal.billing_store import CtrArchive
    from telefonist.dal.billing_table import BillingTable, BillingTableSettings
    from telefonist.environment import load_env
    from telefonist.ports.store import RepositoryError
    from telefonist.rating.rerate import archive_days, parse_month, rerate_month
    from tqdm import tqdm

    from functions.rating.dependencies import Environment, build_service

    try:
        parse_month(args.month)
        env = load_env(Environment)
    except ValueError as exc:  # a malformed month or a missing variable, named
        sys.stderr.write(f"telefonist rerate: {exc}\n")
        return 2
    settings = BillingTableSettings.from_environ(os.environ, env.billing_bucket)
    service = build_service(env, table=settings)
    table = BillingTable(settings)
    archive = CtrArchive(boto3.client("s3"), env.archive_bucket)
    try:
        before = _month_totals(table, args.month)
        keys = archive.keys_for_days(archive_days(args.month))
        with tqdm(desc=f"re-rating {args.month}", unit="CTR", file=sys.stderr) as bar:
            summary = rerate_month(
                args.month,
                (record for key in keys for record in archive.read(key)),
                service,
                progress=bar.update,
            )
        after = _month_totals(table, args.month)
    except RepositoryError as exc:
        sys.stderr.write(f"telefonist rerate: {exc}\n")
        return 1
    print(json.dumps({"archive_objects": len(keys), **vars(summary), "table_before": before, "table_after": after}))
    return 0


def _month_totals(table: object, month: str) -> dict[str, int]:
    """The month's lines and amount in the table (read before and after, for the report)."""
    import pyarrow.compute as pc

    data = table.scan(month=month, columns=("contact_id", "amount_ore"))  # type: ignore[attr-defined]
    return {"lines": data.num_rows, "amount_ore": int(pc.sum(data["amount_ore"]).as_py() or 0)}
