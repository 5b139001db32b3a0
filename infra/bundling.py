"""Per-function Lambda packages, built locally (no Docker): what each function imports, nothing more.

A function's package is its folder under `functions/`, the modules of the shared package
`telefonist` it reaches, and the third-party distributions those import, with their dependencies,
pinned by `requirements-lambda.lock` (hashes included; generated from pyproject.toml's dependencies
by `make lock`, which also writes requirements.lock for .venv at the same versions) and installed
for Lambda's platform:

- Lambda's python3.11 runtime runs on Amazon Linux 2 (glibc 2.26): only wheels tagged manylinux
  2_26 or older load there, so pip gets exactly those tags (a manylinux_2_28 wheel would install
  and then fail on import with "GLIBC_2.28 not found"). pip picks the newest release that
  publishes such a wheel (pyarrow 20, rapidfuzz 3.13 for cp311 today).
- Bytecode compiled here, not at every cold start: Lambda's /var/task is read-only, so a package
  without `.pyc` files compiles each module it imports on every cold start (3.7-4.4× `import boto3`
  against 2.0-2.9× with bytecode; `benchmarks/cold_start.py --no-bytecode`). pip's own compile
  (`--no-compile` here) writes timestamp-checked files, which would not match in Lambda (the asset's
  zip sets every file's time to 1980), so the whole package is compiled after pruning with
  `--invalidation-mode unchecked-hash` (PEP 552: used without looking at the source's time or
  hash), by a build interpreter of Lambda's Python minor version (the bytecode format is fixed
  within a minor version); any other interpreter is a build error.
- Nothing the runtime already has (boto3 and its dependencies, `RUNTIME_PROVIDED`), except the
  service models trimmed to the operations a package's modules call (infra/botocore_models.py).

What a module imports is read statically (its `import` statements, lazy ones inside functions
too, and module names it passes as strings), then mapped to distributions. A library's own lazy
imports cannot be read that way: `LIBRARY_LAZY_IMPORTS` names the few this code triggers.

Bundling runs only when TELEFONIST_BUNDLE=1 (`make deploy`, `make diff`, `make bundle`); a plain
synth, the tests' included, skips it and the template is the same (each asset's hash is computed
here from exactly what goes into it).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from infra import botocore_models

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LAMBDA_LOCK = ROOT / "requirements-lambda.lock"
# The development environment (.venv): the same versions as Lambda's where both have a distribution.
DEV_LOCK = ROOT / "requirements.lock"
# Downloaded wheels, keyed by the lock's own hashes: inside the project (build/ is ignored by git).
WHEEL_CACHE = ROOT / "build" / "lambda-wheels"
# Compiled modules of the packages (compile_bytecode), kept across builds: most of a build's modules are unchanged.
BYTECODE_CACHE = ROOT / "build" / "lambda-bytecode"

PYTHON_VERSION = "3.11"
LAMBDA_TASK_ROOT = botocore_models.LAMBDA_TASK_ROOT
# x86_64, not arm64: see README "Deploy to AWS" (the tests import each package's own binaries on
# the x86_64 build machine; arm64 would save about 20 % of a bill measured in cents).
ARCHITECTURE = "x86_64"
# Amazon Linux 2 has glibc 2.26; pip does not widen PEP 600 tags by itself, so each is listed.
PLATFORM_TAGS = tuple(
    f"{tag}_{ARCHITECTURE}" for tag in ("manylinux2014", "manylinux_2_17", "manylinux_2_24", "manylinux_2_26")
)
# In Lambda's Python runtime already (/var/runtime): a second copy only adds size.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"})
# Limit per function (code plus layers, unzipped) that the build enforces: Lambda's is 250 MiB. The
# bytecode shipped with each module adds ~15 % (self_service and rating: ~192 MB of sources, pyarrow
# 109 MB of them, + ~31 MB of .pyc = ~223 MB); 230 MiB keeps 20 MiB clear of Lambda's limit.
MAX_UNZIPPED_BYTES = 230 * 1024 * 1024

FIRST_PARTY = {
    "telefonist": ROOT / "layers" / "telefonist",
    "functions": ROOT / "functions",
    "telefonist_local": ROOT / "telefonist_local",
}
# The local tooling package never ships: a function that reaches it is a build error.
LOCAL_ONLY = ("telefonist_local",)
# Imports a library makes lazily, keyed by what our code imports from it: (module, name) -> extra
# distribution. Powertools' Tracer loads aws_xray_sdk when created; pydantic's e-mail validation
# loads email_validator when first used.
LIBRARY_LAZY_IMPORTS: dict[tuple[str, str], str] = {
    ("aws_lambda_powertools", "Tracer"): "aws-xray-sdk",
    ("aws_lambda_powertools.tracing", "Tracer"): "aws-xray-sdk",
    ("pydantic.networks", "validate_email"): "email-validator",
    ("pydantic", "EmailStr"): "email-validator",
    ("pydantic", "NameEmail"): "email-validator",
}
# Parts of a distribution loaded only by a module our code never imports: {glob: that module}.
# pyarrow's Flight library is 21 MB (nothing else links it; Substrait is linked by pyarrow.lib and
# must stay), phonenumbers' geocoding data 19 MB.
PRUNE_UNLESS_IMPORTED = {
    "pyarrow/*flight*": "pyarrow.flight",
    "phonenumbers/geodata": "phonenumbers.geocoder",
    "phonenumbers/carrierdata": "phonenumbers.carrier",
    "phonenumbers/tzdata": "phonenumbers.timezone",
}
# Files no function reads at run time.
_PRUNE_DIRS = frozenset({"__pycache__", "bin", "tests", "include"})
_PRUNE_SUFFIXES = (".pyc", ".pyi", ".pyx", ".pxd", ".pxi", ".h", ".hpp", ".cc", ".cpp")
_MODULE_NAME = re.compile(r"^(telefonist|functions)(\.[A-Za-z_]\w*)+$")


class BundlingError(RuntimeError):
    """A function package cannot be built as required (unknown import, too large, pip failed)."""


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# ---- what a function imports ------------------------------------------------------------------


def module_file(module: str) -> Path | None:
    """The source file of a first-party module, or None when there is no such module."""
    top, *rest = module.split(".")
    base = FIRST_PARTY.get(top)
    if base is None:
        return None
    path = base.joinpath(*rest)
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under `if TYPE_CHECKING:` (never executed)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


@dataclass(frozen=True)
class FunctionImports:
    """What one function's handler reaches: first-party modules and third-party (module, name) pairs."""

    modules: frozenset[str]
    third_party: frozenset[tuple[str, str]]

    def files(self) -> list[Path]:
        return sorted({f for m in self.modules if (f := module_file(m)) is not None})


