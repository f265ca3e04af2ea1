"""Faults lose nothing: kill -9 mid-write, snapshot restore/reset racing traffic, a full disk,
a read-only data dir. (Long forms: ``benchmarks/reliability_bench.py``.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.state.store import Store
from tests.helpers import FAKE_ENV, ServerProcess, inprocess_client_factory
from tests.reliability.scenarios import crash_rounds, integrity_check, snapshot_race

pytestmark = pytest.mark.server


def test_kill_9_mid_write_loses_no_acknowledged_write_and_tears_nothing(tmp_path: Path) -> None:
    """S3 puts and multipart uploads, SQS sends and batches, DynamoDB updates, transactions and
    batch writes from 4 threads; the server is killed with SIGKILL at a random moment, twice.
    After each restart: integrity_check ok, every acknowledged write there, nothing torn."""
    figures = crash_rounds(tmp_path / "data", rounds=2, threads=4, seconds=(0.6, 1.2))
    assert [f["integrity"] for f in figures] == ["ok", "ok"]
    assert sum(f["acked_writes"] for f in figures) > 0


def test_snapshot_restore_and_reset_racing_two_servers(two_servers: list[ServerProcess]) -> None:
    """Restores of snapshot A and B and resets through server 1 while clients of both servers
    list, scan and write: each answer shows A, B or empty, never a mixture, never an error."""
    figures = snapshot_race(two_servers, seconds=3.0)
    assert sum(figures["restores"].values()) >= 2
    assert figures["reads"] > 0


def _status(exc: ClientError) -> int:
    return int(exc.response["ResponseMetadata"]["HTTPStatusCode"])


def test_disk_full_is_a_clean_503_and_service_resumes(small_disk: Path) -> None:
    """On a 3 MiB tmpfs: S3 puts until the disk is full. The answer is an S3-style
    ServiceUnavailable (no traceback), the log says the disk is full, reads still work, the server
    stays up; once space returns (a filler file removed), writes succeed again."""
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * 600_000)
    srv = ServerProcess(small_disk).start()
    try:
        s3, sqs = srv.client("s3"), srv.client("sqs")
        s3.create_bucket(Bucket="full-disk")
        url = sqs.create_queue(QueueName="full-disk")["QueueUrl"]
        stored, failure = 0, None
        for i in range(60):
            try:
                s3.put_object(Bucket="full-disk", Key=f"k{i}", Body=os.urandom(200_000))
                stored += 1
            except ClientError as exc:
                failure = exc
                break
        assert failure is not None, "the 3 MiB disk never filled up"
        assert _status(failure) == 503
        assert failure.response["Error"]["Code"] == "ServiceUnavailable"
        assert "disk is full" in failure.response["Error"]["Message"]
        sqs_error = None  # the JSON protocol says the same (the failed put freed a little room)
        for _ in range(30):
            try:
                sqs.send_message(QueueUrl=url, MessageBody="x" * 200_000)
            except ClientError as exc:
                sqs_error = exc
                break
        assert sqs_error is not None and sqs_error.response["Error"]["Code"] == "ServiceUnavailable"
        assert s3.list_objects_v2(Bucket="full-disk")["KeyCount"] == stored  # reads still answer
        assert srv.admin("GET", "/_awsmock/health")[0] == 200
        filler.unlink()  # space returns
        s3.put_object(Bucket="full-disk", Key="after", Body=os.urandom(200_000))
        sqs.send_message(QueueUrl=url, MessageBody="after")
        assert s3.list_objects_v2(Bucket="full-disk")["KeyCount"] == stored + 1
        log = "".join(srv.output)
        assert "database write failed in s3 PutObject: the disk is full" in log
        assert "Traceback" not in log
    finally:
        srv.stop()
    assert integrity_check(small_disk / "awsmock.db") == "ok"


def test_read_only_data_dir_refuses_to_start_with_one_clear_line(small_disk: Path) -> None:
    """A server on a data dir mounted read-only exits with one clear line, not a traceback."""
    srv = ServerProcess(small_disk).start()
    srv.client("s3").create_bucket(Bucket="ro-bucket")
    srv.stop()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    env = {**os.environ, **FAKE_ENV}
    env.pop("AWSMOCK_DATABASE_URL", None)
    res = subprocess.run(
        [sys.executable, "-m", "awsmock", "server", "-p", "0", "--data-dir", str(small_disk)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert res.returncode == 1
    assert "the data dir is read-only" in res.stderr
    assert "Traceback" not in res.stderr


def test_writes_to_a_read_only_database_are_a_clean_503_and_reads_work(tmp_path: Path) -> None:
    """A database SQLite can only read (opened ``mode=ro``, as when its file or dir turns read-only
    under a running server): writes answer ServiceUnavailable in each protocol, reads answer."""
    db = tmp_path / "ro.db"
    rw = Store(f"sqlite:///{db}")
    rw.migrate()
    rw_client = inprocess_client_factory(create_app(Config(database_url=rw.url), rw))
    rw_client("s3").create_bucket(Bucket="ro-bucket")
    rw_client("sqs").create_queue(QueueName="ro-queue")
    rw.dispose()
    ro = Store(f"sqlite:///file:{db}?mode=ro&uri=true")
    try:
        client: Any = inprocess_client_factory(create_app(Config(database_url=ro.url), ro))
        assert [b["Name"] for b in client("s3").list_buckets()["Buckets"]] == ["ro-bucket"]
        for call in (
            lambda: client("s3").put_object(Bucket="ro-bucket", Key="k", Body=b"x"),
            lambda: client("sqs").create_queue(QueueName="other"),
            lambda: client("dynamodb").create_table(
                TableName="t",
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            ),
        ):
            with pytest.raises(ClientError) as err:
                call()
            assert _status(err.value) == 503, err.value.response
            assert err.value.response["Error"]["Code"] == "ServiceUnavailable"
            assert "read-only" in err.value.response["Error"]["Message"]
    finally:
        ro.dispose()
