"""Self-service API figures: handler cold import, request latency and a 300-row CSV import.

Runs in-process against moto, so latencies are moto's, not DynamoDB's: moto deep-copies the
whole table for every transaction, which dominates the import's time here. The figure that
carries over to DynamoDB is the import's round trips (one transaction per 99 people).
The last line is JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "layers"), str(ROOT)]
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)


def cold_import_seconds(runs: int = 3) -> float:
    code = "import time; t=time.perf_counter(); import functions.self_service.handler; print(time.perf_counter()-t)"
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers'}:{ROOT}"}
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout)
        for _ in range(runs)
    ]
    return min(times)


def main() -> None:
    import boto3
    from moto import mock_aws
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.secrets import KmsSecretCodec
    from telefonist.edge.bounds import MAX_BODY_BYTES
    from telefonist.resources import CUSTOMER_TABLE
    from telefonist.self_service import SelfService
    from telefonist.self_service.billing import InMemoryBillingSummarySource
    from werkzeug.test import Client

    from functions.self_service.api import build_resolver
    from telefonist_local.local_aws import create_resources
    from telefonist_local.seeding import seed_demo_tenant
    from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp, local_token

    cold = cold_import_seconds()
    with mock_aws():
        created = create_resources()
        repo = CustomerRepository(
            boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name),
            secrets=KmsSecretCodec(boto3.client("kms"), created.secrets_key_id),
        )
        seed_demo_tenant(repo, people=200)
        calls: list[str] = []
        repo = CustomerRepository(
            boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name),
            secrets=KmsSecretCodec(boto3.client("kms"), created.secrets_key_id),
        )
        repo._client.meta.events.register(  # count the import's DynamoDB round trips
            "before-call.dynamodb.*", lambda model, **_: calls.append(model.name)
        )

        service = SelfService(repo, InMemoryBillingSummarySource())
        client = Client(ApiGatewayWsgiApp(build_resolver(lambda: service).resolve, MAX_BODY_BYTES))
        headers = {"Authorization": local_token("acme", "admins")}

        def timed(method: str, path: str, body: object = None, runs: int = 30) -> float:
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.open(path, method=method, headers=headers, json=body)
                samples.append(time.perf_counter() - started)
                assert response.status_code < 500, response.get_data(as_text=True)
            return statistics.median(samples) * 1000

        get_person_ms = timed("GET", "/people/p00001")
        list_people_ms = timed("GET", "/people", runs=10)
        get_office_ms = timed("GET", "/offices/huvudkontor")
        header = "person_id,first_name,last_name,email,keywords,message_preference"
        rows = [f"bulk-{i:04d},Förnamn{i},Efternamn{i},b{i}@acme.example,offert|avtal,email" for i in range(300)]
        calls.clear()
        started = time.perf_counter()
        response = client.open(
            "/people/import", method="POST", headers=headers, json={"csv": "\n".join([header, *rows])}
        )
        import_seconds = time.perf_counter() - started
        import_calls = {name: calls.count(name) for name in sorted(set(calls))}
        report = response.get_json()
    figures = {
        "handler_cold_import_s": round(cold, 3),
        "get_person_median_ms": round(get_person_ms, 1),
        "list_200_people_median_ms": round(list_people_ms, 1),
        "get_office_with_door_code_median_ms": round(get_office_ms, 1),
        "csv_import_300_rows_s_moto": round(import_seconds, 2),
        "csv_import_dynamodb_calls": import_calls,
        "csv_import_created": report["created"],
        "csv_import_failed": report["failed"],
    }
    print(f"cold import of the handler: {figures['handler_cold_import_s']} s")
    print(f"300-row CSV import: {import_seconds:.1f} s on moto, DynamoDB calls {import_calls}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
