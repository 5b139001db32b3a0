"""mypy reads only the aws_cdk modules infra/ and app.py use (pyproject.toml): the list there is
exactly what they import, so no module they use is silently taken as Any."""

from __future__ import annotations

import ast
import importlib.util
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "infra").rglob("*.py")), ROOT / "app.py"]


def aws_cdk_submodules() -> set[str]:
    # the folders of the installed package (find_spec of the top level does not import it)
    spec = importlib.util.find_spec("aws_cdk")
    assert spec is not None
    assert spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    return {path.name for path in package.iterdir() if (path / "__init__.py").exists()}


def cdk_modules_used(source: str, submodules: set[str]) -> set[str]:
    """aws_cdk modules a source imports: `import aws_cdk.x`, `from aws_cdk import x`, `cdk.x.Y`."""
    tree = ast.parse(source)
    used: set[str] = set()
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "aws_cdk":
                    used.add(alias.name)
                    if alias.name == "aws_cdk":
                        aliases.add(alias.asname or "aws_cdk")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "aws_cdk":
            used.add(str(node.module))
            if node.module == "aws_cdk":
                used.update(f"aws_cdk.{a.name}" for a in node.names if a.name in submodules)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr in submodules
        ):
            used.add(f"aws_cdk.{node.attr}")
    return used


def test_mypy_reads_exactly_the_aws_cdk_modules_infra_imports() -> None:
    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
    followed = {m for o in overrides if o.get("follow_imports") == "normal" for m in o["module"]}
    submodules = aws_cdk_submodules()
    used = set().union(*(cdk_modules_used(path.read_text(encoding="utf-8"), submodules) for path in SOURCES))
    assert "aws_cdk.aws_lambda" in used  # the walk sees what infra/ imports
    assert followed == used, "pyproject.toml's aws_cdk list for mypy differs from what infra/ imports"


def test_the_walk_sees_each_way_of_naming_a_module() -> None:
    source = "\n".join(
        [
            "import aws_cdk as cdk",
            "from aws_cdk import aws_s3 as s3, Duration",
            "import aws_cdk.aws_sqs",
            "cdk.aws_sns.Topic",
        ]
    )
    assert cdk_modules_used(source, {"aws_s3", "aws_sqs", "aws_sns"}) == {
        "aws_cdk",
        "aws_cdk.aws_s3",
        "aws_cdk.aws_sqs",
        "aws_cdk.aws_sns",
    }
