"""`telefonist smoke --stack NAME`: a smoke check of a deployed stack, which it leaves as it found it.

Resources come from CloudFormation (describe-stack-resources, by the logical-id prefixes of
`infra/service_stack.py`; tests/infra checks them against the synthesized template). Then:
1. seeds a test tenant (`smoke-<hex>`) with a test number, its route and one person;
2. invokes the contact-flow function with Connect's event for that number: the tenant's script;
3. invokes the directory lookup for the test person: found;
4. invokes the rating function with a Kinesis event of one answered CTR for the number: rated, the
   ledger has the contact;
5. removes all of it: the tenant's items, the route, the ledger entry, the billing rows of the
   tenant's partition (the CTR archive keeps the raw batch, as it keeps every batch).
Each step prints one line; exit status 1 when any step failed (cleanup runs whatever happened).
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telefonist import resources

from telefonist_local.api_events import rest_event

Invoker = Callable[[str, dict[str, Any]], Any]
"""(function name, payload) → the function's JSON result; a failed invocation raises."""
BillingCleanup = Callable[[str, str], None]
"""(tenant id, month YYYY-MM) → the tenant's billing rows of that month removed."""

# Logical-id prefixes in the synthesized template (construct paths; CDK appends a hash).
LOGICAL_IDS = {
    "contact_flow": ("AWS::Lambda::Function", "ConnectContactFlowFunction"),
    "directory_lookup": ("AWS::Lambda::Function", "DirectoryDirectoryLookupFunction"),
    "rating": ("AWS::Lambda::Function", "RatingRatingFunction"),
    "customer_table": ("AWS::DynamoDB::Table", f"Data{resources.CUSTOMER_TABLE.logical_id}"),
    "ledger_table": ("AWS::DynamoDB::Table", f"Data{resources.LEDGER_TABLE.logical_id}"),
    "billing_bucket": ("AWS::S3::Bucket", f"Data{resources.BILLING_BUCKET.logical_id}"),
}
TEST_NUMBER = "+46852099999"  # a Stockholm number of the test tenant, never claimed in Connect
TEST_CALLER = "+46700000000"
TEST_PERSON = ("Smokey", "Testsson")


class SmokeError(RuntimeError):
    """A step's outcome was not what a healthy stack gives."""


@dataclass(frozen=True)
class StackResources:
    contact_flow: str
    directory_lookup: str
    rating: str
    customer_table: str
    ledger_table: str
    billing_bucket: str

    @classmethod
    def from_cloudformation(cls, cloudformation: Any, stack: str) -> StackResources:
        listed = cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
        found: dict[str, str] = {}
        for name, (kind, prefix) in LOGICAL_IDS.items():
            matches = [
                r["PhysicalResourceId"]
                for r in listed
                if r["ResourceType"] == kind and _matches(r["LogicalResourceId"], prefix)
            ]
            if len(matches) != 1:
                raise SmokeError(f"stack {stack}: {len(matches)} resources {kind} {prefix}*, expected one")
            found[name] = matches[0]
        return cls(**found)


def _matches(logical_id: str, prefix: str) -> bool:
    """`prefix` and CDK's 8-character hash, nothing else (RatingRatingFunctionRole… is not the function)."""
    return logical_id.startswith(prefix) and len(logical_id) == len(prefix) + 8


def lambda_invoker(client: Any) -> Invoker:
    def invoke(function_name: str, payload: dict[str, Any]) -> Any:
        response = client.invoke(FunctionName=function_name, Payload=json.dumps(payload).encode())
        body = response["Payload"].read()
        if response.get("FunctionError"):
            raise SmokeError(f"{function_name} failed: {body[:500]!r}")
        return json.loads(body) if body else None

    return invoke


def iceberg_cleanup(billing_bucket: str) -> BillingCleanup:
    """The deployed table (Glue catalog, the billing bucket's lines/): delete one tenant's partition."""

    def cleanup(tenant_id: str, month: str) -> None:
        import os

        from telefonist.dal.billing_table import BillingTable, BillingTableSettings, _partition_filter, lines_to_arrow

        table = BillingTable(BillingTableSettings.from_environ(os.environ, billing_bucket))
        table.commit(lines_to_arrow([]), _partition_filter(month, tenant_id))

    return cleanup


