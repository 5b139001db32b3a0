"""telefonist.dal.clients.LazyClient: boto3's client, created on first use only."""

from __future__ import annotations

import copy

import boto3
import pytest
from botocore.exceptions import ParamValidationError
from telefonist.dal.clients import LazyClient


def test_the_client_is_created_on_first_use_once_and_is_boto3s(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[str] = []
    real = boto3.client

    def counting(service: str, **kwargs: object) -> object:
        created.append(service)
        return real(service, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(boto3, "client", counting)
    lazy = LazyClient("sqs", region_name="eu-north-1", aws_access_key_id="x", aws_secret_access_key="y")
    assert not lazy.created
    assert created == []

    assert lazy.meta.region_name == "eu-north-1"
    assert lazy.meta.service_model.service_name == "sqs"
    assert lazy.meta is lazy.meta
    assert created == ["sqs"]
    with pytest.raises(ParamValidationError):  # the client's own errors, before any request
        lazy.send_message(QueueUrl="https://sqs.eu-north-1.amazonaws.com/1/q")
    assert created == ["sqs"]
    assert "created=True" in repr(lazy)


def test_a_copy_of_an_unused_client_does_not_create_it() -> None:
    lazy = LazyClient("kms", region_name="eu-north-1")
    assert copy.copy(lazy).created is False
    assert not lazy.created
