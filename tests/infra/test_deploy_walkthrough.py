"""README "Deploy to AWS", run line by line up to the first command that needs an account.

Builds every function's package once per test run (`make preview`'s bundling: pip for Lambda's
platform, so it needs PyPI, as a fresh clone's deploy does); then checks the template the CLI wrote,
each package's contents, and imports each handler from its own package in a clean interpreter. Both
pytest-xdist workers share one build.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from infra import bundling
from infra.app_factory import build_app
from infra.bundling import ROOT, all_functions

ACCOUNT_MARKER = "# with credentials from here on"
# The run's longest setup (every package built): under xdist one worker starts with it.
pytestmark = pytest.mark.starts_first


def readme_commands() -> list[str]:
    """The commands of the README's deploy block before the line that asks for credentials."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deploy to AWS", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "README: no sh block in 'Deploy to AWS'"
    lines = block[1].splitlines()
    assert ACCOUNT_MARKER in lines, f"README: the deploy block needs the line {ACCOUNT_MARKER!r}"
    commands = [line.split("  #", 1)[0].strip() for line in lines[: lines.index(ACCOUNT_MARKER)]]
    return [c for c in commands if c and not c.startswith("#")]


@pytest.fixture(scope="session")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Runs the README's commands once per test run: the xdist workers share the run's temporary
    root, and a file lock there makes the second one wait for the first one's result."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's basetemp sits in the run's own folder; without it, basetemp's parent
    # is shared by every run, and an earlier run's packages would be taken for this one's.
    out = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "deploy-walkthrough"
    out.mkdir(exist_ok=True)
    with (out / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "done").exists():
            env = {**os.environ, "CDK_OUT": str(out / "cdk.out"), "CI": "true"}
            log = []
            for command in readme_commands():
                result = subprocess.run(  # noqa: S602 - the README's own commands
                    command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
                )
                log.append(f"$ {command}\n{result.stdout}{result.stderr}")
                assert result.returncode == 0, "\n".join(log)
            (out / "log.txt").write_text("\n".join(log), encoding="utf-8")
            (out / "done").touch()
    return out / "cdk.out", (out / "log.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def packages(walkthrough: tuple[Path, str]) -> dict[str, Path]:
    """function name -> its unpacked package (the asset directory the template points at)."""
    assembly, _log = walkthrough
    template = json.loads((assembly / "Telefonist.template.json").read_text(encoding="utf-8"))
    found = {}
    for resource in template["Resources"].values():
        handler = resource["Properties"].get("Handler", "") if resource["Type"] == "AWS::Lambda::Function" else ""
        if handler.startswith("functions."):  # not CDK's own (the site's deployment, once web/dist is built)
            found[handler.split(".")[1]] = assembly / resource["Metadata"]["aws:asset:path"]
    assert sorted(found) == all_functions()
    return found


def test_the_readme_commands_bundle_and_preview_without_an_account(walkthrough: tuple[Path, str]) -> None:
    _assembly, log = walkthrough
    assert readme_commands() == ["make install", "make preview"]
    for function in all_functions():
        assert re.search(rf"telefonist bundle {function}: [\d.]+ MB unzipped", log), function
    assert "Number of stacks with differences: 1" in log  # the diff against an empty template


def test_the_clis_synth_offline_writes_the_apps_template_with_the_built_packages(
    walkthrough: tuple[Path, str], template: Template, tmp_path: Path
) -> None:
    """`make preview` synthesizes with the CLI pinned in package.json (offline, CI set, no terminal:
    it must neither prompt nor download): the template of the app the tests synthesize (`build_app()`,
    which app.py, cdk.json's app, runs), except that each function's code is the package it built
    (`asset.<hash>`, the hash its S3 key names) where a plain synth names the source folder."""
    assembly, _log = walkthrough
    written = json.loads((assembly / "Telefonist.template.json").read_text(encoding="utf-8"))
    for resource in written["Resources"].values():
        handler = resource["Properties"].get("Handler", "") if resource["Type"] == "AWS::Lambda::Function" else ""
        if handler.startswith("functions."):
            built = resource["Metadata"]["aws:asset:path"]
            assert built == "asset." + resource["Properties"]["Code"]["S3Key"].removesuffix(".zip")
            resource["Metadata"]["aws:asset:path"] = str(ROOT / "functions" / handler.split(".")[1])
    if written != template.to_json():
        # An edit in the shared working tree since the walkthrough changed an asset's hash: the CLI's
        # synth (without bundling) and the app's, both now, must still agree.
        _assert_a_plain_cli_synth_writes_the_apps_template(tmp_path)
        return
    # The README's other commands (bootstrap, destroy) go through npx: it finds the pinned CLI offline.
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["aws-cdk"]
    env = {**os.environ, "CI": "true"}
    version = subprocess.run(
        ["npx", "--no-install", "cdk", "--version"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert version.stdout.split()[0] == pinned


def _assert_a_plain_cli_synth_writes_the_apps_template(output: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEFONIST_BUNDLE"} | {"CI": "true"}
    cli = subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "--quiet", "--output", str(output)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stdout + cli.stderr
    _app, stack = build_app()
    assert (
        json.loads((output / "Telefonist.template.json").read_text(encoding="utf-8"))
        == Template.from_stack(stack).to_json()
    )


@pytest.mark.parametrize("function", all_functions())
def test_each_package_fits_with_no_runtime_copy(packages: dict[str, Path], function: str) -> None:
    package = packages[function]
    assert bundling.unzipped_size(package) < bundling.MAX_UNZIPPED_BYTES
    assert not {"boto3", "botocore", "s3transfer"} & {p.name for p in package.iterdir()}
    assert sorted(p.name for p in (package / "functions").iterdir()) == ["__init__.py", "__pycache__", function]


@pytest.mark.parametrize("function", all_functions())
def test_every_module_ships_bytecode_lambdas_python_loads_without_the_source_time(
    packages: dict[str, Path], function: str
) -> None:
    """Lambda's /var/task is read-only: without these a cold start compiles every module it imports.
    Each file is Python 3.11's (the magic number), hash-based and unchecked (PEP 552 flags 0b01: the
    zip's 1980 file times do not matter), and compiled from exactly the source beside it."""
    sources = sorted(packages[function].rglob("*.py"))
    assert sources
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.name.endswith(".cpython-311.pyc"), cached
        header = cached.read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(header[4:8], "little") == 0b01, source  # hash-based, source not checked
        assert header[8:16] == importlib.util.source_hash(source.read_bytes()), source


def test_the_contact_flow_package_has_neither_pyarrow_nor_pydantic(packages: dict[str, Path]) -> None:
    names = {p.name for p in packages["contact_flow"].iterdir()}
    assert not {"pyarrow", "pydantic", "pydantic_core", "phonenumbers"} & names
    assert bundling.unzipped_size(packages["contact_flow"]) < 20 * 1024 * 1024


def _clean_interpreter(package: Path, runtime: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Python 3.11 with only the package, the runtime's boto3 and the standard library on sys.path."""
    script = f"import sys; sys.path[:0] = [{str(package)!r}, {str(runtime)!r}]\n{code}"
    return subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", script], cwd="/", env={"PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture(scope="session")
def lambda_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stands in for /var/runtime: boto3 and its dependencies, which the packages leave out."""
    runtime = tmp_path_factory.mktemp("var-runtime")
    for module in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3"):
        spec = importlib.util.find_spec(module)
        assert spec
        assert spec.origin
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (runtime / source.name).symlink_to(source)
    return runtime


@pytest.mark.parametrize("function", all_functions())
def test_each_handler_imports_from_its_own_package_in_a_clean_interpreter(
    packages: dict[str, Path], lambda_runtime: Path, function: str
) -> None:
    package = packages[function]
    result = _clean_interpreter(
        package,
        lambda_runtime,
        f"import functions.{function}.handler as h\nassert callable(h.lambda_handler)\n"
        "import json; print(json.dumps([getattr(m, '__file__', None) or '' for m in list(sys.modules.values())]))",
    )
    assert result.returncode == 0, result.stderr
    roots = [package.resolve(), Path(sys.base_prefix).resolve(), *_runtime_roots(lambda_runtime)]
    for loaded in filter(None, json.loads(result.stdout.splitlines()[-1])):
        path = Path(loaded).resolve()
        outside = not any(path.is_relative_to(root) for root in roots)
        assert not outside, f"{function} loaded {path} from outside its package"


def _runtime_roots(runtime: Path) -> list[Path]:
    return [p.resolve() for p in runtime.iterdir()]


def test_the_rating_package_writes_parquet_with_its_pruned_pyarrow(
    packages: dict[str, Path], lambda_runtime: Path
) -> None:
    code = (
        "import io, pyarrow as pa, pyarrow.parquet as pq\n"
        "buf = io.BytesIO(); pq.write_table(pa.table({'a': [1, 2]}), buf)\n"
        "assert pq.read_table(io.BytesIO(buf.getvalue())).num_rows == 2\n"
        # Ended as Lambda ends an environment, without the interpreter's teardown: Arrow's thread pools
        # at exit aborted now and then ('terminate called without an active exception', twice today).
        "import os, sys; print('read back'); sys.stdout.flush(); os._exit(0)\n"
    )
    result = _clean_interpreter(packages["rating"], lambda_runtime, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "read back"
