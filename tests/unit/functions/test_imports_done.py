"""functions/__init__.py: in Lambda, no garbage collection during a cold start (imports, first invocation)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# A handler's entry point (functions.lambda_entry, first_invocation outermost): collection stays paused through
# the imports and the first invocation, then resumes with what was built frozen.
CONTEXT = (
    "context = types.SimpleNamespace("
    "function_name='f', memory_limit_in_mb=128, invoked_function_arn='arn', aws_request_id='r')\n"
)
DECORATED = (
    "import gc, types, functions; from aws_lambda_powertools import Logger; paused = not gc.isenabled()\n"
    + CONTEXT
    + "entry = functions.lambda_entry(lambda event, deps: gc.isenabled(), dict, logger=Logger())\n"
    "after_imports = gc.isenabled()\n"
    "during = entry({}, context)\n"
    "print(paused, after_imports, during, gc.isenabled(), gc.get_freeze_count() > 0)"
)
# One that is not (rating's): collection resumes at once, lambda_entry being the module's last line.
UNDECORATED = (
    "import gc, functions; from aws_lambda_powertools import Logger; paused = not gc.isenabled()\n"
    "functions.lambda_entry(print, dict, logger=Logger(), pause_through_first_invocation=False)\n"
    "print(paused, gc.isenabled(), gc.get_freeze_count() > 0)"
)


@pytest.mark.parametrize(
    ("lambda_name", "probe", "expected"),
    [
        ("notify", DECORATED, "True False False True True"),  # paused, still after imports and during, resumed, frozen
        ("", DECORATED, "False True True True False"),  # tests and `telefonist serve`: nothing changes
        ("rating", UNDECORATED, "True True True"),  # paused, resumed at imports_done, frozen
        ("", UNDECORATED, "False True False"),
    ],
)
def test_collection_pauses_for_the_cold_start_in_lambda_only(lambda_name: str, probe: str, expected: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT / 'layers'}:{ROOT}", "AWS_DEFAULT_REGION": "eu-central-1"}
    if lambda_name:
        env["AWS_LAMBDA_FUNCTION_NAME"] = lambda_name
    answer = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert answer.stdout.split() == expected.split()


def test_every_entry_point_but_ratings_resumes_collection_after_its_first_invocation() -> None:
    """An entry point without first_invocation still resumes collection (lambda_entry, imports_done); rating's
    first batch is large (a table commit), so it collects from its first invocation on."""
    entries = {}
    for handler in sorted(ROOT.glob("functions/*/handler.py")):
        module = importlib.import_module(f"functions.{handler.parent.name}.handler")
        for name, entry in vars(module).items():
            if name.endswith("_handler") and callable(entry):
                # first_invocation is outermost: the entry point is its wrapper.
                outermost = entry.__code__.co_qualname
                entries[f"{handler.parent.name}.{name}"] = outermost == "first_invocation.<locals>.invoke"
    assert "calendar_sync.renew_handler" in entries
    assert len(entries) >= 14
    assert {name for name, decorated in entries.items() if not decorated} == {"rating.lambda_handler"}
