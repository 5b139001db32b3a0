"""The demo hands each function the batches the stack's event source mappings would (telefonist_local.demo.run)."""

from __future__ import annotations

from aws_cdk.assertions import Template

from telefonist_local.demo import run


def test_the_demo_batches_records_as_the_stacks_event_source_mappings(template: Template) -> None:
    functions = template.find_resources("AWS::Lambda::Function")
    batch_sizes = {
        functions[m["Properties"]["FunctionName"]["Ref"]]["Properties"]["Handler"]: m["Properties"]["BatchSize"]
        for m in template.find_resources("AWS::Lambda::EventSourceMapping").values()
    }
    assert batch_sizes["functions.rating.handler.lambda_handler"] == run.RATING_BATCH_SIZE
    assert batch_sizes["functions.contact_stats.handler.lambda_handler"] == run.STATISTICS_BATCH_SIZE
    assert batch_sizes["functions.notify_sender.handler.lambda_handler"] == run.SENDER_BATCH_SIZE
