"""Local AWS: moto's server on 127.0.0.1 and the service's resources created from `resources.py`.

Used by the integration tests and the demo; no account, no network beyond the loopback.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from telefonist import config, resources

from telefonist_local.moto_speedups import speed_up_moto

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": config.DEFAULT_REGION,
    "AWS_REGION": config.DEFAULT_REGION,
}
DEMO_EMAIL_SENDER = "växel@telefonist.example".replace("ä", "a")


@dataclass(frozen=True)
class LocalLambdaContext:
    """The few attributes of a Lambda context that Powertools reads, for calling handlers locally."""

    function_name: str = "telefonist-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-central-1:123456789012:function:telefonist-local"
    aws_request_id: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class LocalAwsError(RuntimeError):
    """The local emulation could not start (port taken, moto missing)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalResources:
    """What was created, as the environment variables the functions read."""

    environment: dict[str, str] = field(default_factory=dict)
    secrets_key_id: str = ""

    def name(self, env_var: str) -> str:
        return self.environment[env_var]


def create_resources(region: str = config.DEFAULT_REGION) -> LocalResources:
    """Create every table, bucket, stream, queue and key of `resources.py` in the current endpoint."""
    created = LocalResources()
    dynamodb = boto3.client("dynamodb", region_name=region)
    for table in resources.TABLES:
        _create_table(dynamodb, table)
        created.environment[table.env_var] = table.local_name
    s3: Any = boto3.client("s3", region_name=region)
    for bucket in resources.BUCKETS:
        s3.create_bucket(Bucket=bucket.local_name, CreateBucketConfiguration={"LocationConstraint": region})
        created.environment[bucket.env_var] = bucket.local_name
    kinesis = boto3.client("kinesis", region_name=region)
    for stream in resources.STREAMS:
        kinesis.create_stream(StreamName=stream.local_name, ShardCount=stream.shards)
    sqs: Any = boto3.client("sqs", region_name=region)
    urls: dict[str, str] = {}
    for queue in resources.QUEUES:
        attributes = dict(queue.attributes)
        if queue.dead_letter:
            dlq_arn = sqs.get_queue_attributes(QueueUrl=urls[queue.dead_letter], AttributeNames=["QueueArn"])
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"], "maxReceiveCount": "3"}
            )
        urls[queue.local_name] = sqs.create_queue(QueueName=queue.local_name, Attributes=attributes)["QueueUrl"]
        if queue.env_var:
            created.environment[queue.env_var] = urls[queue.local_name]
    kms = boto3.client("kms", region_name=region)
    created.secrets_key_id = kms.create_key(Description="telefonist secrets (local)")["KeyMetadata"]["KeyId"]
    created.environment[config.ENV_SECRETS_KEY_ID] = created.secrets_key_id
    caller_key = kms.create_key(
        Description="telefonist caller history (local)", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC"
    )
    created.environment[config.ENV_CALLER_KEY_ID] = caller_key["KeyMetadata"]["KeyId"]
    boto3.client("ses", region_name=region).verify_email_identity(EmailAddress=DEMO_EMAIL_SENDER)
    created.environment[config.ENV_EMAIL_SENDER] = DEMO_EMAIL_SENDER
    created.environment[config.ENV_SMS_SENDER_ID] = "Telefonist"
    return created


def _create_table(dynamodb: Any, table: resources.TableSpec) -> None:
    key_names = [table.partition_key] + ([table.sort_key] if table.sort_key else [])
    for index in table.indexes:
        key_names += [index.partition_key] + ([index.sort_key] if index.sort_key else [])
    kwargs: dict[str, Any] = {
        "TableName": table.local_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in dict.fromkeys(key_names)],
        "KeySchema": _key_schema(table.partition_key, table.sort_key),
    }
    if table.indexes:
        kwargs["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": _key_schema(index.partition_key, index.sort_key),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in table.indexes
        ]
    dynamodb.create_table(**kwargs)
    if table.ttl_attribute:
        dynamodb.update_time_to_live(
            TableName=table.local_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )


def _key_schema(partition_key: str, sort_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition_key, "KeyType": "HASH"}]
    if sort_key:
        schema.append({"AttributeName": sort_key, "KeyType": "RANGE"})
    return schema


@contextmanager
def patched_environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block, restoring the previous values."""
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in previous.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@contextmanager
def moto_server(port: int | None = None) -> Iterator[str]:
    """Run moto's server on 127.0.0.1 (a free port unless given); yields its endpoint URL.

    Inside the block, AWS_ENDPOINT_URL and dummy credentials point every boto3 client at it.
    """
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # pragma: no cover - dev dependency missing
        raise LocalAwsError("moto[server] is not installed: run `make install`") from exc
    port = port or free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise LocalAwsError(f"port {port} on 127.0.0.1 is already in use: choose another with --port")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on the console
    speed_up_moto()  # work moto repeats per request or per transaction item, done once (moto_speedups)
    # A new local AWS holds nothing: moto's server serves this process's backends, which an earlier
    # server or mock in the same process (a test run's worker) may have left resources in.
    from moto.core.base_backend import BackendDict

    BackendDict.reset()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with patched_environment({**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}):
            yield endpoint
    finally:
        server.stop()
