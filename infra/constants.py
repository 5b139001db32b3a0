"""Construct ids and shared names of the stack. Environment-variable names come from the package."""

from __future__ import annotations

from telefonist import config

SERVICE_NAME = "telefonist"
STACK_ID = "Telefonist"
DEFAULT_REGION = config.DEFAULT_REGION

# Context keys (cdk.json or `-c key=value`).
CTX_REGION = "telefonist:region"
CTX_ACCOUNT = "telefonist:account"
CTX_LOG_RETENTION_DAYS = "telefonist:logRetentionDays"
CTX_CONNECT_INSTANCE_ARN = "telefonist:connectInstanceArn"
# Until the Connect construct is wired in: a well-formed ARN that names no real instance.
PLACEHOLDER_CONNECT_INSTANCE_ARN = (
    "arn:aws:connect:eu-central-1:111122223333:instance/00000000-0000-0000-0000-000000000000"
)

DATA_CONSTRUCT_ID = "Data"
CODE_CONSTRUCT_ID = "FunctionCode"
RATING_CONSTRUCT_ID = "Rating"

LAMBDA_MEMORY_MB = 512
LOG_RETENTION_DAYS = 90
