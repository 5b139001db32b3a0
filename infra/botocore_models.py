"""Service models trimmed to the operations the code calls, for the Lambda packages (issue 18).

botocore builds a client from its service's whole model: Connect's has 405 operations and 2,450
shapes (237 kB gzipped), and reading it was ~0.04-0.06 s CPU of the transfer function's cold start,
which calls two of them. A package whose modules call Connect carries Connect's model with only
those operations and the shapes they reference, written at build time from the installed botocore's
own `service-2.json` (the lock's version: checked, so the model never drifts from it) into
`DATA_FOLDER`; the function's AWS_DATA_PATH names that folder. botocore's loader searches
AWS_DATA_PATH before its own data for each file, so the service's other files (endpoint rules,
paginators) and every other service still come from the runtime's botocore. (Lambda's runtime has
its own botocore, not necessarily the lock's: it reads a model of the same API version, Connect's
2017-08-08, from the folder as it would its own; the build and the tests use the lock's.)

`CALLS` names what each module calls; tests/infra/test_botocore_models.py reads the modules' calls
from their source and compares.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DATA_FOLDER = "botocore-models"
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks a function's package
# Module -> (service, the client methods it calls).
CALLS: dict[str, tuple[str, frozenset[str]]] = {
    "telefonist.dal.connect_contacts": ("connect", frozenset({"get_contact_attributes", "update_contact_attributes"})),
    "telefonist.dal.connect_numbers": (
        "connect",
        frozenset(
            {
                "search_available_phone_numbers",
                "claim_phone_number",
                "describe_phone_number",
                "associate_phone_number_contact_flow",
                "disassociate_phone_number_contact_flow",
                "release_phone_number",
            }
        ),
    ),
}


def models_for(modules: Iterable[str]) -> dict[str, frozenset[str]]:
    """The services a package's modules call, each with the client methods called."""
    models: dict[str, frozenset[str]] = {}
    for module in modules:
        if module in CALLS:
            service, methods = CALLS[module]
            models[service] = models.get(service, frozenset()) | methods
    return models


def environment(models: dict[str, frozenset[str]]) -> dict[str, str]:
    """The function's variables for a package with these models (none without)."""
    return {"AWS_DATA_PATH": f"{LAMBDA_TASK_ROOT}/{DATA_FOLDER}"} if models else {}


def _installed_model(service: str) -> tuple[str, dict[str, Any]]:
    """The installed botocore's newest API version of `service` and its model, as botocore reads it."""
    from botocore.loaders import Loader

    loader = Loader(include_default_search_paths=False, extra_search_paths=[Loader.BUILTIN_DATA_PATH])
    version = loader.determine_latest_version(service, "service-2")
    return version, loader.load_data(f"{service}/{version}/service-2")


def trimmed(model: dict[str, Any], methods: frozenset[str]) -> dict[str, Any]:
    """`model` with only the operations called as `methods` and every shape those reach."""
    from botocore import xform_name

    operations = {name: op for name, op in model["operations"].items() if xform_name(name) in methods}
    missing = methods - {xform_name(name) for name in operations}
    if missing:
        raise ValueError(f"{model['metadata']['serviceId']} has no operation {sorted(missing)}")
    shapes: set[str] = set()
    stack = [ref["shape"] for op in operations.values() for ref in (op.get("input"), op.get("output")) if ref]
    stack += [error["shape"] for op in operations.values() for error in op.get("errors", ())]
    while stack:
        name = stack.pop()
        if name in shapes:
            continue
        shapes.add(name)
        shape = model["shapes"][name]
        stack += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
        stack += [member["shape"] for member in shape.get("members", {}).values()]
    return {**model, "operations": operations, "shapes": {k: v for k, v in model["shapes"].items() if k in shapes}}


def write(models: dict[str, frozenset[str]], data_path: Path) -> None:
    """Each service's trimmed model where botocore's loader looks under `data_path`
    (`<service>/<api version>/service-2.json`)."""
    for service, methods in sorted(models.items()):
        version, model = _installed_model(service)
        target = data_path / service / version / "service-2.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_dumps(trimmed(model, methods)))


def _dumps(model: dict[str, Any]) -> bytes:
    return json.dumps(model, separators=(",", ":"), sort_keys=True).encode()
