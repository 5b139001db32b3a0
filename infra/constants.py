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

DATA_CONSTRUCT_ID = "Data"
CODE_CONSTRUCT_ID = "FunctionCode"
SELF_SERVICE_CONSTRUCT_ID = "SelfServiceApi"

LAMBDA_MEMORY_MB = 512
LOG_RETENTION_DAYS = 90
