"""awsmock supports botocore from the version the test extras pin (the oldest, which the rest of
the suite runs on) to the newest 1.x (``setup.cfg``): this runs awsmock on the newest boto3 and
botocore from the package index, in a child process, so a release that moves a model or an
internal awsmock relies on shows up here. Skips when the index cannot be reached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SMOKE = textwrap.dedent(
    """
    import json, sys
    import boto3, botocore
    from awsmock import mock_aws
    from awsmock.engine.coverage import coverage_rows

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="range-bucket")
        s3.put_object(Bucket="range-bucket", Key="k", Body=b"newest")
        body = s3.get_object(Bucket="range-bucket", Key="k")["Body"].read().decode()
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="range-queue")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        got = sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="range-table",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName="range-table", Item={"pk": {"S": "a"}})
        item = ddb.get_item(TableName="range-table", Key={"pk": {"S": "a"}})["Item"]
        who = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Account"]
        rows = {r["service"]: r["implemented"] for r in coverage_rows()}
    print(json.dumps({"botocore": botocore.__version__, "body": body, "got": got,
                      "item": item, "who": who, "rows": rows}))
    """
)


def test_awsmock_runs_on_the_newest_botocore(tmp_path: Path) -> None:
    target = tmp_path / "newest"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--target", str(target), "--upgrade", "boto3<2", "botocore<2", "s3transfer"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    if install.returncode != 0:
        pytest.skip(f"the package index cannot be reached: {install.stderr.strip()[-300:]}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)]),
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    run = subprocess.run([sys.executable, "-c", SMOKE], capture_output=True, text=True,
                         timeout=300, env=env, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    import botocore

    def version(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split(".")[:3])

    assert version(out["botocore"]) >= version(botocore.__version__)
    assert (out["body"], out["got"], out["item"], out["who"]) == (
        "newest", "hello", {"pk": {"S": "a"}}, "123456789012"
    )
    # a newer model may add operations; none of those awsmock implements may disappear
    from awsmock.engine.coverage import coverage_rows

    pinned = {r["service"]: r["implemented"] for r in coverage_rows()}
    assert {s: n for s, n in out["rows"].items() if n < pinned[s]} == {}
