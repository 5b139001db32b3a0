"""Notify: what a cold start costs the operator, and a submit's in-process time against moto.

Import times are measured in fresh interpreters (best of 5): the submit function answers an
operator who is waiting. The submit and send times run against in-process moto, so they show our
own overhead (validation, rendering, Powertools Idempotency, the SDK), not AWS latency.
Last line: JSON.
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
ENV = {**os.environ, "PYTHONPATH": f"{ROOT / 'layers'}{os.pathsep}{ROOT}", "POWERTOOLS_TRACE_DISABLED": "true"}


def import_seconds(module: str, runs: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return min(times)


def submit_and_send(count: int = 100) -> tuple[float, float]:
    sys.path[:0] = [str(ROOT / "layers"), str(ROOT)]
    from telefonist_local.local_aws import FAKE_CREDENTIALS

    os.environ.update(FAKE_CREDENTIALS)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    import boto3
    from moto import mock_aws
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.resources import CUSTOMER_TABLE

    from functions.notify import handler as submit_handler
    from telefonist_local.local_aws import create_resources, patched_environment
    from telefonist_local.notify_queue import process_queue_once
    from tests.notify_helpers import TENANT, Context, api_event, eva, request_body

    with mock_aws():
        created = create_resources()
        with patched_environment(created.environment):
            CustomerRepository(boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name)).put_person(TENANT, eva())
            submit_handler.lambda_handler(api_event(request_body(request_id="warm-up-0000")), Context())
            process_queue_once()
            submits = []
            for i in range(count):
                started = time.perf_counter()
                answer = submit_handler.lambda_handler(api_event(request_body(request_id=f"bench-{i:08d}")), Context())
                submits.append(time.perf_counter() - started)
                assert answer["statusCode"] == 202
            started = time.perf_counter()
            sent = 0
            while (run := process_queue_once()).received:
                sent += run.sent
            per_send = (time.perf_counter() - started) / max(sent, 1)
            assert sent == count, sent
    return statistics.median(submits), per_send


def main() -> None:
    figures = {
        "import_submit_handler_s": round(import_seconds("functions.notify.handler"), 3),
        "import_sender_handler_s": round(import_seconds("functions.notify_sender.handler"), 3),
    }
    submit_p50, per_send = submit_and_send()
    figures["submit_p50_ms_moto"] = round(submit_p50 * 1000, 1)
    figures["send_per_message_ms_moto"] = round(per_send * 1000, 1)
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
