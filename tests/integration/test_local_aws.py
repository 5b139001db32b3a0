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


def _calls_of_each_service() -> list[object]:
    """Answers (and errors) of the stack's services to a fresh session's clients, without what
    differs by run (request ids, dates, generated ids)."""
    import io

    from botocore.exceptions import ClientError

    session = boto3.session.Session()  # created inside the block: it carries the block's hooks
    ddb, s3, sqs = session.client("dynamodb"), session.client("s3"), session.client("sqs")
    kinesis, kms = session.client("kinesis"), session.client("kms")
    table, bucket = resources.LEDGER_TABLE.local_name, resources.ARCHIVE_BUCKET.local_name
    answers: list[object] = []

    def keep(answer: dict[str, object], *fields: str) -> None:
        answers.append({f: answer.get(f) for f in fields})

    ddb.put_item(TableName=table, Item={"contact_id": {"S": "c-1"}, "n": {"N": "1"}, "b": {"B": b"\x00\xff"}})
    keep(ddb.get_item(TableName=table, Key={"contact_id": {"S": "c-1"}}), "Item")
    keep(
        ddb.update_item(
            TableName=table,
            Key={"contact_id": {"S": "c-1"}},
            UpdateExpression="ADD n :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="ALL_NEW",
        ),
        "Attributes",
    )
    try:
        ddb.put_item(TableName=table, Item={"contact_id": {"S": "c-1"}}, ConditionExpression="attribute_not_exists(n)")
    except ClientError as exc:
        answers.append(exc.response["Error"])
    key = "dir/å ä+b c%.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"one", Metadata={"owner_id": "x", "a-b": "y"})
    s3.upload_fileobj(io.BytesIO(b"two" * 1000), bucket, "streamed.bin")
    got = s3.get_object(Bucket=bucket, Key=key)
    answers.append((got["Body"].read(), got["Metadata"], got["ContentLength"], got["ETag"]))
    answers.append(s3.get_object(Bucket=bucket, Key="streamed.bin")["Body"].read() == b"two" * 1000)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="dir/")["Contents"]
    answers.append([{k: v for k, v in item.items() if k != "LastModified"} for item in listed])
    try:
        s3.head_object(Bucket=bucket, Key="missing")
    except ClientError as exc:
        answers.append(exc.response["Error"])
    url = sqs.get_queue_url(QueueName=resources.NOTIFY_QUEUE.local_name)["QueueUrl"]
    sqs.send_message(
        QueueUrl=url, MessageBody='{"å": 1}', MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}}
    )
    message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    answers.append({k: message[k] for k in ("Body", "MD5OfBody", "MessageAttributes", "MD5OfMessageAttributes")})
    stream = resources.CTR_STREAM.local_name
    kinesis.put_records(StreamName=stream, Records=[{"Data": b"ctr", "PartitionKey": "c-1"}])
    shard = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    answers.append([r["Data"] for r in kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]])
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    answers.append(
        kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"])["Plaintext"]
    )
    return answers


def test_in_process_calls_answer_as_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    served: list[str] = []
    handle = MotoRequestHandler.handle
    monkeypatch.setattr(MotoRequestHandler, "handle", lambda self: served.append("request") or handle(self))
    with moto_server():
        create_resources()
        over_http = _calls_of_each_service()
    assert served
    served.clear()
    with moto_server(in_process=True):
        create_resources()
        in_process = _calls_of_each_service()
    assert served == []  # every call answered without the server's socket
    assert in_process == over_http
