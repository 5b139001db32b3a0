"""DirectoryConstruct: the directory_lookup function, read-only on the tenants' partitions."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template
from telefonist import config

HANDLER = "functions.directory_lookup.handler.lambda_handler"


def _function(template: Template) -> tuple[str, dict[str, Any]]:
    found = template.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": HANDLER}})
    assert len(found) == 1
    return next(iter(found.items()))


def _statements_of_role(template: Template, role_ref: dict[str, Any]) -> list[dict[str, Any]]:
    statements = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if role_ref in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_the_function_reads_the_customer_table_with_a_warm_cache(template: Template) -> None:
    _, function = _function(template)
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables[config.ENV_CUSTOMER_TABLE]["Ref"].startswith("DataCustomerTable")
    assert float(variables[config.ENV_DIRECTORY_CACHE_SECONDS]) > 0
    assert float(variables[config.ENV_DIRECTORY_VERSION_CHECK_SECONDS]) >= 0
    assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}
    assert function["Properties"]["LoggingConfig"]["LogFormat"] == "JSON"


def test_the_role_may_only_get_and_query_tenant_partitions(template: Template) -> None:
    _, function = _function(template)
    role_ref = {"Ref": function["Properties"]["Role"]["Fn::GetAtt"][0]}
    statements = _statements_of_role(template, role_ref)
    dynamodb = [s for s in statements if any(a.startswith("dynamodb:") for a in _as_list(s["Action"]))]
    assert len(dynamodb) == 2
    [read] = [s for s in dynamodb if s.get("Sid") == "ReadTenantDirectories"]
    assert sorted(_as_list(read["Action"])) == ["dynamodb:GetItem", "dynamodb:Query"]
    assert read["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TENANT#*"]}}
    [table, attribute] = read["Resource"]["Fn::GetAtt"]
    assert (table.startswith("DataCustomerTable"), attribute) == (True, "Arn")
    kms = [s for s in statements if any(a.startswith("kms:") for a in _as_list(s["Action"]))]
    assert [_as_list(s["Action"]) for s in kms] == [["kms:Decrypt"]]
    assert "kms:ViaService" in str(kms[0]["Condition"])
    writes = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan"}
    assert not writes & {a for s in statements for a in _as_list(s["Action"])}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_role_may_query_the_list_of_customers_and_nothing_else_of_that_partition(template: Template) -> None:
    """`GET /operator/tenants` reads the `CUSTOMERS` partition with Query; no other action, no other key."""
    _, function = _function(template)
    role_ref = {"Ref": function["Properties"]["Role"]["Fn::GetAtt"][0]}
    [listing] = [s for s in _statements_of_role(template, role_ref) if s.get("Sid") == "ListCustomers"]
    assert _as_list(listing["Action"]) == ["dynamodb:Query"]
    assert listing["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["CUSTOMERS"]}}
    [table, attribute] = listing["Resource"]["Fn::GetAtt"]
    assert (table.startswith("DataCustomerTable"), attribute) == (True, "Arn")


def test_the_list_of_customers_is_routed_to_the_function_for_get_only(template: Template) -> None:
    """Onboarding (`POST /operator/tenants`) stays with the self-service proxy: only GET is declared here."""
    function_id, _ = _function(template)
    resources = template.find_resources("AWS::ApiGateway::Resource")
    [tenants] = [
        rid
        for rid, r in resources.items()
        if r["Properties"]["PathPart"] == "tenants" and "operator" in str(r["Properties"]["ParentId"]).lower()
    ]
    _assert_only_get_to_the_function(template, tenants, function_id)


def test_finance_s_list_of_customers_goes_to_the_same_function_and_role(template: Template) -> None:
    """`GET /finance/tenants` is served by the function whose role already may Query `CUSTOMERS`: no new grant."""
    function_id, _ = _function(template)
    resources = template.find_resources("AWS::ApiGateway::Resource")
    [finance] = [rid for rid, r in resources.items() if r["Properties"]["PathPart"] == "finance"]
    [tenants] = [
        rid
        for rid, r in resources.items()
        if r["Properties"]["PathPart"] == "tenants" and r["Properties"]["ParentId"] == {"Ref": finance}
    ]
    _assert_only_get_to_the_function(template, tenants, function_id)
    # The billing routes under it (`/finance/tenants/{tenant_id}/billing/...`) stay with the proxy.
    assert not [r for r in resources.values() if r["Properties"]["ParentId"] == {"Ref": tenants}]


def _assert_only_get_to_the_function(template: Template, resource_id: str, function_id: str) -> None:
    """The resource has one method besides CORS' OPTIONS: GET, behind Cognito, to the function."""
    methods = [
        m["Properties"]
        for m in template.find_resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["ResourceId"] == {"Ref": resource_id} and m["Properties"]["HttpMethod"] != "OPTIONS"
    ]
    assert [m["HttpMethod"] for m in methods] == ["GET"]
    [method] = methods
    assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert function_id in str(method["Integration"]["Uri"])
