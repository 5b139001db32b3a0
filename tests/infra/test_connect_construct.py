"""The Connect side of the stack: instance, queues, flows from infra/flows, functions, least privilege."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from telefonist.connect.flow_language import FLOW_TYPE_OF_API_TYPE, check_flow, flow_type_of

from infra.constructs.connect_construct import (
    OPERATOR_ACW_SECONDS,
    OPERATOR_PERMISSIONS,
)
from telefonist_local.connect.flow_simulator import hours_of_operation_open, validate_flow
from tests.infra.conftest import IMPORTED_ARN


@pytest.fixture(scope="module")
def imported_template(context_template: Template) -> Template:
    """An existing instance by ARN, and two operator users (tests/infra/conftest.py)."""
    return context_template


def _one(template: Template, kind: str, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    found = template.find_resources(kind, {"Properties": properties} if properties else None)
    assert len(found) == 1, f"{kind}: {len(found)} found"
    return next(iter(found.values()))["Properties"]


def _flow_json(template: Template, flow_type: str) -> dict[str, Any]:
    """The flow content with CDK's Fn::Join parts flattened, tokens shown as ARN-like strings."""
    content = _one(template, "AWS::Connect::ContactFlow", {"Type": flow_type})["Content"]
    if isinstance(content, dict):
        parts = content["Fn::Join"][1]
        content = "".join(p if isinstance(p, str) else "arn:aws:token" for p in parts)
    flow: dict[str, Any] = json.loads(content)
    return flow


def test_a_new_instance_takes_inbound_and_outbound_calls_with_flow_logs(template: Template) -> None:
    properties = _one(template, "AWS::Connect::Instance")
    assert properties["Attributes"]["InboundCalls"] is True
    assert properties["Attributes"]["OutboundCalls"] is True
    assert properties["Attributes"]["ContactflowLogs"] is True


def test_an_existing_instance_is_used_by_arn(imported_template: Template) -> None:
    assert imported_template.find_resources("AWS::Connect::Instance") == {}
    queues = imported_template.find_resources("AWS::Connect::Queue")
    assert queues
    assert all(q["Properties"]["InstanceArn"] == IMPORTED_ARN for q in queues.values())


@pytest.mark.parametrize("flow_type", ["CONTACT_FLOW", "AGENT_WHISPER", "QUEUE_TRANSFER"])
def test_each_flow_is_deployed_valid_with_its_arns_filled(template: Template, flow_type: str) -> None:
    flow = _flow_json(template, flow_type)
    assert validate_flow(flow)


def test_the_inbound_flow_invokes_the_contact_flow_function(template: Template) -> None:
    properties = _one(template, "AWS::Connect::ContactFlow", {"Type": "CONTACT_FLOW"})
    rendered = json.dumps(properties["Content"])
    assert "ContactFlowFunction" in rendered  # the function's ARN token
    assert "OperatorQueue" in rendered
    assert "OperatorHours" in rendered


def test_the_function_is_integrated_and_invocable_only_by_the_instance(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Connect::IntegrationAssociation",
        {"IntegrationType": "LAMBDA_FUNCTION", "IntegrationArn": Match.any_value()},
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {"Principal": "connect.amazonaws.com", "SourceArn": Match.any_value(), "Action": "lambda:InvokeFunction"},
    )


def test_the_contact_flow_function_is_fast_to_give_up(template: Template) -> None:
    properties = _one(template, "AWS::Lambda::Function", {"Handler": "functions.contact_flow.handler.lambda_handler"})
    assert properties["Timeout"] <= 8


def _policy_of(template: Template, role_fragment: str) -> list[dict[str, Any]]:
    for logical_id, policy in template.find_resources("AWS::IAM::Policy").items():
        if role_fragment in logical_id:
            statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
            return statements
    raise AssertionError(f"no policy for {role_fragment}")


