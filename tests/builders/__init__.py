"""What AWS hands a function, built in one place for every test (issue 17).

- `lambda_context`: the Lambda context (the local tooling's `LocalLambdaContext`).
- `api_gateway`: REST proxy events as API Gateway passes them on after the Cognito authorizer
  (`telefonist_local.api_events.rest_event`, which the local gateway, the demo and the smoke check use)
  and the authorizer's claims.
- `connect`: the event an Amazon Connect flow sends a function (the flow simulator's).
- `kinesis`, `sqs`: the records of a Kinesis or SQS event source mapping.

Domain objects (CTRs, people, price lists) have their own builders beside the tests that use them.
"""