def function_imports(function: str) -> FunctionImports:
    """Follows imports from `functions/<function>/handler.py` through the first-party packages."""
    start = f"functions.{function}.handler"
    if module_file(start) is None:
        raise BundlingError(f"no handler module {start}")
    seen: set[str] = set()
    third_party: set[tuple[str, str]] = set()
    queue = [start]
    while queue:
        module = queue.pop()
        if module in seen:
            continue
        if module.startswith(LOCAL_ONLY):
            raise BundlingError(f"functions.{function} reaches {module}, which never ships to Lambda")
        seen.add(module)
        parts = module.split(".")
        queue.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages run first
        imports, named_modules = _parse(module)
        queue.extend(named_modules)
        for name, attr in imports:
            top = name.split(".")[0]
            if top not in FIRST_PARTY:
                if top not in sys.stdlib_module_names and top != "__future__":
                    third_party.add((name, attr))
                continue
            if module_file(name) is None:
                raise BundlingError(f"{module} imports {name}, which does not exist")
            queue.append(name)
            if attr and module_file(f"{name}.{attr}") is not None:
                queue.append(f"{name}.{attr}")
    return FunctionImports(frozenset(seen), frozenset(third_party))


@cache
def _parse(module: str) -> tuple[list[tuple[str, str]], list[str]]:
    """A module's imports as (module, name) pairs, and the first-party modules it names as strings
    (an `import_module` argument)."""
    path = module_file(module)
    assert path is not None
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    imports: list[tuple[str, str]] = []
    named: list[str] = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            imports.extend((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            imports.extend((base, alias.name) for alias in node.names)
        elif isinstance(node, ast.Constant) and _is_module_name(node):
            named.append(str(node.value))
    return imports, named


def _is_module_name(node: ast.AST | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _MODULE_NAME.match(node.value) is not None
        and module_file(node.value) is not None
    )


# ---- which distributions, from the lock --------------------------------------------------------


@dataclass(frozen=True)
class LockedDistribution:
    name: str
    version: str
    sha256: str
    requires: tuple[str, ...]
    wheel: str = ""  # the file pip chose when locking (the `# <file>.whl` line above the pin)

    def requirement_line(self) -> str:
        return f"{self.name}=={self.version} --hash=sha256:{self.sha256}"


_LOCK_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+) --hash=sha256:(?P<sha>[0-9a-f]{64})(?P<rest>.*)$"
)


