"""Each function's environment model, read from `os.environ` once at cold start.

A model is a frozen dataclass whose fields name their variable:

    @dataclass(frozen=True)
    class Environment:
        customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
        cache_seconds: float = field(default=300.0, metadata={"env": config.ENV_DIRECTORY_CACHE_SECONDS})

`load_env(Environment)` reads every field's variable; a field without a default is required, an
empty variable counts as unset, `int`/`float` fields are parsed and a field's optional `pattern`
must match the whole value. Plain dataclasses, not pydantic: the contact-flow function, whose
caller is waiting, loads no pydantic at all.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from typing import Any, TypeVar

ModelT = TypeVar("ModelT")
# An alphanumeric SMS sender ID (the SMS_SENDER_ID variable of every function that sends SMS):
# 1 to 11 letters and digits, at least one letter.
SMS_SENDER_ID_PATTERN = r"(?=[A-Za-z0-9]{1,11}$)[0-9]*[A-Za-z][A-Za-z0-9]*"
_NUMBERS: dict[Any, type] = {"int": int, int: int, "float": float, float: float}


class InvalidEnvironment(ValueError):
    """Variables the function reads hold no valid value; `names` lists them (never their values)."""

    def __init__(self, names: list[str], problem: str = "not valid") -> None:
        super().__init__(f"environment variable(s) {problem}: {', '.join(names)}")
        self.names = names


class MissingEnvironment(InvalidEnvironment):
    """Variables the function needs are unset or empty."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names, "missing or empty")


def load_env(model: type[ModelT], environ: Mapping[str, str] = os.environ) -> ModelT:
    """`model` (a dataclass whose fields carry `metadata={"env": NAME}`) from `environ`.

    Raises MissingEnvironment naming every required variable that is unset or empty, else
    InvalidEnvironment naming every variable that is no number where one is expected or does not
    match its field's pattern.
    """
    values: dict[str, Any] = {}
    missing: list[str] = []
    invalid: list[str] = []
    for spec in dataclasses.fields(model):  # type: ignore[arg-type]
        name = spec.metadata["env"]
        raw = environ.get(name)
        if not raw:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                missing.append(name)
            continue
        pattern = spec.metadata.get("pattern")
        number = _NUMBERS.get(spec.type)
        try:
            values[spec.name] = number(raw) if number else raw
        except ValueError:
            invalid.append(name)
        else:
            if pattern and not re.fullmatch(pattern, raw):
                invalid.append(name)
    if missing:
        raise MissingEnvironment(missing)
    if invalid:
        raise InvalidEnvironment(invalid)
    return model(**values)
