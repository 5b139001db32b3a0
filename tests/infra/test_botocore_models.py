"""The trimmed service models the packages carry: exactly the operations the code calls, complete."""

from __future__ import annotations

import ast
from pathlib import Path

import botocore.session
import pytest
from aws_cdk.assertions import Template
from botocore import xform_name
from botocore.model import Shape
from botocore.stub import Stubber
from telefonist.dal.connect_contacts import ConnectContactAttributes
from telefonist.dal.connect_numbers import ConnectNumbers

from infra import botocore_models
from infra.bundling import FunctionPackage, all_functions, module_file

DAL = Path(botocore_models.__file__).resolve().parents[1] / "layers" / "telefonist" / "dal"
INSTANCE_ARN = "arn:aws:connect:eu-central-1:111122223333:instance/11111111-2222-3333-4444-555555555555"


def _client_calls(module: str) -> set[str]:
    """What a module calls on its client: `self._client.<method>(...)` and `self._call("<method>", ...)`."""
    path = module_file(module)
    assert path is not None, module
    calls: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if isinstance(owner, ast.Attribute) and owner.attr == "_client":
            calls.add(node.func.attr)
        elif node.func.attr == "_call" and node.args and isinstance(node.args[0], ast.Constant):
            calls.add(str(node.args[0].value))
    return calls


def test_each_listed_module_calls_exactly_the_listed_operations_and_every_connect_adapter_is_listed() -> None:
    for module, (_service, methods) in botocore_models.CALLS.items():
        assert _client_calls(module) == methods, module
    adapters = {f"telefonist.dal.{p.stem}" for p in DAL.glob("*.py") if "Connect" in p.read_text(encoding="utf-8")}
    adapters = {m for m in adapters if _client_calls(m)}
    assert adapters == set(botocore_models.CALLS)


def _shapes(shape: Shape, seen: set[str]) -> None:
    """Resolves every shape `shape` reaches (botocore raises on one the model lacks)."""
    if shape.name in seen:
        return
    seen.add(shape.name)
    for attribute in ("members", "member", "key", "value"):
        reached = getattr(shape, attribute, None)
        for child in reached.values() if isinstance(reached, dict) else [reached] if reached is not None else []:
            _shapes(child, seen)


def test_the_trimmed_model_builds_a_client_with_exactly_those_operations_whose_requests_validate(
    tmp_path: Path,
) -> None:
    models = botocore_models.models_for(botocore_models.CALLS)
    botocore_models.write(models, tmp_path)
    session = botocore.session.get_session()
    session.set_config_variable("data_path", str(tmp_path))
    client = session.create_client(
        "connect", region_name="eu-central-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    _model, path = session.get_component("data_loader").load_data_with_path("connect/2017-08-08/service-2")
    assert Path(path).is_relative_to(tmp_path)  # the package's model, not botocore's own
    service = client.meta.service_model
    assert {xform_name(name) for name in service.operation_names} == models["connect"]
    seen: set[str] = set()
    for name in service.operation_names:
        operation = service.operation_model(name)
        for shape in (operation.input_shape, operation.output_shape, *operation.error_shapes):
            if shape is not None:
                _shapes(shape, seen)
    contact = "3f0c9a8e-1b2d-4c5e-8f70-0123456789ab"
    with Stubber(client) as stub:  # the Stubber validates each request against the (trimmed) model
        stub.add_response(
            "update_contact_attributes",
            {},
            {
                "InstanceId": INSTANCE_ARN.rsplit("/", 1)[-1],
                "InitialContactId": contact,
                "Attributes": {"transfer_to": "+46701234567"},
            },
        )
        stub.add_response("search_available_phone_numbers", {"AvailableNumbersList": [{"PhoneNumber": "+468123"}]})
        ConnectContactAttributes(client, INSTANCE_ARN.rsplit("/", 1)[-1]).update(
            contact, {"transfer_to": "+46701234567"}
        )
        assert ConnectNumbers(client, INSTANCE_ARN).search_available("SE", "DID", "+468") == ["+468123"]
        stub.assert_no_pending_responses()


def test_the_functions_that_call_connect_carry_its_model_and_name_it_in_aws_data_path(template: Template) -> None:
    carrying = {f for f in all_functions() if FunctionPackage.plan(f).botocore_models}
    assert carrying == {"transfer", "provisioning"}
    for function in template.find_resources("AWS::Lambda::Function").values():
        handler = function["Properties"].get("Handler", "")
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        expected = (
            f"/var/task/{botocore_models.DATA_FOLDER}"
            if handler.split(".")[1:2] in (["transfer"], ["provisioning"])
            else None
        )
        assert variables.get("AWS_DATA_PATH") == expected, handler


def test_an_operation_the_service_lacks_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no_such_operation"):
        botocore_models.write({"connect": frozenset({"get_contact_attributes", "no_such_operation"})}, tmp_path)
