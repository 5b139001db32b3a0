"""`telefonist demo`: the main job, locally, against moto's server on 127.0.0.1."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("demo", help="run the service end to end locally (no AWS account)")
    parser.add_argument("--port", type=int, default=None, help="moto server port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--people", type=int, default=50, help="people in the demo directory")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3

    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.secrets import KmsSecretCodec
    from telefonist.local_aws import LocalAwsError, create_resources, moto_server, patched_environment
    from telefonist.resources import CUSTOMER_TABLE
    from telefonist.sample_data import DEMO_SWITCHBOARD_NUMBER
    from telefonist.seeding import seed_demo_tenant

    started = time.perf_counter()
    try:
        server = moto_server(args.port)
        endpoint = server.__enter__()
    except LocalAwsError as exc:
        print(f"telefonist demo: {exc}")
        return 1
    try:
        created = create_resources()
        with patched_environment(created.environment):
            repo = CustomerRepository(
                boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name),
                secrets=KmsSecretCodec(boto3.client("kms"), created.secrets_key_id),
            )
            seeded = seed_demo_tenant(repo, people=args.people)
            route = repo.get_route(DEMO_SWITCHBOARD_NUMBER)
            directory = repo.load_directory(seeded.tenant_id)
            summary: dict[str, Any] = {
                "endpoint": endpoint,
                "tenant": seeded.tenant_id,
                "routes": [r.phone_number[:-4] + "****" for r in seeded.routes],
                "script": route.info.how_to_answer,
                "people": len(directory.people),
                "referrals": len(directory.referrals),
                "seconds": round(time.perf_counter() - started, 2),
            }
            print(f"Customer {route.tenant_name}: {len(seeded.routes)} numbers, {summary['people']} people")
            print(f"Answer calls to {route.common_number_name} with: {route.info.how_to_answer}")
            print(json.dumps(summary, ensure_ascii=False))
    finally:
        server.__exit__(None, None, None)
    return 0
