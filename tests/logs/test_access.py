"""Access control: ``logs:<Op>`` on ``log-group:<name>:*`` (what AWS's group operations are
authorized against) and on the stream ARNs below it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from awsmock.api.app import AwsmockApp
from awsmock.auth import set_initial_no_auth_action_count
from awsmock.state.store import Store
from tests.auth.test_access_control import allow, policy, user_with_key
from tests.helpers import inprocess_client_factory
from tests.logs.conftest import error_of, now_ms

GROUPS = "arn:aws:logs:us-east-1:123456789012:log-group"


@pytest.fixture
def clients(store: Store, app: AwsmockApp) -> Callable[..., Any]:
    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 10_000)

    def client(service: str, key: dict[str, str] | None = None) -> Any:
        if key is None:
            return make(service)
        return make(
            service, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
        )

    client.on = lambda: set_initial_no_auth_action_count(store, 0)  # type: ignore[attr-defined]
    return client


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
