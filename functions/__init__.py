"""The Lambda functions: a package each, entered at `functions.<name>.handler.lambda_handler`.

Cold start: Lambda imports this package first. There (AWS_LAMBDA_FUNCTION_NAME is set) Python's cyclic
garbage collector is paused until the handler module's last line, `imports_done()`. The imported
modules' objects live as long as the process, yet their allocation triggers ~180 collections that
scan them again and again: 0.04-0.06 s of CPU in a cold start (benchmarks/cold_start.py; README,
"Cold-start decisions"). `imports_done` freezes what was imported (`gc.freeze`: left out of every
later collection, the pattern Python's documentation gives for a long-lived heap) and resumes
collection for the invocations. Elsewhere (tests, `telefonist serve`) nothing changes.
"""

from __future__ import annotations

import gc
import os

_paused = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) and gc.isenabled()
if _paused:
    gc.disable()


def imports_done() -> None:
    """The handler module is imported: freeze its objects and resume collection (if paused here)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
