"""Limits of a request, checked before anything parses it: size, nesting, numbers, Unicode.

A hostile body must never reach a parser that fails in a way the API cannot answer (Python's
JSON decoder recurses, `int()` refuses more than 4,300 digits, DynamoDB refuses lone surrogates
after the write has begun). Each violation is a 400 naming the field, as the schema's would be.
The scan is iterative: it never recurses, whatever the input.
"""

from __future__ import annotations

import json
import math
from typing import Any

from telefonist.edge.errors import InvalidInputError

MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 16  # the deepest model nests 6 levels
MAX_NUMBER_CHARS = 20  # any int64, any float a person types
MAX_CONTAINER_ITEMS = 10_000
MAX_KEY_CHARS = 100
MAX_QUERY_CHARS = 2_000


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text)} characters; at most {MAX_NUMBER_CHARS}")
    return int(text)


def _float(text: str) -> float:
    value = float(text) if len(text) <= MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(value):
        raise _Refused("a number out of range")
    return value


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not a JSON number")


def unicode_problem(text: str) -> str | None:
    """Why a string cannot be stored or sent (a lone surrogate, a NUL), or None when it can."""
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return "holds an invalid character (a lone UTF-16 surrogate)"
        if code == 0:
            return "holds a NUL character"
    return None


def _nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text, strings skipped (linear, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json_body(text: str) -> Any:
    """The body's JSON value within the limits; InvalidInputError naming the field otherwise."""
    if _nesting_depth(text) > MAX_DEPTH:
        raise InvalidInputError.of("body", f"nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Refused as exc:
        raise InvalidInputError.of("body", exc.message) from None
    except (ValueError, RecursionError):
        raise InvalidInputError.of("body", "the body is not valid JSON") from None
    check_value(value, "body")
    return value


def check_value(value: Any, path: str) -> None:
    """Walk a parsed JSON value (iteratively) and refuse oversized containers and bad strings."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problem = unicode_problem(item)
            if problem:
                raise InvalidInputError.of(where, problem)
        elif isinstance(item, list):
            if len(item) > MAX_CONTAINER_ITEMS:
                raise InvalidInputError.of(where, f"{len(item)} items; at most {MAX_CONTAINER_ITEMS}")
            stack.extend((child, f"{where}.{index}") for index, child in enumerate(item))
        elif isinstance(item, dict):
            if len(item) > MAX_CONTAINER_ITEMS:
                raise InvalidInputError.of(where, f"{len(item)} fields; at most {MAX_CONTAINER_ITEMS}")
            for key, child in item.items():
                if len(key) > MAX_KEY_CHARS or unicode_problem(key):
                    raise InvalidInputError.of(where, "a field name that is too long or not valid text")
                stack.append((child, f"{where}.{key}"))


def check_parameters(values: dict[str, str] | None, location: str) -> None:
    """Query-string and path parameters: bounded, valid text."""
    for name, value in (values or {}).items():
        where = f"{location}.{name}"
        if not isinstance(value, str):
            continue
        if len(value) > MAX_QUERY_CHARS:
            raise InvalidInputError.of(where, f"{len(value)} characters; at most {MAX_QUERY_CHARS}")
        problem = unicode_problem(value)
        if problem:
            raise InvalidInputError.of(where, problem)
