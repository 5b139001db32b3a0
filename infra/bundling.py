"""Local bundling for Lambda assets: no Docker on the build machine.

The function code asset is a plain copy of `functions/`; the shared layer is `layers/telefonist`
under `python/` plus the runtime dependencies installed for Lambda's platform. Synth in tests
and `python app.py` skip bundling (see app.py); `make deploy` turns it on.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import jsii

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_REQUIREMENTS = ROOT / "requirements-lambda.txt"
# The layer ships what Lambda runs: not the CLI, the demo or the local emulation.
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
_LOCAL_ONLY = shutil.ignore_patterns("__pycache__", "*.pyc", "cli", "demo", "local_aws.py", "seeding.py")


@jsii.implements(cdk.ILocalBundling)
class CopyFunctionCode:
    """Copies `functions/` into the asset, so handlers import as `functions.<name>.handler`."""

    def try_bundle(self, output_dir: str, options: cdk.BundlingOptions) -> bool:
        shutil.copytree(ROOT / "functions", Path(output_dir) / "functions", ignore=_IGNORE, dirs_exist_ok=True)
        return True


@jsii.implements(cdk.ILocalBundling)
class BuildSharedLayer:
    """The shared package plus its runtime dependencies, built for Lambda's Linux x86_64 platform."""

    def __init__(self, python_version: str) -> None:
        self._python_version = python_version

    def try_bundle(self, output_dir: str, options: cdk.BundlingOptions) -> bool:
        target = Path(output_dir) / "python"
        shutil.copytree(ROOT / "layers" / "telefonist", target / "telefonist", ignore=_LOCAL_ONLY, dirs_exist_ok=True)
        subprocess.run(  # noqa: S603 - fixed arguments, a build step
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--target",
                str(target),
                "--platform",
                "manylinux2014_x86_64",
                "--only-binary=:all:",
                "--python-version",
                self._python_version,
                "-r",
                str(LAMBDA_REQUIREMENTS),
            ],
            check=True,
        )
        return True


def bundling_options(local: object) -> cdk.BundlingOptions:
    # The image is never pulled: local bundling always succeeds or raises.
    return cdk.BundlingOptions(
        image=cdk.DockerImage.from_registry("local-bundling-only"),
        local=local,  # type: ignore[arg-type]  # jsii.implements is not visible to mypy
    )
