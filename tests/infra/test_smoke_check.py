"""`telefonist smoke`: the resource lookup against the synthesized template, and the orchestration
against moto's server.

What this covers: the logical-id prefixes the check looks for name exactly one resource each in
the real template; against moto, a CloudFormation stack with those logical ids (tables and buckets
as the template declares them, stand-in functions) is found by describe-stack-resources, and the
check seeds, runs its three steps and cleans up. The invoker is injected: it calls the three real
handlers in this process with the environment CDK would give them (moto cannot run Lambda code
without Docker), so the functions' packages, roles and Connect's own invocation are not covered
here; `make bundle` and tests/infra/test_deploy_walkthrough.py cover the packages.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest
from aws_cdk.assertions import Template
from telefonist import config
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.resources import ARCHIVE_BUCKET, QUARANTINE_BUCKET

from telefonist_local.cli import smoke
from telefonist_local.local_aws import LocalResources, patched_environment
from telefonist_local.sample_data import DEFAULT_PRICE_LIST


def _logical_ids(template: Template) -> dict[str, str]:
    found = {}
    for name, (kind, prefix) in smoke.LOGICAL_IDS.items():
        ids = [k for k in template.find_resources(kind) if smoke._matches(k, prefix)]
        assert len(ids) == 1, (name, ids)
        found[name] = ids[0]
    return found


def test_the_check_finds_each_resource_once_in_the_synthesized_template(template: Template) -> None:
    _logical_ids(template)


@pytest.fixture
def moto_stack(template: Template, served_stack: tuple[LocalResources, str]) -> tuple[LocalResources, str]:
    """moto's server with the local resources, and a CloudFormation stack `Smoke` holding the
    template's own tables and billing bucket (same logical ids) and stand-ins for the functions."""
    ids = _logical_ids(template)
    real = template.to_json()["Resources"]
    resources: dict[str, Any] = {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
        }
    }
    for name, logical_id in ids.items():
        kind = real[logical_id]["Type"]
        if kind == "AWS::Lambda::Function":
            resources[logical_id] = {
                "Type": kind,
                "Properties": {
                    "Runtime": "python3.11",
                    "Handler": "index.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"ZipFile": "def handler(event, context):\n    return {}\n"},
                },
            }
        elif kind == "AWS::DynamoDB::Table":
            keep = ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode")
            resources[logical_id] = {
                "Type": kind,
                "Properties": {k: v for k, v in real[logical_id]["Properties"].items() if k in keep},
            }
        else:
            resources[logical_id] = {"Type": kind}
        del name
    boto3.client("cloudformation").create_stack(StackName="Smoke", TemplateBody=json.dumps({"Resources": resources}))
    return served_stack


def _handlers_invoker(stack: smoke.StackResources) -> smoke.Invoker:
    """Runs the handler of the named function here, with the environment CDK gives that function."""
    from functions.contact_flow import handler as contact_flow
    from functions.directory_lookup import handler as directory_lookup
    from functions.rating import handler as rating

    shared = {config.ENV_CUSTOMER_TABLE: stack.customer_table}
    rating_env = {
        **shared,
        config.ENV_LEDGER_TABLE: stack.ledger_table,
        config.ENV_BILLING_BUCKET: stack.billing_bucket,
        config.ENV_ARCHIVE_BUCKET: ARCHIVE_BUCKET.local_name,
        config.ENV_QUARANTINE_BUCKET: QUARANTINE_BUCKET.local_name,
    }
    handlers = {
        stack.contact_flow: (contact_flow, shared),
        stack.directory_lookup: (directory_lookup, shared),
        stack.rating: (rating, rating_env),
    }
    invoked: list[str] = []

    def invoke(function_name: str, payload: dict[str, Any]) -> Any:
        handler, environment = handlers[function_name]
        invoked.append(function_name)
        with patched_environment(environment):
            # each invoke a cold start: the function's composition root, under the environment CDK gives it
            return json.loads(json.dumps(handler.handle(payload, handler.dependencies.__wrapped__())))

    invoke.invoked = invoked  # type: ignore[attr-defined]
    return invoke


def test_the_smoke_check_seeds_checks_the_three_paths_and_cleans_up(moto_stack) -> None:
    stack = smoke.StackResources.from_cloudformation(boto3.client("cloudformation"), "Smoke")
    dynamodb = boto3.resource("dynamodb")
    CustomerRepository(dynamodb.Table(stack.customer_table)).put_price_list(DEFAULT_PRICE_LIST)  # the operator's
    invoke = _handlers_invoker(stack)
    lines: list[str] = []
    check = smoke.SmokeCheck(
        stack=stack,
        invoke=invoke,
        dynamodb=dynamodb,
        cleanup_billing=smoke.iceberg_cleanup(stack.billing_bucket),
        report=lines.append,
    )
    billing = BillingTable(BillingTableSettings.from_environ(os.environ, stack.billing_bucket))
    written: list[int] = []
    original = check.check_rating

    def rating_then_count() -> str:
        outcome = original()
        written.append(sum(1 for row in billing.rows() if row["tenant_id"] == check.tenant_id))
        return outcome

    check.check_rating = rating_then_count  # type: ignore[method-assign]

    assert check.run() == [], lines
    assert invoke.invoked == [stack.contact_flow, stack.directory_lookup, stack.rating]  # type: ignore[attr-defined]
    assert written == [1]  # one billing line in the test tenant's partition, before cleanup
    # Nothing of the test is left: tenant items, the route, the ledger entry, the billing rows.
    customers = dynamodb.Table(stack.customer_table).scan()["Items"]
    assert [item["pk"] for item in customers] == ["PRICELIST"]
    assert dynamodb.Table(stack.ledger_table).scan()["Items"] == []
    assert not [row for row in billing.rows() if row["tenant_id"] == check.tenant_id]


def test_a_failing_step_is_reported_and_cleanup_still_runs(moto_stack) -> None:
    stack = smoke.StackResources.from_cloudformation(boto3.client("cloudformation"), "Smoke")
    dynamodb = boto3.resource("dynamodb")
    cleaned: list[tuple[str, str]] = []

    def broken(function_name: str, payload: dict[str, Any]) -> Any:
        raise smoke.SmokeError(f"{function_name} failed: boom")

    check = smoke.SmokeCheck(
        stack=stack,
        invoke=broken,
        dynamodb=dynamodb,
        cleanup_billing=lambda t, m: cleaned.append((t, m)),
        report=lambda _line: None,
    )
    failures = check.run()
    assert [f.split(":")[0] for f in failures] == ["contact flow", "directory search", "rating"]
    assert cleaned == [(check.tenant_id, check._answered().strftime("%Y-%m"))]
    assert dynamodb.Table(stack.customer_table).scan()["Items"] == []


def test_a_stack_without_the_resources_is_refused(moto_stack) -> None:
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(
        StackName="Other", TemplateBody=json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
    )
    with pytest.raises(smoke.SmokeError, match="ConnectContactFlowFunction"):
        smoke.StackResources.from_cloudformation(cloudformation, "Other")
