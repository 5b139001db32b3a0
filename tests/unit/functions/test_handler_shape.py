"""Every function has the same shape (docs/architecture.md, "Functions"): an environment model read by
`load_env`, one cached composition root `dependencies()`, all behaviour in `handle(event, deps)`, and a
`lambda_handler` that is Powertools' decorators around `handle(event, dependencies())`."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from pathlib import Path

import pytest

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
NAMES = sorted(p.name for p in FUNCTIONS.iterdir() if (p / "handler.py").is_file())
CACHES = {"cache", "lru_cache"}


def test_every_function_folder_is_listed() -> None:
    folders = sorted(p.name for p in FUNCTIONS.iterdir() if p.is_dir() and not p.name.startswith("__"))
    assert folders == NAMES
    assert len(NAMES) >= 12


def _decorator_names(node: ast.FunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


@pytest.mark.parametrize("name", NAMES)
def test_the_handler_has_the_one_shape(name: str) -> None:
    handler = importlib.import_module(f"functions.{name}.handler")

    # The environment model: a dataclass whose every field names its variable, read by load_env.
    assert dataclasses.is_dataclass(handler.Environment)
    assert all("env" in f.metadata for f in dataclasses.fields(handler.Environment))
    # The one composition root: cached, no parameters, building the Dependencies dataclass.
    assert dataclasses.is_dataclass(handler.Dependencies)
    assert hasattr(handler.dependencies, "cache_clear")
    root = inspect.getsource(handler.dependencies.__wrapped__)
    assert not inspect.signature(handler.dependencies.__wrapped__).parameters
    assert "load_env(Environment" in root
    # All behaviour behind handle(event, deps): tests pass Dependencies of fakes, nothing is patched.
    assert list(inspect.signature(handler.handle).parameters)[:2] == ["event", "deps"]
    # lambda_handler: Powertools' decorators around handle(event, dependencies()), built by
    # functions.lambda_entry, or written out where the entry does more (notify gives the deps Lambda's context).
    entry = inspect.unwrap(handler.lambda_handler)
    module = ast.parse(Path(handler.__file__).read_text()).body
    if entry.__qualname__ == "lambda_entry.<locals>.lambda_handler":
        wired = inspect.getclosurevars(entry).nonlocals
        assert wired == {"handle": handler.handle, "dependencies": handler.dependencies}
        # lambda_entry ends the cold start's imports: its calls are the module's last lines (functions/__init__.py).
        assert _is_lambda_entry(module[-1]), ast.unparse(module[-1])
        return
    body = ast.parse(inspect.getsource(entry).strip()).body[0]
    assert isinstance(body, ast.FunctionDef)
    returned = body.body[-1]
    assert isinstance(returned, ast.Return), ast.unparse(body)
    assert returned.value is not None
    call = ast.unparse(returned.value)
    assert call in ("handle(event, dependencies())", "handle(event, deps)")
    if call == "handle(event, deps)":  # after e.g. giving the deps Lambda's context
        assert "deps = dependencies()" in ast.unparse(body)
    # Its last line ends the cold start's imports: in Lambda, garbage collection resumes (functions/__init__.py).
    assert ast.unparse(module[-1]) == "imports_done()"


def _is_lambda_entry(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Call)
        and ast.unparse(statement.value.func) == "lambda_entry"
    )


@pytest.mark.parametrize("name", NAMES)
def test_no_other_cached_builder(name: str) -> None:
    """One composition root per function: no module-level @cache beside `dependencies`."""
    cached = [
        f"{path.name}:{node.name}"
        for path in sorted((FUNCTIONS / name).glob("*.py"))
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and _decorator_names(node) & CACHES and node.name != "dependencies"
    ]
    assert cached == []
