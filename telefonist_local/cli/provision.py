"""`telefonist provision`: claim a number in Amazon Connect for a customer's common number.

Talks to the AWS account of the current credentials (Connect has no local emulation); the
customer table is named by --table or CUSTOMER_TABLE_NAME.
"""

from __future__ import annotations

import argparse
import os
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("provision", help="claim a number for a customer and route it to the inbound flow")
    add_connect_arguments(parser)
    parser.add_argument("--tenant", required=True, help="tenant id, e.g. acme")
    parser.add_argument("--common-number", required=True, help="common number id, e.g. vaxel")
    parser.add_argument("--country", default="SE", help="ISO country code of the number (default SE)")
    parser.add_argument("--type", dest="number_type", default="DID", choices=["DID", "TOLL_FREE"])
    parser.add_argument("--prefix", default=None, help="number prefix, e.g. +468")
    parser.set_defaults(run=run)


def add_connect_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--instance-arn", required=True, help="the Amazon Connect instance ARN")
    parser.add_argument("--flow-arn", required=True, help="ARN of the inbound contact flow")
    parser.add_argument("--table", default=None, help="customer table (default: $CUSTOMER_TABLE_NAME)")


def clients(region: str | None = None) -> tuple[Any, Any]:
    """The Connect client and the DynamoDB resource (a seam for tests)."""
    import boto3

    return boto3.client("connect", region_name=region), boto3.resource("dynamodb", region_name=region)


def provisioner(args: argparse.Namespace, **settings: Any) -> Any:
    from telefonist import config
    from telefonist.connect.provisioning import NumberProvisioner, ProvisioningSettings
    from telefonist.dal.connect_numbers import ConnectNumbers
    from telefonist.dal.customer_repository import CustomerRepository

    table_name = args.table or os.environ.get(config.ENV_CUSTOMER_TABLE)
    if not table_name:
        raise ValueError(f"name the customer table with --table or {config.ENV_CUSTOMER_TABLE}")
    connect, dynamodb = clients()
    return NumberProvisioner(
        ConnectNumbers(connect, args.instance_arn),
        CustomerRepository(dynamodb.Table(table_name)),
        ProvisioningSettings(inbound_flow_id=args.flow_arn, **settings),
    )


def run(args: argparse.Namespace) -> int:
    from telefonist.connect.provisioning import ProvisioningError
    from telefonist.ports.store import RepositoryError

    try:
        done = provisioner(args, country=args.country, number_type=args.number_type, prefix=args.prefix).provision(
            args.tenant, args.common_number
        )
    except (ValueError, ProvisioningError, RepositoryError) as exc:
        print(f"telefonist provision: {exc}")
        return 1
    print(f"{done.phone_number} now answers for {done.tenant_id}/{done.common_number_id} ({done.phone_number_arn})")
    return 0