@cache
def read_lock() -> dict[str, LockedDistribution]:
    """`requirements-lambda.lock`: one pinned, hashed distribution a line, with `# requires: a, b`."""
    locked: dict[str, LockedDistribution] = {}
    wheel = ""
    for number, line in enumerate(LAMBDA_LOCK.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# ") and line.endswith(".whl"):
            wheel = line[2:]
        if not line.strip() or line.startswith("#"):
            continue
        match = _LOCK_LINE.match(line)
        if match is None:
            raise BundlingError(f"{LAMBDA_LOCK.name}:{number}: not `name==version --hash=sha256:... # requires: ...`")
        requires = match["rest"].partition("# requires:")[2]
        name = canonical(match["name"])
        locked[name] = LockedDistribution(
            name, match["version"], match["sha"], tuple(canonical(r) for r in requires.replace(",", " ").split()), wheel
        )
        wheel = ""
    return locked


@cache
def _distributions_of_import() -> dict[str, list[str]]:
    return {top: [canonical(d) for d in dists] for top, dists in importlib.metadata.packages_distributions().items()}


def function_requirements(function: str) -> list[LockedDistribution]:
    """The locked distributions a function's package installs: what it imports, their dependencies,
    minus what Lambda's runtime already has."""
    imports = function_imports(function)
    wanted: set[str] = set()
    for module, attr in imports.third_party:
        top = module.split(".")[0]
        dists = _distributions_of_import().get(top)
        if not dists:
            raise BundlingError(f"functions.{function} imports {module!r}, which no installed distribution provides")
        wanted.update(dists)
        extra = LIBRARY_LAZY_IMPORTS.get((module, attr))
        if extra:
            wanted.add(extra)
    lock = read_lock()
    closure: set[str] = set()
    todo = sorted(wanted)
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        if name not in lock:
            raise BundlingError(f"functions.{function} needs {name}, which {LAMBDA_LOCK.name} does not pin")
        closure.add(name)
        todo.extend(lock[name].requires)
    return [lock[name] for name in sorted(closure - RUNTIME_PROVIDED)]


# ---- building ----------------------------------------------------------------------------------


def _pip_environment() -> dict[str, str]:
    """pip sees only the project's options: no machine-wide find-links, extra indexes or constraints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if "PIP_CERT" in os.environ:  # a machine's TLS trust store is not a packaging choice
        env["PIP_CERT"] = os.environ["PIP_CERT"]
    return env


def _platform_args() -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", PYTHON_VERSION]
    for tag in PLATFORM_TAGS:
        args += ["--platform", tag]
    return args


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--no-cache-dir", "--quiet", *args]
    result = subprocess.run(command, env=_pip_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BundlingError(f"pip {args[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def _has_wheel(distribution: LockedDistribution) -> bool:
    """The locked wheel is in build/lambda-wheels with the lock's hash (checked once per process)."""
    path = WHEEL_CACHE / distribution.wheel
    if not distribution.wheel or not path.is_file():
        return False
    if distribution not in _CHECKED_WHEELS:
        with path.open("rb") as wheel:
            if hashlib.file_digest(wheel, "sha256").hexdigest() != distribution.sha256:
                return False
        _CHECKED_WHEELS.add(distribution)
    return True


_CHECKED_WHEELS: set[LockedDistribution] = set()


def download_wheels(distributions: Iterable[LockedDistribution]) -> None:
    """Fetches the locked wheels once into build/lambda-wheels (pip checks each file's hash). A wheel
    already there with the lock's hash is not asked for again: a package build reaches PyPI only for
    what no earlier build fetched (pip install checks every hash once more)."""
    missing = [d for d in distributions if not _has_wheel(d)]
    if not missing:
        return
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(d.requirement_line() for d in missing) + "\n", encoding="utf-8")
        download = ["download", "--no-deps", "--require-hashes", *_platform_args()]
        _pip(*download, "--dest", str(WHEEL_CACHE), "-r", str(requirements))


