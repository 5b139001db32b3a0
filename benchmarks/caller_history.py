"""Caller history benchmark (issue 20): what one operator lookup and one outcome cost.

In moto (in process): a customer whose caller has `--earlier` earlier contacts within 30 days.
Counts the round trips (DynamoDB and KMS, on botocore's events) of a lookup on a warm function
(the per-tenant key cached) and on a cold one (first lookup for the customer: one KMS GenerateMac),
and of recording an outcome; wall time per lookup (moto's, not DynamoDB's latency), best of `--runs`.

    python benchmarks/caller_history.py [--earlier 20] [--runs 20]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CALLER = "+46701234567"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--earlier", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from telefonist_local.local_aws import FAKE_CREDENTIALS

    os.environ.update(FAKE_CREDENTIALS)  # moto in process: never a real account
    import boto3
    from moto import mock_aws
    from telefonist.caller_history import Outcome
    from telefonist.dal.caller_history import CallerHistoryRepository, KmsTenantKeys

    with mock_aws():
        dynamodb = boto3.resource("dynamodb")
        table = dynamodb.create_table(
            TableName="stats",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        kms = boto3.client("kms")
        key_id = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        calls: Counter[str] = Counter()
        table.meta.client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
        kms.meta.events.register("before-call.kms.*", lambda model, **_: calls.update([model.name]))
        now = datetime(2027, 3, 31, 12, tzinfo=UTC)
        repo = CallerHistoryRepository(table, KmsTenantKeys(kms, key_id))
        for n in range(args.earlier):
            contact = str(uuid.uuid4())
            repo.look_up_and_record("acme", contact, CALLER, now - timedelta(days=29, hours=-n))
            repo.record_outcome("acme", contact, Outcome.TRANSFERRED, "p00001")
        cold = KmsTenantKeys(kms, key_id)
        calls.clear()
        cold_result = CallerHistoryRepository(table, cold).look_up_and_record("acme", str(uuid.uuid4()), CALLER, now)
        cold_calls = dict(calls)
        best = float("inf")
        last_contact = ""
        warm_calls: dict[str, int] = {}
        for _ in range(args.runs):
            calls.clear()
            started = time.perf_counter()
            last_contact = str(uuid.uuid4())
            found = repo.look_up_and_record("acme", last_contact, CALLER, now)
            best = min(best, time.perf_counter() - started)
            warm_calls = dict(calls)
        calls.clear()
        repo.record_outcome("acme", last_contact, Outcome.MESSAGE, "p00001", "sms")
        outcome_calls = dict(calls)
    summary = {
        "earlier_contacts": args.earlier,
        "entries_shown_cold": len(cold_result.items),
        "entries_shown_last_warm": len(found.items),  # each warm lookup records its own contact too
        "lookup_round_trips_cold": sum(cold_calls.values()),
        "lookup_round_trips_cold_detail": cold_calls,
        "lookup_round_trips_warm": sum(warm_calls.values()),
        "lookup_round_trips_warm_detail": warm_calls,
        "outcome_round_trips": sum(outcome_calls.values()),
        "lookup_ms_best_moto": round(best * 1000, 2),
    }
    print(
        f"lookup: cold {summary['lookup_round_trips_cold']} round trips {cold_calls}, "
        f"warm {summary['lookup_round_trips_warm']} {warm_calls}, best {summary['lookup_ms_best_moto']} ms (moto); "
        f"outcome {summary['outcome_round_trips']} {outcome_calls}"
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
