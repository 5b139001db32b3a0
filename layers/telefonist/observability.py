"""Logger, tracer and metrics: built once here, imported everywhere.

The Tracer is created only where traces are used. Instantiating Powertools' Tracer imports
aws_xray_sdk and patches botocore: 0.55-0.65 s of CPU (benchmarks/cold_start.py), which doubled the
contact-flow function's cold start (import plus first call) inside Connect's 8-second budget.
`tracer()` hands out a stand-in that creates the real Tracer on the first capture decorator or
provider call; an annotation alone does not, because it has nowhere to go: no function opens a
subsegment, and Lambda's own (facade) segment refuses annotations (aws_xray_sdk raises
FacadeSegmentMutationException when the request is sampled). Lambda's active tracing still
records every invocation without the SDK.
"""

from __future__ import annotations

import logging
import numbers
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics

from telefonist.config import METRICS_NAMESPACE

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

logger = Logger(service="telefonist", log_uncaught_exceptions=True)

# Libraries whose DEBUG lines echo what we must never log: botocore the wire bodies (whole directory
# items), Powertools' resolver the route arguments (search text). Whatever level a function's log
# configuration sets, they stay at INFO and above (SECURITY.md §2).
for _chatty in ("botocore", "boto3", "urllib3", "aws_lambda_powertools.event_handler"):
    logging.getLogger(_chatty).setLevel(logging.INFO)
metrics = Metrics(namespace=METRICS_NAMESPACE, service="telefonist")

_PHONE = re.compile(r"\+?\d[\d \-]{6,}\d")
_EMAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+")


@cache
def _powertools_tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service="telefonist")


class LazyTracer:
    """Powertools' Tracer, created on first real use; annotations without a subsegment are dropped."""

    def put_annotation(self, key: str, value: str | numbers.Number | bool) -> None:
        """Annotate the open subsegment; without one (no Tracer created yet) there is nothing to annotate."""
        if _powertools_tracer.cache_info().currsize:
            _powertools_tracer().put_annotation(key=key, value=value)

    def __getattr__(self, name: str) -> Any:
        # capture_lambda_handler, capture_method, provider...: these need the real Tracer.
        return getattr(_powertools_tracer(), name)


_LAZY_TRACER = LazyTracer()


def tracer() -> LazyTracer:
    """The tracer of this process (see the module's docstring for when Powertools' Tracer is created)."""
    return _LAZY_TRACER


def mask_phone_number(number: str | None) -> str:
    """Keep the country code and the last two digits: enough to correlate, not to call."""
    if not number:
        return ""
    digits = number.strip()
    return f"{digits[:3]}{'*' * max(len(digits) - 5, 0)}{digits[-2:]}" if len(digits) > 5 else "***"


def mask_email(address: str | None) -> str:
    if not address or "@" not in address:
        return ""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def redact(text: str) -> str:
    """Mask every phone number and e-mail address in free text (for log messages)."""
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone_number(re.sub(r"[ \-]", "", m.group(0))), text)


def safe_extra(**fields: Any) -> dict[str, Any]:
    """Log fields with strings redacted."""
    return {k: redact(v) if isinstance(v, str) else v for k, v in fields.items()}
