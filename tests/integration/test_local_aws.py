"""moto's server on 127.0.0.1: the resources of the stack, reached through plain boto3 clients."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import boto3
import pytest
from telefonist import resources

from telefonist_local.local_aws import LocalAwsError, create_resources, moto_server

pytestmark = pytest.mark.integration


def test_the_server_listens_on_loopback_and_holds_every_resource() -> None:
    with moto_server() as endpoint:
        assert urlparse(endpoint).hostname == "127.0.0.1"
        assert os.environ["AWS_ENDPOINT_URL"] == endpoint
        create_resources()
        tables = boto3.client("dynamodb").list_tables()["TableNames"]
        assert sorted(tables) == sorted(t.local_name for t in resources.TABLES)
        buckets = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
        assert sorted(buckets) == sorted(b.local_name for b in resources.BUCKETS)
        streams = boto3.client("kinesis").list_streams()["StreamNames"]
        assert streams == [resources.CTR_STREAM.local_name]
        dlq = boto3.client("sqs").get_queue_attributes(
            QueueUrl=boto3.client("sqs").get_queue_url(QueueName=resources.NOTIFY_QUEUE.local_name)["QueueUrl"],
            AttributeNames=["RedrivePolicy"],
        )
        assert resources.NOTIFY_DLQ.local_name in dlq["Attributes"]["RedrivePolicy"]
    assert "AWS_ENDPOINT_URL" not in os.environ


def test_a_taken_port_is_a_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with (
            pytest.raises(LocalAwsError, match=f"port {port} on 127.0.0.1 is already in use"),
            moto_server(port),
        ):
            pass


def test_requests_reach_their_service_without_moto_listing_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    # moto's server lists its package folder per request unless telefonist_local.moto_speedups caches it
    with moto_server():
        listings: list[str] = []
        real = os.listdir
        monkeypatch.setattr(os, "listdir", lambda path=".": listings.append(str(path)) or real(path))
        boto3.client("sqs").create_queue(QueueName="routing-check")
        assert "TableNames" in boto3.client("dynamodb").list_tables()
        assert "Buckets" in boto3.client("s3").list_buckets()
        assert any(u.endswith("/routing-check") for u in boto3.client("sqs").list_queues()["QueueUrls"])
        assert listings == []