def all_functions() -> list[str]:
    return sorted(p.parent.name for p in FIRST_PARTY["functions"].glob("*/handler.py"))


@dataclass(frozen=True)
class FunctionPackage:
    """What goes into one function's asset; `fingerprint` is its asset hash."""

    function: str
    files: tuple[Path, ...]
    distributions: tuple[LockedDistribution, ...]
    imported_modules: frozenset[str]
    # Services its modules call, each with the client methods called: their trimmed models ship
    # (infra/botocore_models.py).
    botocore_models: tuple[tuple[str, frozenset[str]], ...] = ()

    @classmethod
    def plan(cls, function: str) -> FunctionPackage:
        imports = function_imports(function)
        third_party = frozenset(m for module, name in imports.third_party for m in (module, f"{module}.{name}"))
        models = tuple(sorted(botocore_models.models_for(imports.modules).items()))
        return cls(function, tuple(imports.files()), tuple(function_requirements(function)), third_party, models)

    def environment(self) -> dict[str, str]:
        """The function's variables this package needs (AWS_DATA_PATH where it carries models)."""
        return botocore_models.environment(dict(self.botocore_models))

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (self.function, PYTHON_VERSION, *PLATFORM_TAGS, Path(__file__).read_text(encoding="utf-8")):
            digest.update(part.encode() + b"\0")
        for path in self.files:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
        for dist in self.distributions:
            digest.update(dist.requirement_line().encode() + b"\0")
        if self.botocore_models:  # the models come from the lock's botocore (checked when built)
            digest.update(Path(botocore_models.__file__).read_bytes() + b"\0")
            digest.update(read_lock()["botocore"].requirement_line().encode() + b"\0")
            for service, methods in self.botocore_models:
                digest.update(f"{service}:{','.join(sorted(methods))}".encode() + b"\0")
        return digest.hexdigest()

    def build(self, output_dir: Path) -> int:
        """Writes the package into `output_dir`; returns its unzipped size in bytes."""
        for path in self.files:
            shared = FIRST_PARTY["telefonist"]
            relative = path.relative_to(shared.parent if path.is_relative_to(shared) else ROOT)
            (output_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, output_dir / relative)
        if (FIRST_PARTY["telefonist"] / "py.typed").is_file():
            shutil.copy2(FIRST_PARTY["telefonist"] / "py.typed", output_dir / "telefonist" / "py.typed")
        for distribution in self.distributions:
            installed = _installed(distribution)
            for name in installed.files:
                (output_dir / name).parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(installed.site / name, output_dir / name)
        prune(output_dir, self.imported_modules)
        if self.botocore_models:
            _check_botocore_is_locked()
            botocore_models.write(dict(self.botocore_models), output_dir / botocore_models.DATA_FOLDER)
        compile_bytecode(output_dir)
        size = unzipped_size(output_dir)
        print(f"telefonist bundle {self.function}: {size / 1e6:.1f} MB unzipped", file=sys.stderr)
        if size > MAX_UNZIPPED_BYTES:
            raise BundlingError(
                f"functions.{self.function}: {size / 1e6:.1f} MB unzipped, over the "
                f"{MAX_UNZIPPED_BYTES / 1e6:.0f} MB this project allows (Lambda: 250 MB)"
            )
        return size


