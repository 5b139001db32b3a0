"""One code asset per function: its handler, the shared-package modules it reaches, their dependencies."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import bundling
from infra.bundling import ROOT, FunctionPackage, PackageFunction, bundling_options

# The suite runs on 3.11, so Lambda does too (bundling.PYTHON_VERSION picks the wheels for it).
RUNTIME = lambda_.Runtime.PYTHON_3_11
ARCHITECTURE = {"x86_64": lambda_.Architecture.X86_64, "aarch64": lambda_.Architecture.ARM_64}[bundling.ARCHITECTURE]
assert RUNTIME.name == f"python{bundling.PYTHON_VERSION}"


def function_of_handler(handler: str) -> str:
    """`functions.<name>.handler.lambda_handler` -> `<name>`."""
    parts = handler.split(".")
    if len(parts) != 4 or parts[0] != "functions":
        raise ValueError(f"handler {handler!r} is not functions.<name>.<module>.<function>")
    return parts[1]


class FunctionCodeConstruct(Construct):
    """Each function's package holds only what it imports, so the contact-flow function stays small
    and no package carries pyarrow but the ones that write or read Parquet."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._code: dict[str, lambda_.Code] = {}
        self._environment: dict[str, dict[str, str]] = {}

    def for_handler(self, handler: str) -> lambda_.Code:
        """The asset of the function whose entry is `handler` (one per function, shared by handlers)."""
        function = function_of_handler(handler)
        if function not in self._code:
            package = FunctionPackage.plan(function)
            self._code[function] = lambda_.Code.from_asset(
                str(ROOT / "functions" / function),
                bundling=bundling_options(PackageFunction(package)),
                asset_hash_type=cdk.AssetHashType.CUSTOM,
                asset_hash=package.fingerprint(),
            )
            self._environment[function] = package.environment()
        return self._code[function]

    def environment_for(self, handler: str) -> dict[str, str]:
        """The variables the package of `handler`'s function needs (AWS_DATA_PATH where it carries models)."""
        self.for_handler(handler)
        return self._environment[function_of_handler(handler)]
