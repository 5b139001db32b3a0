"""The Lambda context a handler gets: the attributes Powertools reads, nothing else."""

from __future__ import annotations

from telefonist import config

from telefonist_local.local_aws import LocalLambdaContext

ACCOUNT_ID = "123456789012"  # moto's default account


def lambda_context(function_name: str = "telefonist-test", memory_limit_in_mb: int = 512) -> LocalLambdaContext:
    arn = f"arn:aws:lambda:{config.DEFAULT_REGION}:{ACCOUNT_ID}:function:{function_name}"
    return LocalLambdaContext(
        function_name=function_name,
        memory_limit_in_mb=memory_limit_in_mb,
        invoked_function_arn=arn,
        aws_request_id="req-1",
    )
