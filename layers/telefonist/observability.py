"""Logger, tracer and metrics: built once here, imported everywhere.

The Tracer is created lazily: instantiating it imports aws_xray_sdk (about 0.6 s), which the
inbound call path cannot afford on a cold start inside Connect's 8-second budget.
"""

from __future__ import annotations

import logging
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
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service="telefonist")


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
