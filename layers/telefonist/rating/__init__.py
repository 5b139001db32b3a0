"""Rating: contact trace records to per-tariff billing lines (rules: spec/tariffs.md).

Pure domain: no boto3, no environment. Data access for the ledger and the billing bucket is in
`telefonist.dal`; the Lambda function and the CLI compose the two.
"""
