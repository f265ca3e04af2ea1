"""An asynchronous invocation accepted before the server is killed with SIGKILL runs after the
restart (issue #26, point 8)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import uuid
from pathlib import Path

from tests.helpers import ServerProcess
from tests.lambda_.conftest import TRUST, zip_of

SLOW = """
import time
def handler(event, context):
    time.sleep(event["sleep"])
    print("ran " + event["marker"])
    return {}
"""


def test_an_event_accepted_before_kill_9_runs_after_restart(tmp_path: Path) -> None:
    srv = ServerProcess(tmp_path).start()
    try:
        lam, iam = srv.client("lambda"), srv.client("iam")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        lam.create_function(FunctionName="slow", Role=role, Runtime="python3.12", Handler="index.handler",
                            Timeout=30, Code={"ZipFile": zip_of({"index.py": SLOW})})
        marker = uuid.uuid4().hex
        # (the first run, if it starts at all before the kill, is still asleep when it comes)
        payload = json.dumps({"sleep": 2, "marker": marker}).encode()
        assert lam.invoke(FunctionName="slow", InvocationType="Event", Payload=payload)["StatusCode"] == 202
        assert srv.proc is not None
        os.kill(srv.proc.pid, signal.SIGKILL)
        srv.proc.wait(10)
        srv.proc = None
        # a worker that died held its entry for the lease's length (a minute): let it run out
        with sqlite3.connect(tmp_path / "awsmock.db") as db:
            pending = db.execute(
                "UPDATE awsmock_outbox SET lease_until = NULL, lease_owner = NULL "
                "WHERE kind = 'lambda.event' AND state = 'pending'"
            ).rowcount
        assert pending == 1
        srv = ServerProcess(tmp_path).start()
        logs = srv.client("logs")
        deadline = time.monotonic() + 60
        found: list[str] = []
        while time.monotonic() < deadline and not found:
            events = logs.filter_log_events(logGroupName="/aws/lambda/slow")["events"] if logs.describe_log_groups(
                logGroupNamePrefix="/aws/lambda/slow")["logGroups"] else []
            found = [e["message"] for e in events if marker in e["message"]]
            time.sleep(0.3)
        assert found == [f"ran {marker}"]
    finally:
        srv.stop()
