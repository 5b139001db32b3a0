"""Per-function packages, planned without building: runtime, contents, the lock (fast, offline)."""

from __future__ import annotations

import importlib.metadata
import re

import pytest
from aws_cdk.assertions import Template
from packaging.requirements import Requirement

from infra import bundling
from infra.bundling import FunctionPackage, all_functions, read_lock


@pytest.fixture(scope="module")
def plans() -> dict[str, FunctionPackage]:
    return {function: FunctionPackage.plan(function) for function in all_functions()}


def _names(plan: FunctionPackage) -> set[str]:
    return {d.name for d in plan.distributions}


def test_every_function_runs_python_3_11_on_x86_64_with_its_own_package_and_no_layer(template: Template) -> None:
    functions = {  # not CDK's BucketDeployment function (web/dist into the site bucket, at deploy time)
        k: v for k, v in template.find_resources("AWS::Lambda::Function").items() if "CDKBucketDeployment" not in k
    }
    assert functions
    keys = set()
    for logical_id, function in functions.items():
        props = function["Properties"]
        assert props["Runtime"] == "python3.11", logical_id
        assert props["Architectures"] == ["x86_64"], logical_id
        assert "Layers" not in props, logical_id
        keys.add(str(props["Code"]["S3Key"]))
    assert len(keys) == len(all_functions())  # one asset per function
    layers = template.find_resources("AWS::Lambda::LayerVersion")
    assert all("AwsCliLayer" in k for k in layers), sorted(layers)  # only the BucketDeployment's AWS CLI


def test_the_contact_flow_package_is_the_smallest_without_pyarrow_or_pydantic(
    plans: dict[str, FunctionPackage],
) -> None:
    contact_flow = _names(plans["contact_flow"])
    assert not {"pyarrow", "pydantic", "pydantic-core", "phonenumbers", "holidays"} & contact_flow
    assert all(contact_flow <= _names(plan) for plan in plans.values())


def test_pyarrow_only_where_parquet_is_written_or_read(plans: dict[str, FunctionPackage]) -> None:
    parquet = {"rating", "self_service", "billing_retention"}  # billing_retention: the table's monthly retention
    assert {f for f, plan in plans.items() if "pyarrow" in _names(plan)} == parquet


def test_no_package_carries_what_lambdas_runtime_has_or_what_never_ships(plans: dict[str, FunctionPackage]) -> None:
    for function, plan in plans.items():
        assert not _names(plan) & bundling.RUNTIME_PROVIDED, function
        shipped = {str(p.relative_to(bundling.ROOT)) for p in plan.files}
        assert not any(s.startswith("telefonist_local/") for s in shipped), function
        assert not any(s.startswith("functions/") and f"functions/{function}/" not in s for s in shipped
                       if s != "functions/__init__.py"), function  # fmt: skip


def test_the_tracer_brings_the_x_ray_sdk_it_loads_when_created(plans: dict[str, FunctionPackage]) -> None:
    # contact_flow creates the Tracer (telefonist.observability.tracer): Powertools imports aws_xray_sdk then.
    assert "aws-xray-sdk" in _names(plans["contact_flow"])


def test_the_lock_pins_every_lambda_requirement_to_a_wheel_amazon_linux_2_loads() -> None:
    lock = read_lock()
    for line in bundling.lambda_requirements():
        requirement = Requirement(line)
        pinned = lock[bundling.canonical(requirement.name)]
        assert requirement.specifier.contains(pinned.version), f"{requirement} vs lock {pinned.version}: make lock"
    allowed = {*bundling.PLATFORM_TAGS, "any", "manylinux1_x86_64", "manylinux2010_x86_64", "manylinux_2_5_x86_64",
               "manylinux_2_12_x86_64"}  # fmt: skip
    wheels = re.findall(r"^# (\S+\.whl)$", bundling.LAMBDA_LOCK.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(wheels) == len(lock)
    for wheel in wheels:
        _python, abi, platforms = wheel.removesuffix(".whl").split("-")[-3:]
        assert set(platforms.split(".")) & allowed, wheel
        assert abi in {"none", "abi3", "cp311"}, wheel


def _dev_lock() -> dict[str, str]:
    pins = [line.split("==") for line in bundling.DEV_LOCK.read_text(encoding="utf-8").splitlines() if "==" in line]
    return {bundling.canonical(name): version for name, version in pins}


def test_the_development_environment_runs_the_versions_lambda_runs() -> None:
    # one resolution: wherever Lambda's package has a distribution, .venv has the same version
    dev = _dev_lock()
    assert {name: d.version for name, d in read_lock().items()} == {name: dev[name] for name in read_lock()}


def test_the_venv_is_built_from_the_lock() -> None:
    installed = {bundling.canonical(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    assert {name: installed.get(name) for name in _dev_lock()} == _dev_lock(), "make install (requirements.lock)"
