"""IAM and STS check names and paths against the patterns their documentation states, with
IAM's validation message, and make nothing when one does not match."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.iam.helpers import TRUST_ACCOUNT, error


def test_names_and_paths_must_match_their_patterns(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    assert error(lambda: iam.create_user(UserName="bad name")) == (
        "ValidationError",
        "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\w+=,.@-]+",
    )
    code, message = error(
        lambda: iam.create_role(RoleName="r", Path="no-slash", AssumeRolePolicyDocument=TRUST_ACCOUNT)
    )
    assert code == "ValidationError" and "at 'path' failed to satisfy constraint" in message
    assert error(lambda: iam.create_group(GroupName="a/b"))[0] == "ValidationError"
    assert iam.list_users()["Users"] == [] and iam.list_groups()["Groups"] == []
    made = iam.create_user(UserName="Ok+=,.@-_1", Path="/a/b/")["User"]
    assert made["UserName"] == "Ok+=,.@-_1"


def test_a_session_name_must_match_its_pattern(aws_client: Callable[..., Any]) -> None:
    iam, sts = aws_client("iam"), aws_client("sts")
    arn = iam.create_role(RoleName="patterned", AssumeRolePolicyDocument=TRUST_ACCOUNT)["Role"]["Arn"]
    code, message = error(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="has space"))
    assert code == "ValidationError" and "at 'roleSessionName'" in message
    assert sts.assume_role(RoleArn=arn, RoleSessionName="ok-session@x")["AssumedRoleUser"]["Arn"].endswith(
        "/ok-session@x"
    )