def _check_botocore_is_locked() -> None:
    """The trimmed models are written from the installed botocore's: it must be the lock's version."""
    import botocore

    locked = read_lock()["botocore"].version
    if botocore.__version__ != locked:
        raise BundlingError(f"botocore {botocore.__version__} is installed, the lock pins {locked}: run make venv")


def prune(output_dir: Path, imported_modules: frozenset[str]) -> None:
    """Removes what no function reads at run time: scripts, tests, type stubs, C headers and sources,
    bytecode, and the parts of `PRUNE_UNLESS_IMPORTED` whose module the function never imports."""
    for pattern, module in PRUNE_UNLESS_IMPORTED.items():
        if module in imported_modules:
            continue
        for path in output_dir.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in sorted(output_dir.rglob("*"), reverse=True):
        if not path.exists():
            continue
        relative = path.relative_to(output_dir).parts
        if (
            path.is_dir()
            and (path.name in _PRUNE_DIRS or path.name.endswith("-stubs"))
            and not _is_first_party(relative)
        ):
            shutil.rmtree(path)
        elif path.is_file() and path.name.endswith(_PRUNE_SUFFIXES):
            path.unlink()


def compile_bytecode(output_dir: Path) -> None:
    """Every module of the package as unchecked-hash bytecode for Lambda's Python (see the module's
    docstring), with the paths Lambda loads them from (/var/task) in tracebacks.

    What `compileall.compile_dir(output_dir, ddir=/var/task)` writes, each module compiled once on
    this machine: most modules are in several packages (pydantic, Powertools, the shared package) and
    most are unchanged since the last build, and one whose source and place in the package are those
    of a module compiled before (for an earlier package or by an earlier build, build/lambda-bytecode)
    gets that module's bytecode (it would be compiled from the same input to the same code)."""
    import compileall
    import py_compile
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    if f"{sys.version_info.major}.{sys.version_info.minor}" != PYTHON_VERSION:
        raise BundlingError(
            f"the packages are built by Python {PYTHON_VERSION}, whose bytecode Lambda's runtime loads; "
            f"this is {sys.version_info.major}.{sys.version_info.minor}"
        )
    compiled = _bytecode_cache()
    todo: list[tuple[Path, Path, Path]] = []  # (source, its .pyc in the package, the cache's copy)
    for source in _modules(output_dir):
        # py_compile gives the .pyc its source's mode
        place = f"{source.relative_to(output_dir).as_posix()}\0{source.stat().st_mode & 0o777:o}\0".encode()
        cached = compiled / hashlib.sha256(place + source.read_bytes()).hexdigest()
        target = Path(importlib.util.cache_from_source(str(source)))
        if cached.is_file():
            target.parent.mkdir(exist_ok=True)
            _link_or_copy(cached, target)
        else:
            todo.append((source, target, cached))
    if todo:
        compile_file = partial(
            compileall.compile_file,
            stripdir=str(output_dir),
            prependdir=LAMBDA_TASK_ROOT,
            quiet=2,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        with ProcessPoolExecutor() as pool:
            ok = all(pool.map(compile_file, [str(source) for source, _target, _cached in todo], chunksize=64))
        if not ok:  # a module Python 3.11 cannot compile would fail on import in Lambda too
            raise BundlingError(
                f"{output_dir.name}: a module of the package does not compile for Python {PYTHON_VERSION}"
            )
        for _source, target, cached in todo:
            # Whole or not at all: another build may be reading the cache meanwhile.
            incomplete = cached.with_name(f"{cached.name}.{os.getpid()}")
            _link_or_copy(target, incomplete)
            incomplete.replace(cached)


def _modules(directory: Path) -> Iterator[Path]:
    """The files `compileall.compile_dir` compiles: each `*.py`, neither in `__pycache__` nor under a
    symlinked folder."""
    for name in sorted(os.listdir(directory)):
        path = directory / name
        if path.is_dir():
            if name != "__pycache__" and not path.is_symlink():
                yield from _modules(path)
        elif name.endswith(".py") and path.is_file():
            yield path


@dataclass(frozen=True)
class InstalledDistribution:
    """A distribution as pip installed it for Lambda's platform: its files, relative to `site`."""

    site: Path
    files: tuple[str, ...]


_INSTALLED: dict[str, InstalledDistribution] = {}


def _installed(distribution: LockedDistribution) -> InstalledDistribution:
    """`distribution` installed by pip for Lambda's platform, once per build process.

    Every package used to run pip with its own distributions into its folder, unpacking pydantic
    and Powertools a dozen times. The first call installs what any function needs in one pip run
    (`--target`, as before) into this process's work folder; a package then copies each of its
    distributions' files (those its RECORD lists) from there: the same files as pip's install into
    the package."""
    if distribution.name not in _INSTALLED:
        wanted = {distribution, *(d for function in all_functions() for d in function_requirements(function))}
        missing = sorted((d for d in wanted if d.name not in _INSTALLED), key=lambda d: d.name)
        download_wheels(missing)
        site = Path(tempfile.mkdtemp(prefix="site-", dir=_work_dir()))
        requirements = site.with_suffix(".txt")
        requirements.write_text("\n".join(d.requirement_line() for d in missing) + "\n", encoding="utf-8")
        install = ["install", "--no-index", "--find-links", str(WHEEL_CACHE), "--no-deps", "--require-hashes"]
        _pip(*install, "--no-compile", *_platform_args(), "--target", str(site), "-r", str(requirements))
        for installed in importlib.metadata.distributions(path=[str(site)]):
            _INSTALLED[canonical(installed.metadata["Name"])] = InstalledDistribution(
                site, tuple(sorted(_target_path(str(f)) for f in installed.files or ()))
            )
        if distribution.name not in _INSTALLED:
            raise BundlingError(f"pip installed no {distribution.name} from {LAMBDA_LOCK.name}")
    return _INSTALLED[distribution.name]


def _target_path(recorded: str) -> str:
    """Where pip's `--target` put a file its RECORD names: RECORD's paths are relative to the
    install's lib/python (scripts `../../bin/...`), whose contents, and `bin/`, pip moved to the target."""
    path = os.path.normpath(os.path.join("lib", "python", recorded))
    return path.removeprefix(os.path.join("lib", "python") + os.sep)


@cache
def _work_dir() -> Path:
    """This build process's scratch folder (the shared install), removed at exit."""
    directory = tempfile.TemporaryDirectory(prefix="telefonist-bundling-")
    _WORK_DIRECTORIES.append(directory)
    return Path(directory.name)


_WORK_DIRECTORIES: list[tempfile.TemporaryDirectory[str]] = []


@cache
def _bytecode_cache() -> Path:
    """Modules compiled by this Python (its whole version: a patch release may compile differently)
    for /var/task, by their place in a package and their source's hash; kept in build/ across builds."""
    settings = (sys.version, importlib.util.MAGIC_NUMBER.hex(), sys.flags.optimize, LAMBDA_TASK_ROOT, "unchecked-hash")
    compiler = "\0".join(map(str, settings))
    directory = BYTECODE_CACHE / hashlib.sha256(compiler.encode()).hexdigest()[:16]
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _link_or_copy(source: Path, target: Path) -> None:
    """`target` the same file as `source` (mode and times too): a hard link where the file system
    allows it (no copy of the data; nothing writes to a package's files once built), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _is_first_party(relative: tuple[str, ...]) -> bool:
    return relative[0] in FIRST_PARTY


def unzipped_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file() and not p.is_symlink())


@jsii.implements(cdk.ILocalBundling)
class PackageFunction:
    """CDK's local bundling hook for one function package."""

    def __init__(self, package: FunctionPackage) -> None:
        self._package = package

    def try_bundle(self, output_dir: str, options: cdk.BundlingOptions) -> bool:
        self._package.build(Path(output_dir))
        return True


def bundling_options(local: object) -> cdk.BundlingOptions:
    # The image is never pulled: local bundling always succeeds or raises.
    return cdk.BundlingOptions(
        image=cdk.DockerImage.from_registry("local-bundling-only"),
        local=local,  # type: ignore[arg-type]  # jsii.implements is not visible to mypy
    )


# ---- the lock ------------------------------------------------------------------------------------


def lambda_requirements() -> list[str]:
    """What Lambda's packages may install: the project's own dependencies in pyproject.toml (the
    tooling's and the tests' are the `dev` extra), so there is no second list to keep."""
    import tomllib

    return list(tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"])


def _resolve(*args: str) -> list[dict[str, Any]]:
    """pip's resolution (a dry run, nothing installed) of `args`: the report's `install` items."""
    import json

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        _pip("install", "--dry-run", "--ignore-installed", "--report", str(report), *args)
        items: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))["install"]
    return items


