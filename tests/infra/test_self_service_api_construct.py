"""The self-service API's user pool, REST API and function, as synthesized (cdk-nag gated)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template
from telefonist.edge.identity import Group

from infra.constructs.data_construct import DataConstruct
from infra.constructs.function_code import FunctionCodeConstruct
from infra.constructs.self_service_api_construct import SelfServiceApiConstruct


def _one(template: Template, kind: str) -> dict[str, Any]:
    found = template.find_resources(kind)
    assert len(found) == 1, f"{kind}: {len(found)}"
    return next(iter(found.values()))["Properties"]


def test_the_user_pool_is_hardened(template: Template) -> None:
    pool = _one(template, "AWS::Cognito::UserPool")
    assert pool["MfaConfiguration"] == "ON"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    for name in ("tenant_id", "person_id"):  # an employees user's person, like the tenant, is set once
        [attribute] = [a for a in pool["Schema"] if a["Name"] == name]
        assert attribute["Mutable"] is False, name


def test_the_four_groups_exist_as_the_api_names_them(template: Template) -> None:
    groups = {g["Properties"]["GroupName"] for g in template.find_resources("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {group.value for group in Group}
    assert groups == {"admins", "operators", "finance", "employees"}


def test_every_method_needs_a_cognito_token_and_is_validated(template: Template) -> None:
    methods = template.find_resources("AWS::ApiGateway::Method")
    assert len(methods) >= 2
    for logical_id, method in methods.items():
        if method["Properties"]["HttpMethod"] == "OPTIONS":  # CORS preflight: API Gateway answers, no function
            assert method["Properties"]["Integration"]["Type"] == "MOCK", logical_id
            continue
        assert "RequestValidatorId" in method["Properties"], logical_id
        if logical_id.startswith(("SelfServiceApiemployee", "SelfServiceApicalendar")):  # a session / clientState
            assert method["Properties"]["AuthorizationType"] == "NONE", logical_id
            continue
        assert method["Properties"]["AuthorizationType"] == "COGNITO_USER_POOLS", logical_id
    validator = _one(template, "AWS::ApiGateway::RequestValidator")
    assert validator["ValidateRequestBody"] is True


def test_the_stage_logs_traces_and_throttles(template: Template) -> None:
    stage = _one(template, "AWS::ApiGateway::Stage")
    assert stage["TracingEnabled"] is True
    assert "DestinationArn" in stage["AccessLogSetting"]
    assert json.loads(stage["AccessLogSetting"]["Format"])["status"] == "$context.status"
    throttle = stage["MethodSettings"][0]
    assert throttle["ThrottlingRateLimit"] > 0
    assert throttle["ThrottlingBurstLimit"] > 0


def _self_service_statements(template: Template) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for logical_id, policy in template.find_resources("AWS::IAM::Policy").items():
        if logical_id.startswith("SelfServiceApiSelfServiceFunction"):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    assert statements
    return statements


def test_the_function_reaches_only_its_key_ranges_and_the_tenant_bound_secrets(template: Template) -> None:
    statements = _self_service_statements(template)
    dynamo = [s for s in statements if any(str(a).startswith("dynamodb:") for a in s["Action"])]
    dynamo = [s for s in dynamo if s not in _message_log_statements(template)]  # keyed by bare tenant ids
    assert dynamo
    for statement in dynamo:
        assert "dynamodb:Scan" not in statement["Action"]
        assert statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    writes = next(s for s in dynamo if "dynamodb:PutItem" in s["Action"])
    assert "PRICELIST" not in writes["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    secrets = [s for s in statements if "Null" in s.get("Condition", {})]
    assert secrets[0]["Condition"]["Null"] == {"kms:EncryptionContext:tenant_id": "false"}
    assert sorted(secrets[0]["Action"]) == ["kms:Decrypt", "kms:Encrypt"]


def test_add_operator_route_puts_another_function_behind_the_same_authorizer() -> None:
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "RouteTest", env=cdk.Environment(region="eu-central-1"))
    data = DataConstruct(stack, "Data")
    code = FunctionCodeConstruct(stack, "Code")
    api = SelfServiceApiConstruct(stack, "Api", data=data, code=code)
    lookup = lambda_.Function(
        stack,
        "Lookup",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c): return {}"),
    )
    api.add_operator_route("/directory/search", "get", lookup)
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "search"})
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "GET",
            "AuthorizationType": "COGNITO_USER_POOLS",
            "AuthorizerId": Match.any_value(),
            "Integration": Match.object_like({"Uri": Match.any_value()}),
        },
    )
    assert len(template.find_resources("AWS::ApiGateway::Authorizer")) == 1


def test_the_function_reads_billing_lines_only_under_their_prefix(template: Template) -> None:
    statements = [
        s
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if "SelfService" in str(policy["Properties"]["Roles"])
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    s3_actions = {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        if a.startswith("s3:")
    }
    assert s3_actions == {"s3:ListBucket", "s3:GetObject"}
    get = next(s for s in statements if s["Action"] == "s3:GetObject")
    assert "/lines/*" in json.dumps(get["Resource"])
    listing = next(s for s in statements if s["Action"] == "s3:ListBucket")
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["lines/*"]}}


def test_the_function_reads_the_billing_table_s_catalog_entry_and_changes_nothing(template: Template) -> None:
    statements = [
        statement
        for logical_id, policy in template.find_resources("AWS::IAM::Policy").items()
        if logical_id.startswith("SelfService")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    glue = [s for s in statements if any(str(a).startswith("glue:") for a in _actions(s))]
    assert glue
    assert {a for s in glue for a in _actions(s)} == {"glue:GetTable", "glue:GetDatabase"}


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def test_the_calendar_sync_settings_reach_only_the_sync_state_partition_and_no_graph_secret(template: Template) -> None:
    statements = _self_service_statements(template)
    calsync = [
        s
        for s in statements
        if s.get("Condition", {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys") == ["CALSYNC"]
    ]
    assert len(calsync) == 1
    assert sorted(calsync[0]["Action"]) == [
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
    ]
    assert not any("secretsmanager:GetSecretValue" in s["Action"] for s in statements)


def _message_log_statements(template: Template) -> list[dict[str, Any]]:
    tables = template.find_resources("AWS::DynamoDB::Table")
    message_table = next(t for t in tables if t.startswith("DataMessageTable"))
    return [
        s
        for s in _self_service_statements(template)
        if message_table in json.dumps(s["Resource"]) and any(str(a).startswith("dynamodb:") for a in s["Action"])
    ]


def test_a_persons_erasure_only_queries_and_batch_deletes_in_the_message_log(template: Template) -> None:
    """Issue 20: export reads a person's messages, erasure deletes them; nothing else of the message log."""
    statements = _message_log_statements(template)
    assert [sorted(s["Action"]) for s in statements] == [["dynamodb:BatchWriteItem", "dynamodb:Query"]]
    customer_table = next(t for t in template.find_resources("AWS::DynamoDB::Table") if t.startswith("DataCustomer"))
    assert customer_table not in json.dumps(statements)
    functions = template.find_resources("AWS::Lambda::Function")
    self_service = next(f for name, f in functions.items() if name.startswith("SelfServiceApiSelfServiceFunction"))
    assert "DataMessageTable" in json.dumps(
        self_service["Properties"]["Environment"]["Variables"]["MESSAGE_TABLE_NAME"]
    )


