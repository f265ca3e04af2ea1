"""The AWS CLI against a real server: aws s3 cp / ls / sync."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import FAKE_ENV, ServerProcess
from tests.s3.conftest import unique


def aws(server: ServerProcess, *args: str, cwd: Path | None = None) -> str:
    env = {
        **os.environ,
        **FAKE_ENV,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_PAGER": "",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", server.url, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc.stdout


def test_cp_ls_sync(server: ServerProcess, tmp_path: Path) -> None:
    bucket = unique("cli")
    aws(server, "s3", "mb", f"s3://{bucket}")
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"alpha")
    (src / "nested" / "b.txt").write_bytes(b"beta")
    big = os.urandom(9 * 1024 * 1024 + 5)  # above the CLI's 8 MiB multipart threshold
    (src / "big.bin").write_bytes(big)
    # `aws s3 sync` re-uploads a local file newer than the object's LastModified, which (as on
    # S3) has whole-second precision: files written in the same second as their upload would
    # look newer. Date them a minute back, as files a user syncs usually are.
    a_minute_ago = os.path.getmtime(src / "a.txt") - 60
    for f in (src / "a.txt", src / "nested" / "b.txt", src / "big.bin"):
        os.utime(f, (a_minute_ago, a_minute_ago))

    aws(server, "s3", "cp", str(src / "a.txt"), f"s3://{bucket}/single/a.txt")
    out = aws(server, "s3", "sync", str(src), f"s3://{bucket}/synced")
    assert out.count("upload:") == 3
    listing = aws(server, "s3", "ls", f"s3://{bucket}/synced/")
    assert "PRE nested/" in listing and "a.txt" in listing and "big.bin" in listing
    recursive = aws(server, "s3", "ls", "--recursive", f"s3://{bucket}")
    assert {line.split()[-1] for line in recursive.strip().splitlines()} == {
        "single/a.txt",
        "synced/a.txt",
        "synced/big.bin",
        "synced/nested/b.txt",
    }
    assert aws(server, "s3", "sync", str(src), f"s3://{bucket}/synced").strip() == ""  # nothing changed

    dst = tmp_path / "dst"
    aws(server, "s3", "sync", f"s3://{bucket}/synced", str(dst))
    assert (dst / "big.bin").read_bytes() == big
    assert (dst / "nested" / "b.txt").read_bytes() == b"beta"
    aws(server, "s3", "cp", f"s3://{bucket}/single/a.txt", str(tmp_path / "copy.txt"))
    assert (tmp_path / "copy.txt").read_bytes() == b"alpha"
    buckets = aws(server, "s3", "ls")
    assert bucket in buckets
    aws(server, "s3", "rb", "--force", f"s3://{bucket}")
    assert bucket not in aws(server, "s3", "ls")
