"""The shared Lambda package holds what Lambda runs: it imports nothing from the local tooling
package (`telefonist_local`) or from `functions`; and no function reaches the tooling package.

Imports are read from the source (every `import` statement, those inside functions and under
TYPE_CHECKING included), so a lazy import cannot slip through.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "layers" / "telefonist"
FUNCTIONS = ROOT / "functions"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(tree: Path, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(tree.rglob("*.py")):
        for module in sorted(imported_modules(path)):
            if any(module == name or module.startswith(f"{name}.") for name in forbidden):
                found.append(f"{tree.name}/{path.relative_to(tree)} imports {module}")
    return found


def test_the_shared_package_imports_neither_tooling_nor_functions() -> None:
    assert violations(SHARED, ("telefonist_local", "functions")) == []


def test_the_domain_owns_its_ports() -> None:
    # data access implements the domain's ports (telefonist.ports) and imports no use case for them;
    # the ports import no adapter
    assert violations(SHARED / "dal", ("telefonist.self_service",)) == []
    assert violations(SHARED / "ports", ("telefonist.dal", "boto3", "botocore")) == []


def test_no_function_imports_the_tooling_package() -> None:
    assert violations(FUNCTIONS, ("telefonist_local",)) == []


@pytest.mark.parametrize("source", ["import telefonist_local.cli\n", "from functions.notify import handler\n"])
def test_the_walk_sees_what_it_forbids(tmp_path: Path, source: str) -> None:
    # the check itself can fail: a module with the forbidden import is reported
    (tmp_path / "module.py").write_text("def late() -> None:\n    " + source.replace("\n", "\n    "))
    assert len(violations(tmp_path, ("telefonist_local", "functions"))) == 1
