"""A week of calls through the real code paths, against moto's server on 127.0.0.1.

Every call goes through the inbound flow (flow simulator) and functions/contact_flow; the
operator searches with functions/directory_lookup, then transfers, relays or takes a message
(functions/notify, sent by functions/notify_sender). Connect's CTRs, with re-emitted versions
and duplicates, go to the Kinesis stream; functions/rating consumes them and writes billing
lines to S3; finance's queries then run in DuckDB over those lines.

The run checks itself: every call that reached an operator is rated exactly once, with the
tariff the simulator expects from what it decided (see demo/scenarios.py).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import boto3
from telefonist import config, resources
from telefonist.clock import simulated_time

from telefonist_local.api_events import rest_event
from telefonist_local.demo.ctr_builder import build_ctr, delivery_stream, transfer_leg
from telefonist_local.demo.scenarios import Action, CallScenario, generate_calls
from telefonist_local.local_aws import LocalLambdaContext

DEFAULT_WEEK = date(2027, 1, 4)  # Monday; Wednesday is Trettondedag jul, then a weekend
# The stack's event source mappings (tests/infra checks them): the whole stream is delivered at
# once, so each full batch goes to the function as its batching window would hand it.
RATING_BATCH_SIZE = 500  # infra/constructs/rating_construct.py BATCH_SIZE
STATISTICS_BATCH_SIZE = 200  # infra/constructs/contact_stats_construct.py BATCH_SIZE
KINESIS_PUT_BATCH = 500
RATING_RETRIES = 3
SENDER_BATCH_SIZE = 10  # the notify queue's event source mapping: the sender runs once ten are queued
UNROUTED_NUMBER = "+46852000099"  # claimed, but its route was never set up: callers still get an operator


@dataclass(frozen=True)
class DemoSettings:
    calls: int = 200
    seed: int = 7
    week_start: date = DEFAULT_WEEK
    people: int = 50
    port: int | None = None
    report_path: Path | None = None
    log_path: Path = Path("demo-out/lambda-logs.jsonl")
    progress: bool = True
    # The functions' boto3 calls reach moto's server application without the socket (InProcessTransport);
    # off by default: the demo talks to moto's server on 127.0.0.1, as the functions talk to AWS.
    in_process: bool = False


@dataclass
class CallOutcome:
    scenario: CallScenario
    reached_operator: bool
    attributes: dict[str, str]
    person_id: str | None = None
    transfer_to: str | None = None
    message_id: str | None = None

    @property
    def billable(self) -> bool:
        return self.reached_operator and self.scenario.action is not Action.ABANDONED


@dataclass
class DemoReport:
    calls: int = 0
    reached_operator: int = 0
    closed_hours: int = 0
    billable: int = 0
    ctr_records_delivered: int = 0
    rated_contacts: int = 0
    billing_objects: int = 0
    quarantined: int = 0
    tariff_mismatches: list[str] = field(default_factory=list)
    missing_contacts: list[str] = field(default_factory=list)
    unexpected_contacts: list[str] = field(default_factory=list)
    invoice: list[dict[str, Any]] = field(default_factory=list)
    over_budget: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    messages_per_channel: dict[str, int] = field(default_factory=dict)
    messages_failed: int = 0
    directory_searches: int = 0
    directory_hits: int = 0
    timings_s: dict[str, float] = field(default_factory=dict)  # wall seconds per phase
    cpu_s: dict[str, float] = field(default_factory=dict)  # CPU seconds of the process per phase (moto's too)
    lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.rated_contacts == self.billable
            and self.billing_objects == self.billable
            and not (self.tariff_mismatches or self.missing_contacts or self.unexpected_contacts)
        )

    def summary(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "lines"}
        data["ok"] = self.ok
        return data


class Phases:
    """Wall-clock and CPU time of each phase, for the report (on a busy machine wall time is the
    machine's, CPU time the demo's own)."""

    def __init__(self, report: DemoReport) -> None:
        self._report = report

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self._report.timings_s[name] = round(time.perf_counter() - started, 2)
            self._report.cpu_s[name] = round(time.process_time() - cpu_started, 2)


def operator_queries(people: list[Any]) -> list[str]:
    """What operators type: full names, surnames without accents, first-name prefixes, keywords."""
    from telefonist.directory.normalize import fold  # the same folding the search applies

    queries: list[str] = []
    for person in people:
        queries += [person.full_name, fold(person.last_name), person.first_name[:3], person.keywords[0]]
    return queries


def dialed_numbers(claimed: list[str]) -> list[str]:
    """The numbers callers dial, weighted: mostly the switchboard, some the other common numbers,
    a few a number nobody routed (the fallback path)."""
    return [claimed[0]] * 16 + claimed[1:] * 3 + [UNROUTED_NUMBER]


def run_demo(settings: DemoSettings, out: Callable[[str], None] = print) -> DemoReport:
    """Run the whole job locally; the report says whether every billable call was rated once."""
    from telefonist_local.local_aws import create_resources, moto_server, patched_environment

    report = DemoReport()
    phase = Phases(report)
    settings.log_path.parent.mkdir(parents=True, exist_ok=True)
    server = moto_server(settings.port, in_process=settings.in_process)
    with server as endpoint, settings.log_path.open("w") as lambda_log:
        out(f"Local AWS (moto) on {endpoint}; function logs in {settings.log_path}")
        with phase("resources"):
            created = create_resources()
        with patched_environment({**created.environment, "POWERTOOLS_TRACE_DISABLED": "true"}):
            _Run(settings, report, phase, lambda_log, out, created.secrets_key_id).run()
    if settings.report_path:
        settings.report_path.parent.mkdir(parents=True, exist_ok=True)
        settings.report_path.write_text(json.dumps({**report.summary(), "lines": report.lines}, default=str))
    return report


@dataclass
class _Run:
    settings: DemoSettings
    report: DemoReport
    phase: Phases
    lambda_log: TextIO
    out: Callable[[str], None]
    secrets_key_id: str
    _delivered: list[list[dict[str, Any]]] = field(default_factory=list)  # the stream's batches, in order
    _sqs: Any = None  # the notify queue's poller's client (created at the first poll)

    @contextlib.contextmanager
    def _functions(self) -> Iterator[None]:
        """Handlers print their metrics (EMF) and logs to stdout, as in Lambda: keep both in the log file.

        The logger's handler holds the stream it was created with, so redirecting stdout alone
        would still print warnings (an unrouted number, say) between the demo's own lines.
        """
        from telefonist.observability import logger

        handler = logger.registered_handler
        stream_handler = handler if isinstance(handler, logging.StreamHandler) else None
        previous = stream_handler.setStream(self.lambda_log) if stream_handler else None
        try:
            with contextlib.redirect_stdout(self.lambda_log):
                yield
        finally:
            if stream_handler is not None and previous is not None:
                stream_handler.setStream(previous)

    def _progress(self, items: list[Any], desc: str) -> Any:
        from tqdm import tqdm

        return tqdm(items, desc=desc, unit=" call", disable=not self.settings.progress, leave=True)

    def run(self) -> None:
        with self.phase("seed"), self._functions():  # the self-service use cases log as the function would
            tenant_id, people, numbers = self.seed()
        self.out(f"Seeded customer {tenant_id}: {len(people)} people, numbers {', '.join(numbers)}")
        calls = generate_calls(
            self.settings.calls,
            self.settings.seed,
            self.settings.week_start,
            dialed_numbers(numbers),
            operator_queries(people),
        )
        with self.phase("calls"):
            outcomes = self.answer_calls(calls, tenant_id)
        with self.phase("messages"):
            self.send_messages()
        with self.phase("rating"):
            self.stream_and_rate(outcomes)
        with self.phase("statistics"):
            self.record_statistics()
        with self.phase("finance"):
            self.finance_queries(outcomes)
        self.verify(outcomes)

    # ------------------------------------------------------------------ seeding
    def seed(self) -> tuple[str, list[Any], list[str]]:
        """The demo customer through the self-service use cases, as its administrator would."""
        from telefonist.dal.customer_repository import CustomerRepository
        from telefonist.dal.secrets import KmsSecretCodec
        from telefonist.self_service.billing import UnavailableBillingSummarySource
        from telefonist.self_service.service import SelfService

        from telefonist_local.sample_data import DEFAULT_PRICE_LIST
        from telefonist_local.self_service.demo_seed import seed_demo_customer

        repo = CustomerRepository(
            boto3.resource("dynamodb").Table(resources.CUSTOMER_TABLE.local_name),
            secrets=KmsSecretCodec(boto3.client("kms"), self.secrets_key_id),
        )
        profile = seed_demo_customer(SelfService(repo, UnavailableBillingSummarySource()), self.settings.people)
        repo.put_price_list(DEFAULT_PRICE_LIST)  # the provider's price list, not the customer's data
        directory = repo.load_directory(profile.tenant_id)
        return profile.tenant_id, directory.people, [n.phone_number for n in profile.claimed_numbers]

    # ------------------------------------------------------------------ the calls
    def answer_calls(self, calls: list[CallScenario], tenant_id: str) -> list[CallOutcome]:
        from functions.contact_flow import handler as contact_flow
        from functions.directory_lookup import handler as directory_lookup
        from functions.notify import handler as notify
        from telefonist_local.connect.flow_simulator import SimulatedContact, inbound_simulator

        context = LocalLambdaContext(function_name="contact-flow")
        simulator = inbound_simulator(lambda _arn, event: contact_flow.lambda_handler(event, context))
        outcomes = []
        queued = 0
        with self._functions():
            for call in self._progress(calls, "calls"):
                with simulated_time(call.answered_at):  # the functions see the call's own time
                    flow = simulator.run(
                        SimulatedContact(
                            dialed_number=call.dialed_number,
                            caller_number=call.caller_number,
                            contact_id=call.contact_id,
                        )
                    )
                    outcome = CallOutcome(call, reached_operator=flow.queued_to is not None, attributes=flow.attributes)
                    outcomes.append(outcome)
                    if outcome.billable:
                        self.operator_handles(outcome, tenant_id, directory_lookup, notify)
                    queued += outcome.message_id is not None
                    if queued >= SENDER_BATCH_SIZE:
                        # As in the cloud, messages are sent while calls go on, not after the week:
                        # the queue stays short (moto's receive is quadratic in the queue's length).
                        self._drain_notify_queue()
                        queued = 0
        self.report.calls = len(calls)
        self.report.reached_operator = sum(o.reached_operator for o in outcomes)
        self.report.closed_hours = len(calls) - self.report.reached_operator
        self.report.billable = sum(o.billable for o in outcomes)
        return outcomes

    def operator_handles(self, outcome: CallOutcome, tenant_id: str, directory_lookup: Any, notify: Any) -> None:
        call = outcome.scenario
        if not outcome.attributes.get("tenant_id"):
            # The neutral fallback script: no customer, no directory; the operator informs only.
            outcome.scenario = dataclasses.replace(call, action=Action.INFORMATION)
            return
        context = LocalLambdaContext(function_name="directory-lookup")
        search = rest_event("GET", f"/operator/tenants/{tenant_id}/directory", query={"q": call.query, "limit": "5"})
        answer = directory_lookup.lambda_handler(search, context)
        self.report.directory_searches += 1
        matches = json.loads(answer["body"]).get("matches", []) if answer["statusCode"] == 200 else []
        if not matches:
            outcome.scenario = dataclasses.replace(call, action=Action.INFORMATION)
            return
        self.report.directory_hits += 1
        best = matches[0]
        outcome.person_id = best["person"]["person_id"]
        if call.action in (Action.TRANSFER, Action.RELAY) and best["transfer_numbers"]:
            outcome.transfer_to = best["transfer_numbers"][0]
        elif call.action is Action.MESSAGE:
            message = {
                "person_id": outcome.person_id,
                "request_id": call.contact_id,
                "caller_name": "Kund Kundsson",
                "caller_number": call.caller_number,
                "caller_company": "Kundbolaget AB",
                "text": "Ring tillbaka angående offerten, tack.",
                "callback_wanted": True,
                "common_number_id": outcome.attributes.get("common_number_id") or None,
            }
            submitted = notify.lambda_handler(
                rest_event("POST", f"/tenants/{tenant_id}/messages", body=message),
                LocalLambdaContext(function_name="notify"),
            )
            if submitted["statusCode"] == 202:
                outcome.message_id = json.loads(submitted["body"])["message_id"]

    def send_messages(self) -> None:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        with self._functions():
            self._drain_notify_queue()
        region = config.DEFAULT_REGION
        self.report.messages_per_channel = {
            "sms": len(sns_backends[DEFAULT_ACCOUNT_ID][region].sms_messages),
            "email": len(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages),
        }

    def _drain_notify_queue(self) -> None:
        """The sender's event source mapping: poll the notify queue until it is empty."""
        from telefonist_local.notify_queue import process_queue_once

        if self._sqs is None:
            self._sqs = boto3.client("sqs")  # one client for the run's polls, as the mapping keeps one
        for _ in range(1000):  # bounded: each poll takes up to 10 messages
            run = process_queue_once(sqs=self._sqs)
            self.report.messages_failed += len(run.failed_message_ids)
            if not run.received:
                break

    # ------------------------------------------------------------------ CTRs and rating
    def stream_and_rate(self, outcomes: list[CallOutcome]) -> None:
        versions: list[list[dict[str, Any]]] = []
        for index, outcome in enumerate(outcomes):
            call = outcome.scenario
            if not outcome.reached_operator:
                continue  # closed-hours message: the caller was never queued
            final = build_ctr(call, outcome.attributes, outcome.transfer_to)
            per_call = [build_ctr(call, outcome.attributes, outcome.transfer_to, final=False), final]
            versions.append(per_call if outcome.billable and index % 4 == 0 else [final])
            if final.get("NextContactId"):
                versions.append([transfer_leg(final)])
        stream = delivery_stream(versions, self.settings.seed)
        self.report.ctr_records_delivered = len(stream)
        kinesis = boto3.client("kinesis")
        name = resources.CTR_STREAM.local_name
        for start in range(0, len(stream), KINESIS_PUT_BATCH):
            chunk = stream[start : start + KINESIS_PUT_BATCH]
            kinesis.put_records(
                StreamName=name,
                Records=[{"Data": json.dumps(r).encode(), "PartitionKey": r["ContactId"]} for r in chunk],
            )
        self.consume(kinesis, name)

    def consume(self, kinesis: Any, name: str) -> None:
        """What the event source mapping does: batches in order, failed items retried."""
        from functions.rating import handler as rating

        description = kinesis.describe_stream(StreamName=name)["StreamDescription"]
        context = LocalLambdaContext(function_name="rating")
        for shard in description["Shards"]:
            iterator = kinesis.get_shard_iterator(
                StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = kinesis.get_records(ShardIterator=iterator, Limit=RATING_BATCH_SIZE)
                records = [_lambda_record(r, shard["ShardId"], description["StreamARN"]) for r in page["Records"]]
                if not records:
                    break
                with self._functions():
                    self._rate_batch(rating, records, context)
                self._delivered.append(records)
                iterator = page.get("NextShardIterator")

    def _rate_batch(self, rating: Any, records: list[dict[str, Any]], context: Any) -> None:
        pending = records
        for _ in range(RATING_RETRIES + 1):
            response = rating.lambda_handler({"Records": pending}, context)
            failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
            if not failed:
                return
            pending = [r for r in pending if r["kinesis"]["sequenceNumber"] in failed]
        raise RuntimeError(f"{len(pending)} CTR record(s) still failing after {RATING_RETRIES} retries")

    def record_statistics(self) -> None:
        """The stream's second consumer (functions/contact_stats) over the same records, in its own
        mapping's batches: contact events and daily statistics (issue 20); its own phase, so
        rating's time stays rating's."""
        from functions.contact_stats import handler as contact_stats

        delivered = [record for batch in self._delivered for record in batch]
        with self._functions():
            for start in range(0, len(delivered), STATISTICS_BATCH_SIZE):
                records = delivered[start : start + STATISTICS_BATCH_SIZE]
                response = contact_stats.handle({"Records": records}, contact_stats.dependencies())
                if response["batchItemFailures"]:
                    failed = len(response["batchItemFailures"])
                    raise RuntimeError(f"{failed} CTR record(s) failed in contact statistics")

    # ------------------------------------------------------------------ finance
    def finance_queries(self, outcomes: list[CallOutcome]) -> None:
        from telefonist.dal.billing_table import BillingTable, BillingTableSettings

        from telefonist_local.rating.finance import run_finance_query

        # the rating function's Iceberg table (this process's local catalog, warehouse in moto's S3)
        table = BillingTable(BillingTableSettings.from_environ(os.environ, resources.BILLING_BUCKET.local_name))
        months = sorted({o.scenario.answered_at.strftime("%Y-%m") for o in outcomes if o.billable})
        rows = table.rows()
        self.report.billing_objects = len(rows)  # rows of the table: one per billed contact
        tenants = sorted({r["tenant_id"] for r in rows if r["tenant_id"] is not None})
        for month in months:
            for tenant in tenants:
                params = {"tenant_id": tenant, "month": month}
                self.report.invoice += run_finance_query("monthly_invoice", table, params)
            self.report.over_budget += run_finance_query(
                "calls_over_45s_share", table, {"month": month, "threshold_percent": 25}
            )
            self.report.unresolved += run_finance_query("unresolved_lines", table, {"month": month})
        self.report.lines = rows
        quarantine = boto3.client("s3").list_objects_v2(Bucket=resources.QUARANTINE_BUCKET.local_name)
        self.report.quarantined = quarantine.get("KeyCount", 0)

    # ------------------------------------------------------------------ the check
    def verify(self, outcomes: list[CallOutcome]) -> None:
        from telefonist.dal.ledger_repository import LedgerRepository  # noqa: F401  (documents the store)

        expected = {o.scenario.contact_id: o.scenario for o in outcomes if o.billable}
        ledger = boto3.resource("dynamodb").Table(resources.LEDGER_TABLE.local_name)
        # Rated = a line is written (`last_updated_us`); an item with only claimed keys is not.
        rated = {item["contact_id"] for item in _scan(ledger) if "last_updated_us" in item}
        self.report.rated_contacts = len(rated)
        self.report.missing_contacts = sorted(set(expected) - rated)
        self.report.unexpected_contacts = sorted(rated - set(expected))
        for line in self.report.lines:
            scenario = expected.get(line["contact_id"])
            if scenario and int(line["tariff"]) != scenario.expected_tariff:
                self.report.tariff_mismatches.append(
                    f"{line['contact_id']}: tariff {line['tariff']}, expected {scenario.expected_tariff}"
                )


def _lambda_record(record: dict[str, Any], shard_id: str, stream_arn: str) -> dict[str, Any]:
    """A Kinesis record as Lambda's event source mapping hands it to the function."""
    arrival = record.get("ApproximateArrivalTimestamp")
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": record["PartitionKey"],
            "sequenceNumber": record["SequenceNumber"],
            "data": base64.b64encode(record["Data"]).decode(),
            "approximateArrivalTimestamp": arrival.timestamp() if arrival else time.time(),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{record['SequenceNumber']}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/rating",
        "awsRegion": config.DEFAULT_REGION,
        "eventSourceARN": stream_arn,
    }


def _scan(table: Any) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def channel_counts(outcomes: list[CallOutcome]) -> Counter[str]:
    return Counter(o.scenario.action.value for o in outcomes)
