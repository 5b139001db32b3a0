"""Where failed work waits: an encrypted dead-letter (or on-failure) queue, and a Kinesis event source
that reports failed records and sends what it gives up on to such a queue."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.grants import acknowledge
from infra.constructs.service_function import ServiceFunction

# Kinesis consumers: a failed batch is halved until the failing record is alone, retried a bounded
# number of times and for a bounded age, then sent to the on-failure queue.
BATCH_WINDOW = cdk.Duration.seconds(10)
RETRY_ATTEMPTS = 5
MAX_RECORD_AGE = cdk.Duration.days(1)


def dead_letter_queue(scope: Construct, construct_id: str, key: kms.IKey, reason: str) -> sqs.Queue:
    """A queue, encrypted with `key`, that keeps what failed for 14 days; `reason` says whose dead letters
    it holds (the cdk-nag acknowledgment that it has no dead-letter queue of its own)."""
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
    )
    acknowledge(queue, "AwsSolutions::AwsSolutions-SQS3", reason)
    acknowledge(queue, "Serverless::Serverless-SQSRedrivePolicy", reason)
    return queue


def consume_stream(
    consumer: ServiceFunction,
    stream: kinesis.IStream,
    failure_queue: sqs.IQueue,
    *,
    batch_size: int,
    parallelization_factor: int,
) -> sources.KinesisEventSource:
    """`consumer` reads `stream` from its start; records of one partition key stay in order at any
    `parallelization_factor`; what fails every retry goes to `failure_queue`."""
    source = sources.KinesisEventSource(
        stream,
        starting_position=lambda_.StartingPosition.TRIM_HORIZON,
        batch_size=batch_size,
        max_batching_window=BATCH_WINDOW,
        bisect_batch_on_error=True,
        retry_attempts=RETRY_ATTEMPTS,
        max_record_age=MAX_RECORD_AGE,
        report_batch_item_failures=True,
        parallelization_factor=parallelization_factor,
        on_failure=sources.SqsDlq(failure_queue),
    )
    consumer.function.add_event_source(source)
    for action in ("kms:ReEncrypt*", "kms:GenerateDataKey*"):
        acknowledge(
            consumer.role,
            f"AwsSolutions::AwsSolutions-IAM5[Action::{action}]",
            "CDK's grant for sending failed-batch records to the KMS-encrypted on-failure queue "
            "(SqsDlq), on the data key only",
        )
    return source
