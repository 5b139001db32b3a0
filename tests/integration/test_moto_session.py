"""The `aws` fixture's moto (tests/moto_session.py): the stack made once per worker, empty for every test."""

from __future__ import annotations

import os

import boto3
from moto import mock_aws
from telefonist import config, resources

from tests.moto_session import MotoSession


def _write_to_every_resource() -> None:
    for table in resources.TABLES:
        item = {table.partition_key: {"S": "left-behind"}} | ({table.sort_key: {"S": "x"}} if table.sort_key else {})
        boto3.client("dynamodb").put_item(TableName=table.local_name, Item=item)
    s3 = boto3.client("s3")
    for bucket in resources.BUCKETS:
        s3.put_object(Bucket=bucket.local_name, Key="left-behind.json", Body=b"{}")
        s3.create_multipart_upload(Bucket=bucket.local_name, Key="half-written")
    sqs = boto3.client("sqs")
    for queue in resources.QUEUES:
        url = sqs.get_queue_url(QueueName=queue.local_name)["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="left behind")
        sqs.send_message(QueueUrl=url, MessageBody="in flight")
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
    boto3.client("kinesis").put_record(StreamName=resources.CTR_STREAM.local_name, Data=b"{}", PartitionKey="c")
    boto3.client("ses").send_email(
        Source=os.environ[config.ENV_EMAIL_SENDER],
        Destination={"ToAddresses": ["someone@example.com"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    )
    boto3.client("ses").verify_email_identity(EmailAddress="other@example.com")
    boto3.client("sns").create_topic(Name="left-behind")


def _assert_every_resource_present_and_empty() -> None:
    dynamodb = boto3.client("dynamodb")
    assert sorted(dynamodb.list_tables()["TableNames"]) == sorted(t.local_name for t in resources.TABLES)
    for table in resources.TABLES:
        assert dynamodb.scan(TableName=table.local_name)["Items"] == [], table.local_name
    s3 = boto3.client("s3")
    for bucket in resources.BUCKETS:
        assert "Versions" not in s3.list_object_versions(Bucket=bucket.local_name), bucket.local_name
        assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket.local_name), bucket.local_name
    sqs = boto3.client("sqs")
    for queue in resources.QUEUES:
        url = sqs.get_queue_url(QueueName=queue.local_name)["QueueUrl"]
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert counts["ApproximateNumberOfMessages"] == counts["ApproximateNumberOfMessagesNotVisible"] == "0"
    kinesis = boto3.client("kinesis")
    [shard] = kinesis.list_shards(StreamName=resources.CTR_STREAM.local_name)["Shards"]
    iterator = kinesis.get_shard_iterator(
        StreamName=resources.CTR_STREAM.local_name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert kinesis.get_records(ShardIterator=iterator)["Records"] == []
    ses = boto3.client("ses")
    assert ses.list_identities()["Identities"] == [os.environ[config.ENV_EMAIL_SENDER]]
    assert ses.get_send_quota()["SentLast24Hours"] == 0
    assert boto3.client("sns").list_topics()["Topics"] == []


def test_every_test_finds_the_stack_it_left_empty_and_made_only_once(moto_session: MotoSession) -> None:
    with moto_session.fresh_stack() as first:
        _write_to_every_resource()
    builds = moto_session.stack_builds
    with moto_session.fresh_stack() as second:
        _assert_every_resource_present_and_empty()
        assert boto3.client("kms").describe_key(KeyId=second.secrets_key_id)["KeyMetadata"]["Enabled"]
    assert second.secrets_key_id == first.secrets_key_id
    assert moto_session.stack_builds == builds


def test_a_test_that_deletes_part_of_the_stack_leaves_a_whole_one_to_the_next(moto_session: MotoSession) -> None:
    with moto_session.fresh_stack():
        boto3.client("dynamodb").delete_table(TableName=resources.CUSTOMER_TABLE.local_name)
        sqs = boto3.client("sqs")
        sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=resources.NOTIFY_QUEUE.local_name)["QueueUrl"])
    with moto_session.fresh_stack():
        _assert_every_resource_present_and_empty()


def test_between_tests_moto_holds_nothing_and_the_environment_is_restored(moto_session: MotoSession) -> None:
    before = os.environ.get(config.ENV_CUSTOMER_TABLE)
    with moto_session.fresh_stack() as created:
        assert os.environ[config.ENV_CUSTOMER_TABLE] == created.name(config.ENV_CUSTOMER_TABLE)
        _write_to_every_resource()
    assert os.environ.get(config.ENV_CUSTOMER_TABLE) == before
    with mock_aws():  # a test with a mock of its own, or moto's server, finds moto empty
        assert boto3.client("dynamodb").list_tables()["TableNames"] == []
        boto3.client("sqs").create_queue(QueueName=resources.NOTIFY_QUEUE.local_name)
        boto3.client("s3").create_bucket(  # one namespace for buckets: the stack's are not in it now
            Bucket=resources.BILLING_BUCKET.local_name,
            CreateBucketConfiguration={"LocationConstraint": config.DEFAULT_REGION},
        )
    with moto_session.fresh_stack():  # ... and does not disturb the stack
        _assert_every_resource_present_and_empty()


def test_a_seeding_runs_once_per_stack_and_each_test_gets_its_own_copy(moto_session: MotoSession) -> None:
    table = resources.CUSTOMER_TABLE
    runs: list[int] = []

    def seed() -> None:
        runs.append(1)
        boto3.client("dynamodb").put_item(TableName=table.local_name, Item={"pk": {"S": "seeded"}, "sk": {"S": "x"}})

    for _ in range(3):
        with moto_session.fresh_stack():
            moto_session.seeded("test_moto_session", seed)
            items = boto3.client("dynamodb").scan(TableName=table.local_name)["Items"]
            assert items == [{"pk": {"S": "seeded"}, "sk": {"S": "x"}}]  # not the last test's change
            boto3.client("dynamodb").put_item(
                TableName=table.local_name, Item={"pk": {"S": "seeded"}, "sk": {"S": "x"}, "changed": {"N": "1"}}
            )
    assert len(runs) == 1
    with moto_session.fresh_stack():  # a stack that already holds something is seeded by the seeding itself
        boto3.client("dynamodb").put_item(TableName=table.local_name, Item={"pk": {"S": "other"}, "sk": {"S": "y"}})
        moto_session.seeded("test_moto_session", seed)
    assert len(runs) == 2