def test_the_contact_flow_function_reads_only_routing_records(template: Template) -> None:
    statements = _policy_of(template, "ContactFlowFunction")
    dynamodb = [s for s in statements if any(str(a).startswith("dynamodb:") for a in _list(s["Action"]))]
    assert len(dynamodb) == 1
    assert _list(dynamodb[0]["Action"]) == ["dynamodb:GetItem"]
    assert dynamodb[0]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["NUMBER#*"]}}
    kms = [s for s in statements if any(str(a).startswith("kms:") for a in _list(s["Action"]))]
    assert [_list(s["Action"]) for s in kms] == [["kms:Decrypt"]]


def test_the_provisioning_function_touches_numbers_and_tenant_items_only(template: Template) -> None:
    statements = _policy_of(template, "ProvisioningFunction")
    dynamodb = next(s for s in statements if any(str(a).startswith("dynamodb:") for a in _list(s["Action"])))
    assert dynamodb["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["TENANT#*", "NUMBER#*"]
    connect = next(s for s in statements if any(str(a).startswith("connect:") for a in _list(s["Action"])))
    assert "connect:ReleasePhoneNumber" in connect["Action"]


def test_operators_may_transfer_externally_and_see_quick_connects(template: Template) -> None:
    properties = _one(template, "AWS::Connect::SecurityProfile")
    assert set(properties["Permissions"]) == set(OPERATOR_PERMISSIONS)
    assert "OutboundCallAccess" in properties["Permissions"]
    routing = _one(template, "AWS::Connect::RoutingProfile")
    assert routing["MediaConcurrencies"] == [{"Channel": "VOICE", "Concurrency": 1}]
    assert len(routing["QueueConfigs"]) == 2
    template.has_resource_properties(
        "AWS::Connect::QuickConnect",
        {"QuickConnectConfig": {"QuickConnectType": "QUEUE", "QueueConfig": Match.any_value()}},
    )


def test_operator_users_have_an_after_contact_work_limit_inside_the_budget(imported_template: Template) -> None:
    users = imported_template.find_resources("AWS::Connect::User")
    assert {u["Properties"]["Username"] for u in users.values()} == {"eva", "olle"}
    for user in users.values():
        limit = user["Properties"]["PhoneConfig"]["AfterContactWorkTimeLimit"]
        assert 0 < limit == OPERATOR_ACW_SECONDS < 45  # 0 would mean no limit in Connect


def test_hours_are_in_stockholm_time(template: Template) -> None:
    properties = _one(template, "AWS::Connect::HoursOfOperation")
    assert properties["TimeZone"] == "Europe/Stockholm"
    assert len(properties["Config"]) == 7


@pytest.mark.parametrize("day", range(4, 11))  # 2027-01-04 is a Monday: every weekday once
@pytest.mark.parametrize("moment", [time(0, 0), time(12, 0), time(23, 59, 30)])
def test_operators_hours_have_no_closed_minute(template: Template, day: int, moment: time) -> None:
    """Issue 22: 00:00-23:59 left 23:59-00:00 closed every day; Connect writes midnight as 00:00."""
    config = _one(template, "AWS::Connect::HoursOfOperation")["Config"]
    assert hours_of_operation_open(config, datetime.combine(date(2027, 1, day), moment))


@pytest.mark.parametrize("flow_type", ["CONTACT_FLOW", "AGENT_WHISPER", "QUEUE_TRANSFER"])
def test_each_deployed_flow_matches_the_reference_table_and_its_type(template: Template, flow_type: str) -> None:
    flow = _flow_json(template, flow_type)
    assert check_flow(flow) == []
    assert flow_type_of(flow) is FLOW_TYPE_OF_API_TYPE[flow_type]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# The agent workspace SDK's requests and events, each with the app permission it needs
# (Amazon Connect admin guide, "Events and requests when granting third-party applications access").
_SDK_PERMISSION = {
    "onConnected": "Contact.Details.View",
    "onStartingAcw": "Contact.Details.View",
    "onCleared": "Contact.Details.View",
    "getAttributes": "Contact.Attributes.View",
    "getInitialCustomerPhoneNumber": "Contact.CustomerDetails.View",
    "getRoutingProfile": "User.Configuration.View",
    "listQuickConnects": "User.Configuration.View",
    "transfer": "Contact.Details.Edit",
    "addParticipant": "Contact.Details.Edit",
}


def _sdk_calls() -> set[str]:
    """The SDK calls the operator page's adapter makes (web/src/connect/amazon.ts)."""
    source = (Path(__file__).resolve().parents[2] / "web" / "src" / "connect" / "amazon.ts").read_text("utf-8")
    return set(re.findall(r"this\.(?:contacts|agent|voice)\.(\w+)\(", source))


def test_the_operator_page_is_a_per_contact_app_of_the_workspace_with_only_the_permissions_it_uses(
    template: Template,
) -> None:
    app = _one(template, "AWS::AppIntegrations::Application")
    source = app["ApplicationSourceConfig"]["ExternalUrlConfig"]
    domain = {"Fn::GetAtt": [next(iter(template.find_resources("AWS::CloudFront::Distribution"))), "DomainName"]}
    assert source["AccessUrl"] == {"Fn::Join": ["", ["https://", domain, "/operator/"]]}
    assert source["ApprovedOrigins"] == [{"Fn::Join": ["", ["https://", domain]]}]
    assert app["ApplicationConfig"]["ContactHandling"]["Scope"] == "PER_CONTACT"
    calls = _sdk_calls()
    assert calls, "no SDK call found in the adapter"
    unknown = calls - set(_SDK_PERMISSION)
    assert not unknown, f"map these SDK calls to their permission: {unknown}"
    # Least privilege: exactly the permissions of the calls the adapter makes.
    assert sorted(app["Permissions"]) == sorted({_SDK_PERMISSION[call] for call in calls})
    # The sign-in window must not inherit the frame's sandbox; no clipboard, camera or microphone.
    assert app["IframeConfig"]["Allow"] == []
    assert "allow-popups-to-escape-sandbox" in app["IframeConfig"]["Sandbox"]
    assert "allow-storage-access-by-user-activation" in app["IframeConfig"]["Sandbox"]
    assert not {"allow-top-navigation", "allow-modals", "allow-downloads"} & set(app["IframeConfig"]["Sandbox"])


def test_the_operator_app_is_associated_with_the_instance(template: Template) -> None:
    (app_id,) = template.find_resources("AWS::AppIntegrations::Application")
    association = _one(template, "AWS::Connect::IntegrationAssociation", {"IntegrationType": "APPLICATION"})
    assert association["IntegrationArn"] == {"Fn::GetAtt": [app_id, "ApplicationArn"]}
    (instance_id,) = template.find_resources("AWS::Connect::Instance")
    assert association["InstanceId"] == {"Fn::GetAtt": [instance_id, "Arn"]}


def test_operators_and_only_they_may_open_the_operator_app(template: Template) -> None:
    (association_id,) = template.find_resources(
        "AWS::Connect::IntegrationAssociation", {"Properties": {"IntegrationType": "APPLICATION"}}
    )
    namespace = _one(template, "AWS::AppIntegrations::Application")["Namespace"]
    profiles = template.find_resources("AWS::Connect::SecurityProfile")
    granted = {
        p["Properties"]["SecurityProfileName"]: p for p in profiles.values() if p["Properties"].get("Applications")
    }
    assert set(granted) == {"Telefonist"}  # the operators' security profile
    assert granted["Telefonist"]["Properties"]["Applications"] == [
        {"Namespace": namespace, "ApplicationPermissions": ["ACCESS"], "Type": "THIRD_PARTY_APPLICATION"}
    ]
    assert association_id in granted["Telefonist"]["DependsOn"]


def test_an_existing_instance_gets_the_operator_app_too(imported_template: Template) -> None:
    association = _one(imported_template, "AWS::Connect::IntegrationAssociation", {"IntegrationType": "APPLICATION"})
    assert association["InstanceId"] == IMPORTED_ARN
