"""`telefonist release`: stop routing a customer's number and release it in Amazon Connect."""

from __future__ import annotations

import argparse

from telefonist_local.cli.provision import add_connect_arguments, provisioner


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("release", help="offboard a customer's number (route deleted, number released)")
    add_connect_arguments(parser)
    parser.add_argument("--tenant", required=True, help="tenant id, e.g. acme")
    parser.add_argument("--number", required=True, help="the number to release, E.164")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from telefonist.connect.provisioning import ProvisioningError
    from telefonist.ports.store import RepositoryError

    try:
        released = provisioner(args).release(args.tenant, args.number)
    except (ValueError, ProvisioningError, RepositoryError) as exc:
        print(f"telefonist release: {exc}")
        return 1
    print(f"released {released.phone_number} of {args.tenant}")
    return 0
