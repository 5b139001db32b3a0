"""functions/__init__.py: in Lambda, no garbage collection during a cold start (imports, first invocation)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# An entry point decorated with first_invocation: collection stays paused through the imports and the
# first invocation, then resumes with what was built frozen.
DECORATED = (
    "import gc, functions; paused = not gc.isenabled()\n"
    "@functions.first_invocation\n"
    "def entry(event, context): return gc.isenabled()\n"
    "functions.imports_done(); after_imports = gc.isenabled()\n"
    "during = entry({}, None)\n"
    "print(paused, after_imports, during, gc.isenabled(), gc.get_freeze_count() > 0)"
)
# A module without one (rating's): collection resumes at imports_done.
UNDECORATED = (
    "import gc, functions; paused = not gc.isenabled(); functions.imports_done(); "
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
    """An undecorated entry point still resumes collection (at imports_done); rating's first batch is
    large (a table commit), so it collects from its first invocation on."""
    entries = {}
    for handler in sorted(ROOT.glob("functions/*/handler.py")):
        for node in ast.parse(handler.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_handler"):
                names = {ast.unparse(d) for d in node.decorator_list}
                entries[f"{handler.parent.name}.{node.name}"] = (
                    ast.unparse(node.decorator_list[0]) == "first_invocation"
                )
                assert "first_invocation" not in names or entries[f"{handler.parent.name}.{node.name}"]  # outermost
    assert "calendar_sync.renew_handler" in entries
    assert {name for name, decorated in entries.items() if not decorated} == {"rating.lambda_handler"}
