"""The Tracer is created only where traces are used (benchmarks/cold_start.py measures what it costs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from telefonist.observability import tracer
tracer().put_annotation(key="tenant_id", value="acme")
print("after annotation:", "aws_xray_sdk" in sys.modules)
traced = tracer().capture_method(lambda: 42)
print("after capture:", "aws_xray_sdk" in sys.modules, traced())
"""


def test_an_annotation_alone_does_not_create_the_tracer_and_a_capture_does() -> None:
    # Given a fresh interpreter (the tracer is process-wide), as in Lambda: tracing on
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT / 'layers'}", "AWS_LAMBDA_FUNCTION_NAME": "contact-flow"}
    # When the contact-flow handler's annotation runs, then a capture decorator is used
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True).stdout
    # Then aws_xray_sdk (0.6 s) is imported only for the capture
    assert "after annotation: False" in out
    assert "after capture: True 42" in out
