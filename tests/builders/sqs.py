"""An SQS event as Lambda's event source mapping delivers it (the records `SqsMessageQueue.receive_records`
makes from a real receive, for the demo's and the tests' queue drain)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from telefonist import config

QUEUE_ARN = f"arn:aws:sqs:{config.DEFAULT_REGION}:123456789012:telefonist-test"


def sqs_event(bodies: list[dict[str, Any] | str], queue_arn: str = QUEUE_ARN) -> dict[str, Any]:
    """One record per body (a dict is sent as JSON); record i has messageId `msg-i`."""
    records = []
    for i, body in enumerate(bodies):
        text = body if isinstance(body, str) else json.dumps(body)
        records.append(
            {
                "messageId": f"msg-{i}",
                "receiptHandle": f"receipt-{i}",
                "body": text,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764000000000"},
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(text.encode()).hexdigest(),  # noqa: S324 - SQS's own checksum
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
        )
    return {"Records": records}