def write_lock() -> None:
    """Resolves the project's dependencies once for Lambda's platform (requirements-lambda.lock) and
    then the development environment constrained to those versions (requirements.lock), so the tests
    run what Lambda runs (`make lock`; needs PyPI). Lambda's lines: the wheel pip chose, its hash,
    its dependencies; the development lock: `name==version` (its wheels are this machine's)."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    environment: dict[str, str] = {
        **{k: str(v) for k, v in default_environment().items()},
        "python_version": PYTHON_VERSION,
        "python_full_version": f"{PYTHON_VERSION}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": ARCHITECTURE,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(lambda_requirements()) + "\n", encoding="utf-8")
        installs = _resolve(*_platform_args(), "--target", str(Path(tmp) / "t"), "-r", str(requirements))
    resolved = {canonical(item["metadata"]["name"]) for item in installs}
    lines = [
        f"# Generated from {PYPROJECT.name}'s dependencies by `make lock`: do not edit.",
        f"# For Lambda's python{PYTHON_VERSION} {ARCHITECTURE} runtime (Amazon Linux 2): {', '.join(PLATFORM_TAGS)}.",
        "# `# requires:` lists each distribution's own dependencies (no extras); infra/bundling.py reads it.",
    ]
    for item in sorted(installs, key=lambda i: canonical(i["metadata"]["name"])):
        meta = item["metadata"]
        requires = sorted(
            {
                canonical(req.name)
                for req in map(Requirement, meta.get("requires_dist") or [])
                if (req.marker is None or req.marker.evaluate(environment)) and canonical(req.name) in resolved
            }
        )
        sha = item["download_info"]["archive_info"]["hashes"]["sha256"]
        wheel = item["download_info"]["url"].rsplit("/", 1)[-1]
        line = f"{canonical(meta['name'])}=={meta['version']} --hash=sha256:{sha}  # requires: {', '.join(requires)}"
        lines.append(f"# {wheel}\n{line}")
    LAMBDA_LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_lock.cache_clear()

    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp) / "constraints.txt"
        constraints.write_text("".join(f"{d.name}=={d.version}\n" for d in read_lock().values()), encoding="utf-8")
        dev = _resolve("-c", str(constraints), "-e", f"{ROOT}[dev]")
    pins = sorted(
        f"{canonical(item['metadata']['name'])}=={item['metadata']['version']}"
        for item in dev
        if canonical(item["metadata"]["name"]) != "telefonist"
    )
    header = [
        f"# Generated with {LAMBDA_LOCK.name} by `make lock`: do not edit. The development environment",
        f"# (.venv: `make install`), at {LAMBDA_LOCK.name}'s versions wherever Lambda has the distribution too.",
    ]
    DEV_LOCK.write_text("\n".join([*header, *pins]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["lock"]:
        write_lock()
    elif sys.argv[1:2] == ["build"]:  # build FUNCTION DIR: one package, for a look inside
        FunctionPackage.plan(sys.argv[2]).build(Path(sys.argv[3]))
    else:
        sys.exit("usage: python -m infra.bundling lock | build FUNCTION DIR")
