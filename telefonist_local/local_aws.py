"""Local AWS: moto's server on 127.0.0.1 and the service's resources created from `resources.py`.

Used by the integration tests and the demo; no account, no network beyond the loopback.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

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


def _latin1(text: str) -> str:
    """A str as WSGI carries it: its UTF-8 bytes, one character per byte (werkzeug's server does the same)."""
    return text.encode().decode("latin-1")


def _body_bytes(body: Any) -> bytes:
    """A botocore request body (bytes, text, a file or an iterable of chunks) as the bytes it sends."""
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):
        data = body.read()
        return data.encode() if isinstance(data, str) else bytes(data)
    return b"".join(chunk.encode() if isinstance(chunk, str) else bytes(chunk) for chunk in body)


def wsgi_environ(method: str, url: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The WSGI environment moto's HTTP server (werkzeug's, with moto's handler) builds for a request
    that http.client sends: the same variables, the header rules of both (names with an underscore
    dropped but for S3 metadata, whose spelling moto keeps), a chunked body already decoded."""
    from moto.core.request import (
        PRESERVED_HEADER_NAMES_ENVIRON_KEY,
        environ_key_for_header,
        should_preserve_original_header_name,
    )

    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    sent = dict(headers)
    if not any(name.lower() == "host" for name in sent):
        sent["Host"] = parts.netloc  # http.client adds it
    chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in sent.items())
    if (
        not chunked
        and not any(name.lower() == "content-length" for name in sent)
        and (body or method in ("POST", "PUT"))
    ):
        sent["Content-Length"] = str(len(body))  # http.client adds it
    environ: dict[str, Any] = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "SERVER_SOFTWARE": "telefonist-local",
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": _latin1(unquote(parts.path)),
        "QUERY_STRING": _latin1(parts.query),
        "REQUEST_URI": _latin1(target),
        "RAW_URI": _latin1(target),
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 0,
        "SERVER_NAME": parts.hostname or "127.0.0.1",
        "SERVER_PORT": str(parts.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    names: dict[str, str] = {}
    kept: dict[str, list[str]] = {}
    for name, value in sent.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        key = environ_key_for_header(name)
        if "_" not in name:
            environ[key] = f"{environ[key]},{text}" if key in environ and key.startswith("HTTP_") else text
        elif should_preserve_original_header_name(name):
            names.setdefault(key, name)
            kept.setdefault(key, []).append(text)
    dashed = {environ_key_for_header(name) for name in sent if "_" not in name}
    for key, values in kept.items():
        if key not in dashed:  # never let an underscored header stand in for a dashed one
            environ[key] = ",".join(values)
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {k: v for k, v in names.items() if k not in dashed}
    if chunked:
        environ["wsgi.input_terminated"] = True
    return environ


class InProcessTransport:
    """botocore's `before-send` hook: a request to a local endpoint of this process is answered by
    moto's server application (the WSGI application its HTTP server runs) in the calling thread.

    Everything of a call but the loopback socket stays: botocore builds, signs and sends the request
    and parses the answer; moto's application routes, authenticates and answers it as over HTTP.
    What goes is what a local emulator adds and AWS does not: a TCP connection and a server thread
    per request (werkzeug closes each connection) and both ends' HTTP parsing of the same bytes
    (profiled: 2.5 of a GetItem's 3.8 ms of CPU). Other endpoints (AWS itself) are not touched.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Callable[..., Any]] = {}  # endpoint ("http://127.0.0.1:port") -> WSGI app

    def __call__(self, request: Any, **_: Any) -> Any:
        url: str = request.url
        path_start = url.find("/", url.find("//") + 2)
        app = self.routes.get(url if path_start < 0 else url[:path_start])
        if app is None:
            return None
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders
        from moto.core.botocore_stubber import MockRawResponse

        answer: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            answer["status"], answer["headers"] = int(status.split(None, 1)[0]), headers
            return lambda data: None  # moto's application returns its body; it never writes

        chunks = app(
            wsgi_environ(request.method, url, dict(request.headers.items()), _body_bytes(request.body)), start_response
        )
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        headers = HTTPHeaders()  # what http.client parses the server's header lines into
        for name, value in answer["headers"]:
            headers[name] = value
        return AWSResponse(url, answer["status"], headers, MockRawResponse(body))


_IN_PROCESS = InProcessTransport()
_IN_PROCESS_HOOK = "telefonist-local-in-process"


def _install_in_process_transport() -> None:
    """The hook in boto3's default session and every botocore session created from now on (moto's
    own mock hooks in the same way); a session made earlier and kept elsewhere goes over HTTP."""
    from botocore.handlers import BUILTIN_HANDLERS

    if not any(handler is _IN_PROCESS for _, handler, *_ in BUILTIN_HANDLERS):
        BUILTIN_HANDLERS.append(("before-send", _IN_PROCESS))
    if boto3.DEFAULT_SESSION is not None:
        hooks = boto3.DEFAULT_SESSION._session
        hooks.register("before-send", _IN_PROCESS, unique_id=_IN_PROCESS_HOOK)  # type: ignore[arg-type]


@contextmanager
def moto_server(port: int | None = None, *, in_process: bool = False) -> Iterator[str]:
    """Run moto's server on 127.0.0.1 (a free port unless given); yields its endpoint URL.

    Inside the block, AWS_ENDPOINT_URL and dummy credentials point every boto3 client at it. With
    `in_process`, boto3 clients of sessions created inside the block reach moto's server application
    without the socket (`InProcessTransport`); other clients (PyArrow's, DuckDB's) use the server.
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
    if in_process:
        _install_in_process_transport()
        _IN_PROCESS.routes[endpoint] = server._server.app  # type: ignore[union-attr]  # the server's own application
    try:
        with patched_environment({**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}):
            yield endpoint
    finally:
        _IN_PROCESS.routes.pop(endpoint, None)
        server.stop()
