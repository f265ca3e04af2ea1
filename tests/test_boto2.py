"""boto 2 (the legacy SDK) against the in-process mock: ``mock_<service>_deprecated`` and
``mock_aws`` answer its HTTP connections (``http.client``, its certificate-checking HTTPS
connection included) without a socket. Skipped where boto 2.49 is not installed."""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import awsmock

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("boto") is None, reason="boto 2 is not installed"),
    # boto 2's vendored six registers an import hook of the Python 2 kind
    pytest.mark.filterwarnings("ignore::ImportWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:boto.*"),
]


@pytest.fixture(autouse=True)
def boto2_imports() -> Iterator[None]:
    """boto 2's modules, imported with its import hook in place only for the test (the rest of
    the suite imports without it)."""
    hooks = list(sys.meta_path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ImportWarning)
            warnings.simplefilter("ignore", DeprecationWarning)  # (boto 2 imports imp)
            import boto.dynamodb2
            import boto.s3.connection
            import boto.sqs  # noqa: F401
        yield
    finally:
        sys.meta_path[:] = hooks


def test_s3_deprecated_reads_and_writes_objects() -> None:
    import boto

    with awsmock.mock_s3_deprecated():
        conn = boto.connect_s3()  # HTTPS, SigV2, the fake credentials of the environment
        bucket = conn.create_bucket("legacy-bucket")
        key = bucket.new_key("dir/hello.txt")
        key.set_contents_from_string("hello from boto 2")
        assert bucket.get_key("dir/hello.txt").get_contents_as_string() == b"hello from boto 2"
        assert [b.name for b in conn.get_all_buckets()] == ["legacy-bucket"]
        assert [k.name for k in bucket.list(prefix="dir/")] == ["dir/hello.txt"]
        assert bucket.get_key("missing") is None
        key.delete()
        assert list(bucket.list()) == []
        # the same state as boto3's
        import boto3

        assert [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]] == ["legacy-bucket"]


def test_sqs_deprecated_sends_and_receives() -> None:
    import boto.sqs

    @awsmock.mock_sqs_deprecated
    def scenario() -> None:
        sqs = boto.sqs.connect_to_region("us-east-1")
        queue = sqs.create_queue("legacy-queue")
        queue.write(queue.new_message("a message"))
        got = queue.read()
        assert got is not None and got.get_body() == "a message"
        queue.delete_message(got)
        assert [q.name for q in sqs.get_all_queues()] == ["legacy-queue"]

    scenario()


def test_dynamodb2_deprecated_low_level_client() -> None:
    import boto.dynamodb2

    with awsmock.mock_dynamodb2_deprecated():
        ddb: Any = boto.dynamodb2.connect_to_region("us-east-1")
        ddb.create_table(
            attribute_definitions=[{"AttributeName": "id", "AttributeType": "S"}],
            table_name="legacy-table",
            key_schema=[{"AttributeName": "id", "KeyType": "HASH"}],
            provisioned_throughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        )
        ddb.put_item("legacy-table", {"id": {"S": "a"}, "n": {"N": "1"}})
        assert ddb.get_item("legacy-table", {"id": {"S": "a"}})["Item"] == {"id": {"S": "a"}, "n": {"N": "1"}}
        assert ddb.list_tables()["TableNames"] == ["legacy-table"]


def test_connections_are_released_when_the_mock_stops() -> None:
    import http.client

    original = http.client.HTTPConnection.putrequest
    with awsmock.mock_aws():
        assert http.client.HTTPConnection.putrequest is not original
    assert http.client.HTTPConnection.putrequest is original
    assert callable(awsmock.mock_rds2_deprecated) and callable(awsmock.mock_ec2_deprecated)
