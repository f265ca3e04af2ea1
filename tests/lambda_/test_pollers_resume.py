"""Event source mappings poll again when their state comes back: after a snapshot is restored,
and when a mock attaches to a state that has enabled mappings (issue #26, point 5)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import boto3

import awsmock
from awsmock import mock_aws
from tests.lambda_.conftest import TRUST, zip_of

TAKE = "def handler(event, context):\n    return {}\n"


def _mapped_queue() -> str:
    """A queue whose messages a function takes (an enabled mapping); the queue's URL."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    lam = boto3.client("lambda", region_name="us-east-1")
    iam = boto3.client("iam", region_name="us-east-1")
    url = sqs.create_queue(QueueName="in")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam.create_function(FunctionName="take", Role=role, Runtime="python3.12", Handler="index.handler",
                        Code={"ZipFile": zip_of({"index.py": TAKE})})
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="take", BatchSize=1)
    return str(url)


def _taken(url: str, seconds: float = 40.0) -> bool:
    """Whether a message sent now is taken (received and deleted) by the mapping's function."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.send_message(QueueUrl=url, MessageBody=uuid.uuid4().hex)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        attrs: Any = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        if attrs["ApproximateNumberOfMessages"] == attrs["ApproximateNumberOfMessagesNotVisible"] == "0":
            return True
        time.sleep(0.2)
    return False


def test_a_mock_attaching_to_a_state_with_enabled_mappings_polls_them(tmp_path: Path) -> None:
    with mock_aws(data_dir=tmp_path):
        url = _mapped_queue()
        assert _taken(url)  # (its poller holds the mapping's lease, until it stops)
    with mock_aws(data_dir=tmp_path):  # (the first one's pollers stopped with it)
        assert _taken(url, seconds=20)


def test_a_restored_snapshot_s_mappings_poll(tmp_path: Path) -> None:
    with mock_aws(data_dir=tmp_path / "a"):
        url = _mapped_queue()
        assert _taken(url)
        awsmock.snapshot("mapped")  # (a lease its poller held, of a poller that is gone by then)
    (exported,) = [p for p in (tmp_path / "a").rglob("mapped*") if p.is_file()]
    with mock_aws(data_dir=tmp_path / "b"):
        awsmock.restore(exported)
        assert _taken(url, seconds=20)
