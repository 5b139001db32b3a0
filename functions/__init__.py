"""The Lambda functions: a package each, entered at `functions.<name>.handler.lambda_handler`.

Cold start: Lambda imports this package first. There (AWS_LAMBDA_FUNCTION_NAME is set) Python's cyclic
garbage collector is paused for the cold start. The imported modules' objects live as long as the
process, yet their allocation triggers ~180 collections that scan them again and again: 0.04-0.06 s of
CPU (benchmarks/cold_start.py; README, "Cold-start decisions"). So do the clients the first invocation
creates (botocore's service models: ~0.02 s of collections in transfer's, whose Connect model is
large, ~0.01 s in the others'). An entry point decorated with `first_invocation` resumes collection
when the first invocation ends; the handler module's last line, `imports_done()`, resumes it at once
if none is. Either way what was built until then is frozen (`gc.freeze`: left out of every later
collection, the pattern Python's documentation gives for a long-lived heap). Elsewhere (tests,
`telefonist serve`) nothing changes.

`lambda_entry` builds a handler's `lambda_handler` the one way: `handle(event, dependencies())` inside
Powertools' decorators, `first_invocation` outermost; the handler module's last line, it also does what
`imports_done()` does.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Metrics

P = ParamSpec("P")
R = TypeVar("R")
E = TypeVar("E")
D = TypeVar("D")

_paused = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) and gc.isenabled()
_resume_after_first_invocation = False
if _paused:
    gc.disable()


def _resume() -> None:
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def first_invocation(entry: Callable[P, R]) -> Callable[P, R]:
    """A Lambda entry point (outermost decorator): collection, paused since the imports, resumes when
    its first invocation ends (returned or raised), after it built its clients and warm state."""
    global _resume_after_first_invocation
    _resume_after_first_invocation = True

    @functools.wraps(entry)
    def invoke(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return entry(*args, **kwargs)
        finally:
            if _paused:
                _resume()

    return invoke


def imports_done() -> None:
    """The handler module is imported: resume collection now, unless an entry point resumes it after
    the first invocation (`first_invocation`)."""
    if not _resume_after_first_invocation:
        _resume()


def lambda_entry(
    handle: Callable[[E, D], R],
    dependencies: Callable[[], D],
    *,
    logger: Logger,
    metrics: Metrics | None = None,
    pause_through_first_invocation: bool = True,
) -> Callable[[E, Any], R]:
    """A function's `lambda_handler`: `handle(event, dependencies())` inside Powertools' decorators.

    The logger adds Lambda's context keys to every line, clearing what the previous invocation appended,
    and never logs the event (events hold numbers, names and texts, whatever POWERTOOLS_LOGGER_LOG_EVENT
    says); with `metrics`, what the invocation recorded is flushed when it ends. Outermost,
    `first_invocation` unless `pause_through_first_invocation` is False (then collection resumes now).
    Call it on the handler module's last line: it ends the cold start's imports (`imports_done`). The
    context is Lambda's, or locally anything with the attributes Powertools reads (`LocalLambdaContext`).
    """

    def lambda_handler(event: E, context: Any) -> R:
        return handle(event, dependencies())

    entry = lambda_handler if metrics is None else metrics.log_metrics(lambda_handler)
    entry = logger.inject_lambda_context(entry, log_event=False, clear_state=True)
    if pause_through_first_invocation:
        entry = first_invocation(entry)
    imports_done()
    return entry
