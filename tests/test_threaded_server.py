"""``awsmock.ThreadedServer`` and the ``awsmock_server`` / ``awsmock_endpoint`` fixtures: a real
HTTP server on a thread of the test process, reached by clients that in-process patching
cannot reach (another process here; aiobotocore and s3fs when installed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

import awsmock
from tests.helpers import server_client


def test_start_stop_port_zero_and_url() -> None:
    server = awsmock.ThreadedServer()
    with pytest.raises(RuntimeError, match="not started"):
        server.url  # noqa: B018
    server.start()
    try:
        assert server.port > 0 and server.url == f"http://127.0.0.1:{server.port}"
        s3 = server_client(server.url, "s3")
        s3.create_bucket(Bucket="threaded")
        s3.put_object(Bucket="threaded", Key="k", Body=b"over http")
        assert s3.get_object(Bucket="threaded", Key="k")["Body"].read() == b"over http"
        with urllib.request.urlopen(server.url + "/_awsmock/health", timeout=10) as resp:
            assert json.loads(resp.read())["status"] == "ok"
        url = server.url
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(EndpointConnectionError):
        server_client(url, "s3", config=None).list_buckets()


def test_each_server_has_a_private_state_and_a_context_manager() -> None:
    with awsmock.ThreadedServer() as one, awsmock.ThreadedServer() as two:
        assert one.port != two.port
        server_client(one.url, "sqs").create_queue(QueueName="only-in-one")
        assert server_client(two.url, "sqs").list_queues().get("QueueUrls", []) == []
        assert len(server_client(one.url, "sqs").list_queues()["QueueUrls"]) == 1


def test_attached_state_and_snapshot_as_mock_aws(tmp_path: Path) -> None:
    with awsmock.ThreadedServer(data_dir=tmp_path) as server:
        server_client(server.url, "s3").create_bucket(Bucket="kept")
    with awsmock.mock_aws(data_dir=tmp_path):  # the same state mock_aws attaches to
        assert [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]] == ["kept"]
        awsmock.snapshot("base")
    with awsmock.ThreadedServer(data_dir=tmp_path, snapshot="base") as server:
        s3 = server_client(server.url, "s3")
        s3.create_bucket(Bucket="private")
        assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == ["kept", "private"]
    with awsmock.ThreadedServer(data_dir=tmp_path) as server:  # the snapshot's copy was private
        assert [b["Name"] for b in server_client(server.url, "s3").list_buckets()["Buckets"]] == ["kept"]


def test_services_and_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown service: bogus"):
        awsmock.ThreadedServer(services=["bogus"])
    with pytest.raises(ValueError, match="port must be"):
        awsmock.ThreadedServer(port=70000)
    with awsmock.ThreadedServer(services=["s3"]) as server:
        with pytest.raises(ClientError) as info:
            server_client(server.url, "sqs").list_queues()
        assert "not enabled on this server" in info.value.response["Error"]["Message"]


def test_the_endpoint_fixture_reaches_plain_boto3_and_other_processes(awsmock_endpoint: Any) -> None:
    assert os.environ["AWS_ENDPOINT_URL"] == awsmock_endpoint.url
    boto3.client("s3").create_bucket(Bucket="from-env")  # no endpoint_url, no credentials given
    script = "import boto3; print([b['Name'] for b in boto3.client('s3').list_buckets()['Buckets']])"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['from-env']"


def test_the_endpoint_fixture_gives_each_test_a_fresh_state(awsmock_endpoint: Any) -> None:
    assert boto3.client("s3").list_buckets()["Buckets"] == []


def test_s3fs_reads_and_writes(awsmock_endpoint: Any) -> None:
    s3fs = pytest.importorskip("s3fs")  # aiobotocore underneath: not in the test extras
    boto3.client("s3").create_bucket(Bucket="fsspec-data")
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": awsmock_endpoint.url})
    with fs.open("fsspec-data/a/b.txt", "wb") as f:
        f.write(b"written by s3fs")
    assert fs.cat("fsspec-data/a/b.txt") == b"written by s3fs"
    assert fs.ls("fsspec-data/a") == ["fsspec-data/a/b.txt"]
    obj = boto3.client("s3").get_object(Bucket="fsspec-data", Key="a/b.txt")
    assert obj["Body"].read() == b"written by s3fs"


def test_aiobotocore_reads_and_writes(awsmock_endpoint: Any) -> None:
    session_module = pytest.importorskip("aiobotocore.session")  # not in the test extras
    import asyncio

    async def scenario() -> bytes:
        session = session_module.get_session()
        async with session.create_client("s3", region_name="us-east-1") as s3:  # AWS_ENDPOINT_URL
            await s3.create_bucket(Bucket="async-data")
            await s3.put_object(Bucket="async-data", Key="k", Body=b"written by aiobotocore")
            obj = await s3.get_object(Bucket="async-data", Key="k")
            async with obj["Body"] as body:
                return bytes(await body.read())

    assert asyncio.run(scenario()) == b"written by aiobotocore"
    assert boto3.client("s3").get_object(Bucket="async-data", Key="k")["Body"].read() == b"written by aiobotocore"
