"""Fixtures for every suite: no real AWS, ever. Credentials are dummies, the region is fixed."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from telefonist_local.local_aws import FAKE_CREDENTIALS, LocalResources

if TYPE_CHECKING:
    from telefonist.dal.customer_repository import CustomerRepository

    from tests.moto_session import MotoSession

# Before any boto3 client exists: never reach a real account, even by mistake.
os.environ.update(FAKE_CREDENTIALS)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Telefonist")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# moto, the repository and pydantic are imported by the fixtures that use them: a test that needs none of
# them (most of tests/unit) does not pay for their import.


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files marked `starts_first` first, then the others by their number of tests, most first.

    `make unit` hands pytest-xdist whole files in this order (`--dist loadfile --no-loadscope-reorder`):
    what xdist would do by itself (the most tests first) except that the run's long pole, the deploy
    walkthrough, starts at once on one worker while the other takes the rest, instead of starting
    late and leaving the other worker idle at the end."""
    tests_in_file = Counter(item.path for item in items)
    first = {item.path for item in items if item.get_closest_marker("starts_first")}
    items.sort(key=lambda item: (item.path not in first, -tests_in_file[item.path]))


# moto's defaults cost every test ~0.4 s of CPU that no test asserts on: a fresh boto3 session (botocore re-reads
# its JSON service models) and a 2048-bit RSA key generated for each KMS key, symmetric and HMAC keys included,
# where KMS never uses it. The session is kept, and those keys share one RSA key (asymmetric keys keep their own).
MOTO_CONFIG: Any = {"core": {"reset_boto3_session": False}}
_UNUSED_PRIVATE_KEY_SPECS = frozenset({"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"})


@pytest.fixture(scope="session")
def _moto_speedups() -> Iterator[None]:
    import moto.kms.models

    from telefonist_local.moto_speedups import speed_up_moto

    speed_up_moto()  # in-process moto too: no table copy per transaction, item answers written directly

    generate = moto.kms.models.generate_private_key
    shared = generate("RSA_2048")

    def private_key(key_spec: str) -> Any:
        return shared if key_spec in _UNUSED_PRIVATE_KEY_SPECS else generate(key_spec)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(moto.kms.models, "generate_private_key", private_key)
        yield


@pytest.fixture(scope="session")
def moto_session(_moto_speedups: None) -> MotoSession:
    from tests.moto_session import MotoSession

    return MotoSession(MOTO_CONFIG)


@pytest.fixture
def aws(moto_session: MotoSession) -> Iterator[LocalResources]:
    """In-process moto with every resource of the stack present and empty; env vars set as CDK would.

    The resources are created once per worker and emptied before each test (tests/moto_session.py).
    """
    with moto_session.fresh_stack() as created:
        yield created


@pytest.fixture
def customer_table(aws: LocalResources) -> Any:
    import boto3
    from telefonist.resources import CUSTOMER_TABLE

    return boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name)


@pytest.fixture
def repo(aws: LocalResources, customer_table: Any) -> CustomerRepository:
    import boto3
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.secrets import KmsSecretCodec

    return CustomerRepository(customer_table, secrets=KmsSecretCodec(boto3.client("kms"), aws.secrets_key_id))


@pytest.fixture(scope="module")
def _moto_server_endpoint() -> Iterator[str]:
    """moto's server on 127.0.0.1, one for a test module: starting and stopping one took ~1 s of each
    test's wall time (the stop waits for the server's next poll, every 0.5 s)."""
    from telefonist_local.local_aws import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def served_stack(_moto_server_endpoint: str) -> Iterator[tuple[LocalResources, str]]:
    """moto's server with every resource of the stack, from an empty account (moto's backends belong to
    the process: the module's earlier tests leave nothing); env vars set as CDK would. Yields the
    resources and the server's endpoint."""
    import urllib.request

    from telefonist.dal import billing_table

    from telefonist_local.local_aws import create_resources, patched_environment

    reset = urllib.request.Request(f"{_moto_server_endpoint}/moto-api/reset", method="POST")  # noqa: S310 - loopback
    urllib.request.urlopen(reset).close()  # noqa: S310 - moto on 127.0.0.1, an http URL we built
    # The billing table's local catalog lives as long as its server's data: a new one for the emptied server.
    billing_table._LOCAL_CATALOGS.pop(_moto_server_endpoint, None)
    created = create_resources()
    with patched_environment(created.environment):
        yield created, _moto_server_endpoint
