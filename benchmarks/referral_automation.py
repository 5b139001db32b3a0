"""Referral automation (issue 21): our own time from an SMS command or a Graph notification to the
referral stored, in process against moto and a fake Graph on 127.0.0.1.

Not AWS or Microsoft latency: End User Messaging's delivery to SNS and Graph's notification delivery
come on top (Graph's goal for notifications is seconds; the sync's lag goal is under a minute).
Wall and CPU per operation over `runs` operations after a warm-up; the load average beside them.
Last line: JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
    }


def main(runs: int = 50) -> None:
    sys.path[:0] = [str(ROOT / "layers"), str(ROOT)]
    from telefonist_local.local_aws import FAKE_CREDENTIALS

    os.environ.update(FAKE_CREDENTIALS)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update({"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING"})
    import boto3
    from moto import mock_aws
    from telefonist.calendar_sync.rules import CalendarRules
    from telefonist.calendar_sync.sync import CalendarSync, InMemorySyncState
    from telefonist.clock import simulated_time
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.graph_client import UrllibGraphApi
    from telefonist.models.directory import MessagePreference, Person, PersonPhone, PhoneKind
    from telefonist.resources import CUSTOMER_TABLE
    from telefonist.self_service.billing import UnavailableBillingSummarySource
    from telefonist.self_service.service import SelfService

    from functions.inbound_sms import handler as inbound
    from telefonist_local.local_aws import LocalLambdaContext, create_resources, patched_environment
    from tests.graph_fake import fake_graph

    now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    results: dict[str, object] = {"runs": runs, "load_average": [round(x, 2) for x in os.getloadavg()]}
    with mock_aws():
        created = create_resources()
        with patched_environment(created.environment):
            repo = CustomerRepository(boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name))
            person = Person(
                person_id="eva",
                first_name="Eva",
                last_name="Lind",
                phones=[PersonPhone(kind=PhoneKind.MOBILE, number="+46701234567")],
                message_preference=MessagePreference.SMS,
            )
            repo.put_person("acme", person)
            context = LocalLambdaContext(function_name="inbound-sms")

            def sms(body: str) -> dict[str, object]:
                message = json.dumps({"originationNumber": "+46701234567", "messageBody": body})
                return {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": message}}]}

            walls, cpus = [], []
            with simulated_time(now):
                inbound.lambda_handler(sms("LUNCH 13"), context)
                for i in range(runs):
                    event = sms("LUNCH 13" if i % 2 else "IN")
                    wall, cpu = time.perf_counter(), time.process_time()
                    inbound.lambda_handler(event, context)
                    walls.append(time.perf_counter() - wall)
                    cpus.append(time.process_time() - cpu)
            results["sms_command_wall"] = _percentiles(walls)
            results["sms_command_cpu"] = _percentiles(cpus)

            service = SelfService(repo, UnavailableBillingSummarySource())
            with fake_graph() as graph:
                api = UrllibGraphApi(lambda: "token", base_url=f"{graph.url}/v1.0")
                sync = CalendarSync(
                    lambda _t: api, InMemorySyncState(), lambda: service, lambda _t: CalendarRules(), "https://x/"
                )
                with simulated_time(now):
                    sync.subscribe("acme", "eva", "user-1")
                walls, cpus = [], []
                for i in range(runs):
                    start = now + timedelta(hours=1, minutes=i)
                    graph.put_event(
                        "user-1",
                        {
                            "id": f"E{i % 5}",
                            "subject": "Möte",
                            "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
                            "end": {
                                "dateTime": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
                                "timeZone": "UTC",
                            },
                            "showAs": "busy",
                        },
                    )
                    body = graph.notification("user-1", f"E{i % 5}")
                    wall, cpu = time.perf_counter(), time.process_time()
                    with simulated_time(now):
                        sync.notified(body)
                    walls.append(time.perf_counter() - wall)
                    cpus.append(time.process_time() - cpu)
            results["calendar_notification_to_referral_wall"] = _percentiles(walls)
            results["calendar_notification_to_referral_cpu"] = _percentiles(cpus)
    for key, value in results.items():
        print(f"{key}: {value}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