@dataclass
class SmokeCheck:
    """The steps against one stack; `invoke`, `dynamodb` and `cleanup_billing` are injected."""

    stack: StackResources
    invoke: Invoker
    dynamodb: Any  # a boto3 DynamoDB service resource
    cleanup_billing: BillingCleanup
    tenant_id: str = field(default_factory=lambda: f"smoke-{secrets.token_hex(4)}")
    contact_id: str = field(default_factory=lambda: f"smoke-{secrets.token_hex(8)}")
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    report: Callable[[str], None] = print

    def run(self) -> list[str]:
        """Every step's failure (empty when the stack is healthy); cleanup runs in any case."""
        failures: list[str] = []
        with self._test_tenant():
            for name, step in (
                ("contact flow", self.check_contact_flow),
                ("directory search", self.check_directory),
                ("rating", self.check_rating),
            ):
                try:
                    self.report(f"ok   {name}: {step()}")
                except Exception as exc:  # every step reports, then the next runs
                    failures.append(f"{name}: {exc}")
                    self.report(f"FAIL {name}: {exc}")
        return failures

    # ---------------------------------------------------------------- test data
    def _repository(self) -> Any:
        from telefonist.dal.customer_repository import CustomerRepository

        return CustomerRepository(self.dynamodb.Table(self.stack.customer_table))

    @contextmanager
    def _test_tenant(self) -> Iterator[None]:
        from telefonist.models.directory import Person
        from telefonist.models.tenant import ClaimedNumber

        from telefonist_local.sample_data import demo_common_numbers, demo_tenant

        repo = self._repository()
        try:
            tenant = demo_tenant(self.tenant_id, name="Smoke Test AB").model_copy(
                update={"claimed_numbers": [ClaimedNumber(phone_number=TEST_NUMBER, common_number_id="vaxel")]}
            )
            repo.put_tenant(tenant)
            repo.put_common_number(self.tenant_id, demo_common_numbers(self.now)[0])
            first, last = TEST_PERSON
            repo.put_person(
                self.tenant_id,
                Person(person_id="smoke", first_name=first, last_name=last, email="smoke@telefonist.example"),
            )
            repo.rebuild_routes(self.tenant_id)
            self.report(f"ok   seeded tenant {self.tenant_id} on {TEST_NUMBER}")
            yield
        finally:
            self.cleanup()

    def cleanup(self) -> None:
        from boto3.dynamodb.conditions import Key
        from telefonist.dal import keys

        table = self.dynamodb.Table(self.stack.customer_table)
        pk, sk = resources.CUSTOMER_TABLE.partition_key, resources.CUSTOMER_TABLE.sort_key
        with table.batch_writer() as batch:
            for partition in (keys.tenant_pk(self.tenant_id), keys.number_pk(TEST_NUMBER)):
                query: dict[str, Any] = {"KeyConditionExpression": Key(pk).eq(partition)}
                while True:
                    page = table.query(**query)
                    for item in page["Items"]:
                        batch.delete_item(Key={pk: item[pk], **({sk: item[sk]} if sk else {})})
                    if "LastEvaluatedKey" not in page:
                        break
                    query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            # The operators' list of customers holds one entry per tenant, outside its partition.
            batch.delete_item(Key={pk: keys.CUSTOMER_LIST_PK, sk: keys.customer_entry_sk(self.tenant_id)})
        ledger_key = resources.LEDGER_TABLE.partition_key
        self.dynamodb.Table(self.stack.ledger_table).delete_item(Key={ledger_key: self.contact_id})
        self.cleanup_billing(self.tenant_id, self._answered().strftime("%Y-%m"))
        self.report(f"ok   removed tenant {self.tenant_id}, its route, list entry, ledger entry and billing rows")

    # ---------------------------------------------------------------- steps
    def check_contact_flow(self) -> str:
        event = {
            "Name": "ContactFlowEvent",
            "Details": {
                "ContactData": {
                    "ContactId": self.contact_id,
                    "Channel": "VOICE",
                    "InitiationMethod": "INBOUND",
                    "SystemEndpoint": {"Address": TEST_NUMBER, "Type": "TELEPHONE_NUMBER"},
                    "CustomerEndpoint": {"Address": TEST_CALLER, "Type": "TELEPHONE_NUMBER"},
                    "Attributes": {},
                },
                "Parameters": {},
            },
        }
        attributes = self.invoke(self.stack.contact_flow, event)
        if not isinstance(attributes, dict) or attributes.get("tenant_id") != self.tenant_id:
            raise SmokeError(f"expected the script of {self.tenant_id}, got {attributes!r}")
        if attributes.get("lookup") != "ok":
            raise SmokeError(f"route lookup {attributes.get('lookup')!r}, expected 'ok'")
        return f"{TEST_NUMBER} → {self.tenant_id}'s script"

    def check_directory(self) -> str:
        search = rest_event(
            "GET", f"/operator/tenants/{self.tenant_id}/directory", query={"q": TEST_PERSON[1], "limit": "5"}
        )
        answer = self.invoke(self.stack.directory_lookup, search)  # as API Gateway would, as an operator
        if not isinstance(answer, dict) or answer.get("statusCode") != 200:
            raise SmokeError(f"search refused: {answer!r}")
        result = json.loads(answer["body"])
        if not result.get("count"):
            raise SmokeError(f"{TEST_PERSON[1]} not found in {self.tenant_id}'s directory")
        return f"'{TEST_PERSON[1]}' found ({result['count']})"

    def _answered(self) -> datetime:
        return (self.now - timedelta(minutes=5)).replace(microsecond=0)

    def synthetic_ctr(self) -> dict[str, Any]:
        answered = self._answered()

        def stamp(moment: datetime) -> str:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "AWSContactTraceRecordFormatVersion": "2017-03-10",
            "ContactId": self.contact_id,
            "Channel": "VOICE",
            "InitiationMethod": "INBOUND",
            "InitiationTimestamp": stamp(answered - timedelta(seconds=10)),
            "ConnectedToSystemTimestamp": stamp(answered - timedelta(seconds=10)),
            "DisconnectTimestamp": stamp(answered + timedelta(seconds=30)),
            "LastUpdateTimestamp": stamp(answered + timedelta(seconds=45)),
            "SystemEndpoint": {"Address": TEST_NUMBER, "Type": "TELEPHONE_NUMBER"},
            "CustomerEndpoint": {"Address": TEST_CALLER, "Type": "TELEPHONE_NUMBER"},
            "Attributes": {"tenant_id": self.tenant_id},
            "Agent": {
                "ConnectedToAgentTimestamp": stamp(answered),
                "AgentInteractionDuration": 30,
                "AfterContactWorkDuration": 10,
            },
            "TransferCompletedTimestamp": None,
            "TransferredToEndpoint": None,
        }

    def kinesis_event(self) -> dict[str, Any]:
        sequence = f"{int(self.now.timestamp() * 1000):056d}"
        return {
            "Records": [
                {
                    "kinesis": {
                        "kinesisSchemaVersion": "1.0",
                        "partitionKey": self.contact_id,
                        "sequenceNumber": sequence,
                        "data": base64.b64encode(json.dumps(self.synthetic_ctr()).encode()).decode(),
                        "approximateArrivalTimestamp": self.now.timestamp(),
                    },
                    "eventSource": "aws:kinesis",
                    "eventVersion": "1.0",
                    "eventID": f"shardId-smoke:{sequence}",
                    "eventName": "aws:kinesis:record",
                }
            ]
        }

    def check_rating(self) -> str:
        result = self.invoke(self.stack.rating, self.kinesis_event())
        if not isinstance(result, dict) or result.get("batchItemFailures"):
            raise SmokeError(f"the CTR was not rated: {result!r}")
        ledger_key = resources.LEDGER_TABLE.partition_key
        entry = self.dynamodb.Table(self.stack.ledger_table).get_item(Key={ledger_key: self.contact_id}).get("Item")
        if not entry:
            raise SmokeError(f"no ledger entry for contact {self.contact_id}")
        return f"contact {self.contact_id} rated into {self.tenant_id} (ledger entry written)"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "smoke",
        help="smoke-check a deployed stack (call path, directory, rating), then clean up",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stack", required=True, help="the CloudFormation stack (e.g. Telefonist)")
    parser.add_argument("--region", default=None, help="default: the credentials' region")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3

    session = boto3.Session(region_name=args.region)
    try:
        stack = StackResources.from_cloudformation(session.client("cloudformation"), args.stack)
    except SmokeError as exc:
        print(f"telefonist smoke: {exc}", file=sys.stderr)
        return 1
    check = SmokeCheck(
        stack=stack,
        invoke=lambda_invoker(session.client("lambda")),
        dynamodb=session.resource("dynamodb"),
        cleanup_billing=iceberg_cleanup(stack.billing_bucket),
    )
    failures = check.run()
    print("smoke: ok" if not failures else f"smoke: {len(failures)} step(s) failed", file=sys.stderr)
    return 1 if failures else 0
