"""Test helpers: a real `awsmock server` subprocess, boto3 clients for both modes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
BOTO_CONFIG = BotoConfig(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=60)


class ServerProcess:
    """``awsmock server`` in a subprocess on a free port, with its own data dir (or, with
    ``database_url``, on that database: several such servers make a scaled-out deployment)."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None,
                 database_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.args = args
        self.env = env
        self.proc: subprocess.Popen[str] | None = None
        self.port = 0
        self.output: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> ServerProcess:
        env = {**os.environ, **FAKE_ENV, **(self.env or {})}
        env.pop("AWSMOCK_DATABASE_URL", None)
        state = ["--database-url", self.database_url] if self.database_url else ["--data-dir", str(self.data_dir)]
        cmd = [sys.executable, "-m", "awsmock", "server", "-p", "0", *state, "--log-level", "warning", *self.args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            m = re.search(r"listening on http://[^:]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        self.stop()
        raise RuntimeError("awsmock server did not start:\n" + "".join(self.output))

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def stop(self, sig: str = "TERM", timeout: float = 15.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            if sig == "KILL":
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        return code

    def admin(self, method: str, path: str, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def client(self, service: str, **kw: Any) -> Any:
        return server_client(self.url, service, **kw)


def server_client(url: str, service: str, region: str = "us-east-1", **kw: Any) -> Any:
    kw.setdefault("config", BOTO_CONFIG)
    return boto3.client(
        service, endpoint_url=url, region_name=region,
        aws_access_key_id=kw.pop("aws_access_key_id", "testing"),
        aws_secret_access_key=kw.pop("aws_secret_access_key", "testing"), **kw,
    )


def inprocess_client_factory(app: Any) -> Callable[..., Any]:
    """boto3 clients whose requests go to ``app`` in-process (a before-send hook)."""
    from awsmock.inprocess import botocore_response

    def make(service: str, region: str = "us-east-1", **kw: Any) -> Any:
        kw.setdefault("config", BOTO_CONFIG)
        client = boto3.client(
            service, region_name=region,
            aws_access_key_id=kw.pop("aws_access_key_id", "testing"),
            aws_secret_access_key=kw.pop("aws_secret_access_key", "testing"), **kw,
        )
        client.meta.events.register("before-send", lambda request, **_: botocore_response(app, request))
        return client

    return make
