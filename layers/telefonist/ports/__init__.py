"""Ports owned by the domain: what the use cases ask of their stores, in the domain's words.

`store`: a model with its version, a page of a list, and the errors a store raises (no pydantic,
no boto3: the call path imports it). `billing`: the billing summary a customer reads and the port
that answers it. The adapters live in `telefonist.dal` and implement these; nothing here imports
`telefonist.dal`.
"""
