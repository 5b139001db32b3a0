"""Construct ids and shared names of the stack. Environment-variable names come from the package."""

from __future__ import annotations

from telefonist import config

SERVICE_NAME = "telefonist"
STACK_ID = "Telefonist"
DEFAULT_REGION = config.DEFAULT_REGION

# Context keys (cdk.json or `-c key=value`).
CTX_REGION = "telefonist:region"
CTX_ACCOUNT = "telefonist:account"
# telefonist's multi-tenant Entra application (its public client id; the secret is telefonist/graph/app)
CTX_GRAPH_APP_CLIENT_ID = "telefonist:graph_app_client_id"

DATA_CONSTRUCT_ID = "Data"
CODE_CONSTRUCT_ID = "FunctionCode"
SELF_SERVICE_CONSTRUCT_ID = "SelfServiceApi"

LAMBDA_MEMORY_MB = 512
# Every log group of the stack (functions' logs, the API's access logs): ServiceFunction sets it,
# MonitoringConstruct's aspect holds the others to it. CloudWatch accepts 1, 3, 5, 7, 14, 30, 60, 90, ...
LOG_RETENTION_DAYS = 90
