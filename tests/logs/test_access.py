"""Access control: ``logs:<Op>`` on ``log-group:<name>:*`` (what AWS's group operations are
authorized against) and on the stream ARNs below it."""

from __future__ import annotations

from typing import Any

from tests.auth.test_access_control import allow, policy, user_with_key
from tests.logs.conftest import error_of, now_ms

GROUPS = "arn:aws:logs:us-east-1:123456789012:log-group"


def test_group_and_stream_permissions(clients: Any) -> None:
    iam, admin = clients("iam"), clients("logs")
    admin.create_log_group(logGroupName="/app/mine")
    admin.create_log_group(logGroupName="/app/other")
    doc = policy(
        allow(
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:PutRetentionPolicy"], f"{GROUPS}:/app/mine:*"
        ),
        allow("logs:DescribeLogGroups", "*"),
    )
    key = user_with_key(iam, "writer", doc)
    clients.on()
    logs = clients("logs", key)
    logs.create_log_stream(logGroupName="/app/mine", logStreamName="s")
    logs.put_log_events(
        logGroupName="/app/mine", logStreamName="s", logEvents=[{"timestamp": now_ms(), "message": "x"}]
    )
    logs.put_retention_policy(logGroupName="/app/mine", retentionInDays=1)
    assert len(logs.describe_log_groups()["logGroups"]) == 2
    code, message = error_of(lambda: logs.create_log_stream(logGroupName="/app/other", logStreamName="s"))
    assert code == "AccessDeniedException"
    assert f"{GROUPS}:/app/other:log-stream:s" in message
    assert error_of(lambda: logs.delete_log_group(logGroupName="/app/mine"))[0] == "AccessDeniedException"
    code, _ = error_of(lambda: logs.get_log_events(logGroupName="/app/mine", logStreamName="s"))
    assert code == "AccessDeniedException"
