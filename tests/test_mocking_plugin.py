"""The pytest plugin's fixtures (awsmock.pytest_plugin, loaded through the pytest11 entry point)."""

from __future__ import annotations

import os

import boto3
import pytest
from botocore.exceptions import ClientError

from awsmock.mocking import MockAWS, NotMockedError, active_mock
from awsmock.pytest_plugin import account_for_worker


def test_aws_credentials(aws_credentials: None) -> None:
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert "AWS_PROFILE" not in os.environ
    assert active_mock() is None


def test_aws_fixture_is_an_active_mock(aws: MockAWS) -> None:
    assert aws.active and active_mock() is aws
    assert aws.services is None
    assert aws.client("lambda").list_functions()["Functions"] == []
    with pytest.raises(ClientError) as exc:
        aws.client("ecs").list_clusters()  # (ECS is not built yet)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


@pytest.mark.awsmock(services=["s3"])
def test_aws_fixture_with_marker(aws: MockAWS) -> None:
    assert aws.services == frozenset({"s3"})
    with pytest.raises(NotMockedError):
        boto3.client("sqs", region_name="us-east-1").list_queues()


def test_worker_fixtures(awsmock_worker: str, awsmock_account_id: str, awsmock_prefix: str) -> None:
    assert awsmock_worker == os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert len(awsmock_account_id) == 12 and awsmock_account_id.isdigit()
    assert awsmock_prefix == awsmock_worker + "-"


def test_account_per_worker() -> None:
    assert account_for_worker("main") == "123456789012"
    assert account_for_worker("gw0") == "100000000000"
    assert account_for_worker("gw11") == "100000000011"
    assert len({account_for_worker(f"gw{i}") for i in range(64)}) == 64


def test_worker_credentials(aws_worker_credentials: str, awsmock_account_id: str) -> None:
    assert aws_worker_credentials == awsmock_account_id
    assert os.environ["AWS_ACCESS_KEY_ID"] == awsmock_account_id
