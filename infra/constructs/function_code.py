"""The one code asset for every function and the shared layer they all use."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.bundling import ROOT, BuildSharedLayer, CopyFunctionCode, bundling_options

RUNTIME = lambda_.Runtime.PYTHON_3_14
RUNTIME_VERSION = "3.14"
ARCHITECTURE = lambda_.Architecture.X86_64


class FunctionCodeConstruct(Construct):
    """One asset keeps import paths identical in pytest, the CLI and Lambda."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.code = lambda_.Code.from_asset(
            str(ROOT / "functions"),
            bundling=bundling_options(CopyFunctionCode()),
            asset_hash_type=cdk.AssetHashType.SOURCE,
        )
        self.shared_layer = lambda_.LayerVersion(
            self,
            "SharedLayer",
            code=lambda_.Code.from_asset(
                str(ROOT / "layers"),
                bundling=bundling_options(BuildSharedLayer(RUNTIME_VERSION)),
                asset_hash_type=cdk.AssetHashType.SOURCE,
            ),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="telefonist shared package and runtime dependencies",
        )
