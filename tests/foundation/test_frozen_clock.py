"""A mock started under a frozen clock (issue #24, point 4): the first ``mock_aws`` of a fresh
process works inside ``freezegun.freeze_time`` and ``time_machine.travel(..., tick=False)``,
timestamps follow the frozen time, timers follow the clock when the test moves it, and the
engine's own waits (a long poll) still end."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import boto3
import freezegun
import pytest
import time_machine

from awsmock import mock_aws

FROZEN = dt.datetime(2020, 1, 1, 12, 0, 0, tzinfo=dt.UTC)

# a fresh interpreter: awsmock imported before the clock is frozen, its first mock started inside
# (the table models load then); after the freeze, a second mock uses those models with real time
FIRST_START = """
import datetime as dt, json, sys
import boto3
import freezegun, time_machine
from awsmock import mock_aws

FROZEN = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
frozen = (
    freezegun.freeze_time(FROZEN) if sys.argv[1] == "freezegun" else time_machine.travel(FROZEN, tick=False)
)
out = {}
with frozen, mock_aws():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="frozen-bucket")
    s3.put_object(Bucket="frozen-bucket", Key="k", Body=b"x")
    out["s3"] = s3.head_object(Bucket="frozen-bucket", Key="k")["LastModified"].isoformat()
    out["iam"] = boto3.client("iam").create_user(UserName="u")["User"]["CreateDate"].isoformat()
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    out["dynamodb"] = ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["CreationDateTime"].isoformat()
    kms = boto3.client("kms", region_name="us-east-1")
    out["kms"] = kms.create_key()["KeyMetadata"]["CreationDate"].isoformat()
with mock_aws():
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    created = ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["CreationDateTime"]
    out["after"] = abs((created - dt.datetime.now(dt.UTC)).total_seconds()) < 600
print(json.dumps(out))
"""


@pytest.mark.parametrize("library", ["freezegun", "time_machine"])
def test_the_first_mock_of_a_process_starts_under_a_frozen_clock(library: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_START, library], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {
        "s3": "2020-01-01T12:00:00+00:00",
        "iam": "2020-01-01T12:00:00+00:00",
        "dynamodb": "2020-01-01T12:00:00+00:00",
        "kms": "2020-01-01T12:00:00+00:00",
        "after": True,
    }


@contextmanager
def _freezegun() -> Iterator[Callable[[float], None]]:
    with freezegun.freeze_time(FROZEN) as frozen:
        yield lambda seconds: frozen.tick(seconds)


@contextmanager
def _time_machine() -> Iterator[Callable[[float], None]]:
    with time_machine.travel(FROZEN, tick=False) as traveller:
        yield lambda seconds: traveller.shift(seconds)


CLOCKS = pytest.mark.parametrize("clock", [_freezegun, _time_machine], ids=["freezegun", "time_machine"])


@CLOCKS
def test_sqs_timers_follow_the_frozen_clock(
    clock: Callable[[], AbstractContextManager[Callable[[float], None]]],
) -> None:
    with clock() as move, mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="timers")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="now")
        sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
        got = sqs.receive_message(QueueUrl=url, VisibilityTimeout=30, AttributeNames=["SentTimestamp"])
        assert [m["Body"] for m in got["Messages"]] == ["now"]
        assert got["Messages"][0]["Attributes"]["SentTimestamp"] == str(int(FROZEN.timestamp() * 1000))
        assert "Messages" not in sqs.receive_message(QueueUrl=url)  # in flight; the other delayed
        move(31)  # the visibility timeout has passed, the delay not
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == [
            "now"
        ]
        move(30)
        bodies = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
        assert sorted(m["Body"] for m in bodies) == ["later", "now"]


@CLOCKS
def test_dynamodb_ttl_sts_and_lambda_follow_the_frozen_clock(
    clock: Callable[[], AbstractContextManager[Callable[[float], None]]],
) -> None:
    with clock() as move, mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="ttl",
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.update_time_to_live(
            TableName="ttl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
        )
        ddb.put_item(TableName="ttl", Item={"k": {"S": "a"}, "exp": {"N": str(int(time.time()) + 3600)}})
        assert ddb.scan(TableName="ttl")["Count"] == 1
        creds = boto3.client("sts", region_name="us-east-1").get_session_token()["Credentials"]
        assert creds["Expiration"] == FROZEN + dt.timedelta(hours=1)  # (the root's longest session)
        iam = boto3.client("iam")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        assert role["CreateDate"] == FROZEN
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("f.py", "def h(event, context):\n    return 1\n")
        fn = boto3.client("lambda", region_name="us-east-1").create_function(
            FunctionName="fn",
            Runtime="python3.12",
            Role=role["Arn"],
            Handler="f.h",
            Code={"ZipFile": buf.getvalue()},
        )
        assert fn["LastModified"] == "2020-01-01T12:00:00.000+0000"
        move(2 * 86400)  # the item expired more than a day ago: DynamoDB has deleted it
        assert ddb.scan(TableName="ttl")["Count"] == 0


def test_a_long_poll_ends_while_freezegun_holds_the_clock() -> None:
    # freezegun stops time.monotonic too: the engine's waits must not depend on it
    with freezegun.freeze_time(FROZEN), mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="polled")["QueueUrl"]
        started = time.clock_gettime(time.CLOCK_MONOTONIC)
        assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        assert 0.9 <= time.clock_gettime(time.CLOCK_MONOTONIC) - started < 20
