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
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

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