def test_a_persons_references_are_found_by_index_then_deleted_or_unnamed_only(template: Template) -> None:
    """Issue 20: a person's sign-ins and call records are found through the sparse `by-person` index of
    each table; the function may delete sign-in links and sessions and update caller history and
    contact events, and nothing else of those key ranges (no read of whole items, no put, no scan)."""
    tables = template.find_resources("AWS::DynamoDB::Table")
    for prefix in ("DataCustomerTable", "DataStatisticsTable"):
        table = next(t for name, t in tables.items() if name.startswith(prefix))
        [index] = [i for i in table["Properties"]["GlobalSecondaryIndexes"] if i["IndexName"] == "by-person"]
        assert index["KeySchema"] == [{"AttributeName": "person_key", "KeyType": "HASH"}]
    statements = _self_service_statements(template)
    by_index = [s for s in statements if "/index/by-person" in json.dumps(s["Resource"])]
    assert [_actions(s) for s in by_index] == [["dynamodb:Query"]]
    assert len(by_index[0]["Resource"]) == 2
    assert by_index[0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["TENANT#*"]

    def leading(statement: dict[str, Any]) -> list[str]:
        return statement.get("Condition", {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys", [])

    employee = [s for s in statements if any(k.startswith("EMPLOYEE#") for k in leading(s))]
    assert [(_actions(s), leading(s)) for s in employee] == [(["dynamodb:DeleteItem"], ["EMPLOYEE#*"])]
    calls = [s for s in statements if any(k.startswith(("CALLER#", "CONTACT#")) for k in leading(s))]
    assert ["dynamodb:UpdateItem"] in [_actions(s) for s in calls]
    unnaming = next(s for s in calls if _actions(s) == ["dynamodb:UpdateItem"])
    assert leading(unnaming) == ["CALLER#*", "CONTACT#*"]
    assert "DataStatisticsTable" in json.dumps(unnaming["Resource"])
    assert not [s for s in calls if {"dynamodb:PutItem", "dynamodb:DeleteItem"} & set(_actions(s))]
