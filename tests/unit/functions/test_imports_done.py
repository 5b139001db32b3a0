"""functions/__init__.py: in Lambda, no garbage collection while a handler's modules are imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import gc, functions; paused = not gc.isenabled(); import functions.contact_flow.handler; "
    "print(paused, gc.isenabled(), gc.get_freeze_count() > 0)"
)


@pytest.mark.parametrize(
    ("lambda_name", "expected"),
    [("contact-flow", "True True True"), ("", "False True False")],  # paused, resumed, frozen
)
def test_collection_pauses_for_the_imports_in_lambda_only(lambda_name: str, expected: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT / 'layers'}:{ROOT}", "AWS_DEFAULT_REGION": "eu-central-1"}
    if lambda_name:
        env["AWS_LAMBDA_FUNCTION_NAME"] = lambda_name
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert probe.stdout.split() == expected.split()
