"""A person's export and erasure (issue 20): round trips and time, with every kind of reference.

In moto (in process), the stack's tables (with the `by-person` indexes): the demo customer with
`--people` people; one of them has `--messages` messages in the customer's log (beside
`--others` messages to colleagues, which the log's query reads too), `--calls` caller history
entries and as many contact events naming them, and `--sign-ins` sign-in links and sessions.
Counts the DynamoDB round trips of the export and of the erasure (botocore's events) and times
both (wall and process CPU). The round trips are the figure that carries over to AWS; the times
are moto's: its TransactWriteItems deep-copies the whole table for its rollback, so the erasure's
time here grows with the table, which DynamoDB's does not. With the defaults (200 call records):
export 6 round trips, erasure 20 (7 Query, 3 BatchWriteItem, 7 DeleteItem, 3 TransactWriteItems);
moto: 1.9 s / 17.8 s wall, 0.5 s / 4.8 s CPU at a load of 17 on 2 cores.

    python benchmarks/person_erasure.py [--people 20] [--messages 60] [--others 300] [--calls 100] [--sign-ins 6]

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class _Keys:
    def key_for(self, tenant_id: str) -> bytes:
        return f"benchmark-{tenant_id}".encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--others", type=int, default=300)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--sign-ins", type=int, default=6)
    args = parser.parse_args()
    from telefonist_local.local_aws import FAKE_CREDENTIALS

    os.environ.update(FAKE_CREDENTIALS)  # moto in process: never a real account
    import boto3
    from moto import mock_aws
    from telefonist.caller_history import Outcome as HistoryOutcome
    from telefonist.dal.caller_history import CallerHistoryRepository
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.employee_access import DynamoAccessStore
    from telefonist.dal.person_data import PersonDataStore
    from telefonist.dal.secrets import KmsSecretCodec
    from telefonist.dal.statistics_repository import StatisticsRepository
    from telefonist.referral_automation.sign_in import Grant, digest
    from telefonist.resources import CUSTOMER_TABLE, MESSAGE_TABLE, STATISTICS_TABLE
    from telefonist.self_service.billing import InMemoryBillingSummarySource
    from telefonist.self_service.service import SelfService
    from telefonist.statistics.model import ContactEvent, Outcome

    from telefonist_local.local_aws import create_resources
    from telefonist_local.sample_data import DEFAULT_PRICE_LIST, DEMO_TENANT_ID
    from telefonist_local.self_service.demo_seed import seed_demo_customer

    with mock_aws():
        created = create_resources()
        dynamodb = boto3.resource("dynamodb")
        repo = CustomerRepository(
            dynamodb.Table(CUSTOMER_TABLE.local_name),
            secrets=KmsSecretCodec(boto3.client("kms"), created.secrets_key_id),
        )
        repo.put_price_list(DEFAULT_PRICE_LIST)
        messages, statistics = dynamodb.Table(MESSAGE_TABLE.local_name), dynamodb.Table(STATISTICS_TABLE.local_name)
        store = PersonDataStore(repo, messages, statistics)
        seed_demo_customer(SelfService(repo, InMemoryBillingSummarySource([])), people=args.people)
        tenant = DEMO_TENANT_ID
        people = [p.person_id for p in repo.load_directory(tenant).people]
        person, colleague = people[0], people[1]
        now = datetime.now(UTC)
        with messages.batch_writer() as batch:
            for n in range(args.messages + args.others):
                batch.put_item(
                    Item={
                        "pk": tenant,
                        "sk": f"01JD{n:022d}",
                        "person_id": person if n < args.messages else colleague,
                        "sms": {"text": f"Ring tillbaka {n}"},
                        "expires_at": int((now + timedelta(days=90)).timestamp()),
                    }
                )
        access = DynamoAccessStore(repo.table)
        for n in range(args.sign_ins):
            kind = "link" if n % 2 else "session"
            access.put_grant(kind, digest(f"token-{n}"), Grant(tenant, person, now + timedelta(hours=1)))
        history = CallerHistoryRepository(statistics, _Keys())
        events = []
        for n in range(args.calls):
            contact = f"c{n:05d}"
            history.look_up_and_record(tenant, contact, f"+4670{n:07d}", now - timedelta(minutes=n))
            history.record_outcome(tenant, contact, HistoryOutcome.TRANSFERRED, person)
            events.append(
                ContactEvent(
                    contact_id=contact,
                    version_us=1,
                    tenant_id=tenant,
                    day=date(2026, 11, 30),
                    number="+46852000001",
                    outcome=Outcome.ANSWERED,
                    fallback=False,
                    wait_seconds=10,
                    handling_seconds=40,
                    transferred=True,
                    transferred_to_person=person,
                    message_channels=(),
                )
            )
        StatisticsRepository(statistics).record_many(events)

        calls: Counter[str] = Counter()
        client = dynamodb.meta.client
        client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
        figures = {}
        for step, action in (("export", store.export), ("erase", store.erase)):
            calls.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            result = action(tenant, person)
            figures[step] = {
                "round_trips": sum(calls.values()),
                "detail": dict(sorted(calls.items())),
                "wall_ms_moto": round((time.perf_counter() - wall) * 1000, 1),
                "cpu_ms": round((time.process_time() - cpu) * 1000, 1),
            }
            if step == "export":
                assert isinstance(result, dict)
                counts = {k: len(result[k]) for k in ("messages", "caller_history", "contacts", "sign_ins")}
        left = [i for i in statistics.scan()["Items"] if person in json.dumps(i, default=str)]
        assert not left, "erasure left call records naming the person"
    summary = {
        "people": args.people,
        "exported": counts,
        "customer_messages": args.messages + args.others,
        **{f"{step}_{k}": v for step, f in figures.items() for k, v in f.items()},
        "load_1min": round(os.getloadavg()[0], 2),
    }
    for step, f in figures.items():
        print(
            f"{step}: {f['round_trips']} round trips {f['detail']}, {f['wall_ms_moto']} ms wall, {f['cpu_ms']} ms CPU"
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
