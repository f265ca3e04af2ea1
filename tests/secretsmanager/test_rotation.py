"""Rotation by a real Lambda function: RotateSecret runs the function's four steps in the
background (the function's own boto3 calls come back to awsmock), AWSCURRENT moves and
AWSPREVIOUS keeps the old value; a failing step leaves AWSPENDING; CancelRotateSecret; a
scheduled rotation when the clock reaches NextRotationDate; a function Secrets Manager may not
invoke is refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from awsmock.engine import outbox
from awsmock.services.secretsmanager.schedule import next_window
from tests.auth.test_access_control import allow, policy, user_with_key

from .helpers import error_of, rotations_settled, wait_until

#: a rotation function as AWS's template writes one: each step checks the version's labels,
#: createSecret puts the new value as AWSPENDING, finishSecret moves AWSCURRENT to it
ROTATOR = """
import os

import boto3


def handler(event, context):
    sm = boto3.client("secretsmanager")
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    print("STEP", step)
    meta = sm.describe_secret(SecretId=arn)
    if not meta.get("RotationEnabled"):
        raise ValueError("rotation is not enabled")
    stages = meta["VersionIdsToStages"]
    if token not in stages:
        raise ValueError("the version has no stage for rotation")
    if "AWSCURRENT" in stages[token]:
        return
    if "AWSPENDING" not in stages[token]:
        raise ValueError("the version is not pending")
    if step == os.environ.get("FAIL_AT"):
        raise RuntimeError(step + " broke")
    if step == "createSecret":
        current = sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"]
        try:
            sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except sm.exceptions.ResourceNotFoundException:
            sm.put_secret_value(
                SecretId=arn, ClientRequestToken=token, SecretString=current + "+", VersionStages=["AWSPENDING"]
            )
    elif step == "testSecret":
        sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
    elif step == "finishSecret":
        current = next(v for v, labels in stages.items() if "AWSCURRENT" in labels)
        sm.update_secret_version_stage(
            SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current
        )
"""

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
CANNOT_INVOKE = (
    "AccessDeniedException",
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
    "grants access to the principal secretsmanager.amazonaws.com.",
)
INCOMPLETE = (
    "InvalidRequestException",
    "A previous rotation isn't complete. That rotation will be reattempted.",
)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("index.py", ROTATOR)
    return buf.getvalue()


CODE = _zip()  # built once for the module


@pytest.fixture
def lam(aws_client: Callable[..., Any]) -> Any:
    return aws_client("lambda")


@pytest.fixture
def rotator(aws_client: Callable[..., Any], lam: Any) -> Callable[..., str]:
    """``rotator(fail_at=None, allow=True)``: a rotation function's ARN (Secrets Manager may invoke
    it when ``allow``)."""
    role = aws_client("iam").create_role(RoleName=f"r-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=TRUST)
    made: list[str] = []

    def make(fail_at: str | None = None, allow: bool = True) -> str:
        name = f"rotator-{len(made)}"
        arn = lam.create_function(
            FunctionName=name,
            Role=role["Role"]["Arn"],
            Runtime="python3.12",
            Handler="index.handler",
            Code={"ZipFile": CODE},
            Timeout=30,
            Environment={"Variables": {"FAIL_AT": fail_at or ""}},
        )["FunctionArn"]
        if allow:
            lam.add_permission(
                FunctionName=name,
                StatementId="secretsmanager",
                Action="lambda:InvokeFunction",
                Principal="secretsmanager.amazonaws.com",
            )
        made.append(name)
        return str(arn)

    return make


def _stages(sm: Any, secret: str) -> dict[str, list[str]]:
    return dict(sm.describe_secret(SecretId=secret).get("VersionIdsToStages") or {})


def _rotated(sm: Any, secret: str) -> Callable[[], bool]:
    """Whether the secret's rotation has finished (LastRotatedDate is stamped once it has)."""
    return lambda: "LastRotatedDate" in sm.describe_secret(SecretId=secret)


def test_rotation_runs_the_four_steps_and_moves_awscurrent(
    sm: Any, aws_client: Callable[..., Any], rotator: Callable[..., str]
) -> None:
    fn = rotator()
    sm.create_secret(Name="db", SecretString="hunter2")
    answer = sm.rotate_secret(
        SecretId="db", RotationLambdaARN=fn, RotationRules={"AutomaticallyAfterDays": 30}
    )
    version = answer["VersionId"]
    assert answer["Name"] == "db"
    assert "AWSPENDING" in _stages(sm, "db")[version]  # the new version, before or after its rotation
    wait_until(_rotated(sm, "db"))
    assert _stages(sm, "db")[version] == ["AWSCURRENT", "AWSPENDING"]  # as the function left them

    assert sm.get_secret_value(SecretId="db")["SecretString"] == "hunter2+"
    assert sm.get_secret_value(SecretId="db", VersionStage="AWSPREVIOUS")["SecretString"] == "hunter2"
    described = sm.describe_secret(SecretId="db")
    assert (described["RotationEnabled"], described["RotationLambdaARN"], described["RotationRules"]) == (
        True,
        fn,
        {"AutomaticallyAfterDays": 30},
    )
    rotated = described["LastRotatedDate"].astimezone(dt.UTC)
    due = dt.datetime.combine(rotated.date() + dt.timedelta(days=30), dt.time(23, 59, 59), tzinfo=dt.UTC)
    assert described["NextRotationDate"] == due
    (listed,) = sm.list_secrets()["SecretList"]
    assert (listed["RotationEnabled"], listed["NextRotationDate"], listed["LastRotatedDate"]) == (
        True,
        due,
        described["LastRotatedDate"],
    )
    logs = aws_client("logs").filter_log_events(logGroupName="/aws/lambda/rotator-0")["events"]
    steps = [e["message"].split()[1] for e in logs if e["message"].startswith("STEP ")]
    assert steps == ["createSecret", "setSecret", "testSecret", "finishSecret"]

    again = sm.rotate_secret(SecretId="db")["VersionId"]  # the stored function and rules
    wait_until(lambda: _stages(sm, "db").get(again) == ["AWSCURRENT", "AWSPENDING"])
    assert _stages(sm, "db")[version] == ["AWSPREVIOUS"]
    assert sm.get_secret_value(SecretId="db")["SecretString"] == "hunter2++"


def test_a_failing_step_leaves_awspending_and_blocks_the_next_rotation(
    sm: Any, rotator: Callable[..., str], store: Any
) -> None:
    fn = rotator(fail_at="setSecret")
    sm.create_secret(Name="db", SecretString="hunter2")
    version = sm.rotate_secret(SecretId="db", RotationLambdaARN=fn)["VersionId"]
    wait_until(lambda: rotations_settled(store))

    stages = _stages(sm, "db")
    assert stages[version] == ["AWSPENDING"]  # createSecret filled it, setSecret failed
    assert sm.get_secret_value(SecretId="db", VersionStage="AWSPENDING")["SecretString"] == "hunter2+"
    assert sm.get_secret_value(SecretId="db")["SecretString"] == "hunter2"
    described = sm.describe_secret(SecretId="db")
    assert described["RotationEnabled"] is True
    assert "LastRotatedDate" not in described
    assert error_of(lambda: sm.rotate_secret(SecretId="db")) == INCOMPLETE

    cancelled = sm.cancel_rotate_secret(SecretId="db")
    assert cancelled["VersionId"] == version  # the unfinished version, AWSPENDING left on it
    assert _stages(sm, "db")[version] == ["AWSPENDING"]
    assert sm.describe_secret(SecretId="db")["RotationEnabled"] is False


def test_a_create_step_that_fails_leaves_an_empty_pending_version(
    sm: Any, rotator: Callable[..., str], store: Any
) -> None:
    fn = rotator(fail_at="createSecret")
    sm.create_secret(Name="db", SecretString="hunter2")
    version = sm.rotate_secret(SecretId="db", RotationLambdaARN=fn)["VersionId"]
    wait_until(lambda: rotations_settled(store))
    assert _stages(sm, "db")[version] == ["AWSPENDING"]
    assert error_of(lambda: sm.get_secret_value(SecretId="db", VersionStage="AWSPENDING")) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    )


def test_rotate_later_tests_the_function_then_cancel_turns_rotation_off(
    sm: Any, rotator: Callable[..., str], store: Any
) -> None:
    fn = rotator()
    created = sm.create_secret(Name="db", SecretString="hunter2")
    answer = sm.rotate_secret(
        SecretId="db",
        RotationLambdaARN=fn,
        RotationRules={"ScheduleExpression": "rate(10 days)", "Duration": "3h"},
        RotateImmediately=False,
    )
    wait_until(lambda: rotations_settled(store))
    # testSecret ran on a pending version, which then lost its label: nothing rotated
    assert _stages(sm, "db") == {created["VersionId"]: ["AWSCURRENT"]}
    assert answer["VersionId"] not in _stages(sm, "db")
    described = sm.describe_secret(SecretId="db")
    assert described["RotationRules"] == {
        "AutomaticallyAfterDays": 10,
        "ScheduleExpression": "rate(10 days)",
        "Duration": "3h",
    }
    assert "LastRotatedDate" not in described
    today = dt.datetime.now(dt.UTC).date()
    assert described["NextRotationDate"] == dt.datetime.combine(
        today + dt.timedelta(days=10), dt.time(2, 59, 59), tzinfo=dt.UTC
    )

    cancelled = sm.cancel_rotate_secret(SecretId="db")
    assert "VersionId" not in cancelled
    described = sm.describe_secret(SecretId="db")
    assert described["RotationEnabled"] is False
    assert "NextRotationDate" not in described
    assert described["RotationLambdaARN"] == fn


def test_a_scheduled_rotation_runs_when_the_clock_reaches_next_rotation_date(
    sm: Any, rotator: Callable[..., str], store: Any
) -> None:
    fn = rotator()
    first = sm.create_secret(Name="db", SecretString="hunter2")["VersionId"]
    sm.rotate_secret(
        SecretId="db",
        RotationLambdaARN=fn,
        RotationRules={"AutomaticallyAfterDays": 2},
        RotateImmediately=False,
    )
    wait_until(lambda: rotations_settled(store))
    due = sm.describe_secret(SecretId="db")["NextRotationDate"]
    outbox.drain(store)
    assert list(_stages(sm, "db")) == [first]  # not before its time

    with time_machine.travel(due, tick=True):
        outbox.start(store)
        wait_until(_rotated(sm, "db"))
        assert len(_stages(sm, "db")) == 2
        assert _stages(sm, "db")[first] == ["AWSPREVIOUS"]
        assert sm.get_secret_value(SecretId="db")["SecretString"] == "hunter2+"
        described = sm.describe_secret(SecretId="db")
        rotated = described["LastRotatedDate"].astimezone(dt.UTC)
        assert due - dt.timedelta(days=1) < rotated <= due + dt.timedelta(minutes=1)
        assert described["NextRotationDate"] == dt.datetime.combine(
            rotated.date() + dt.timedelta(days=2), dt.time(23, 59, 59), tzinfo=dt.UTC
        )


def test_a_function_secrets_manager_may_not_invoke_is_refused(sm: Any, rotator: Callable[..., str]) -> None:
    sm.create_secret(Name="db", SecretString="hunter2")
    assert error_of(lambda: sm.rotate_secret(SecretId="db")) == (
        "InvalidRequestException",
        "No Lambda rotation function ARN is associated with this secret.",
    )
    closed = rotator(allow=False)
    assert error_of(lambda: sm.rotate_secret(SecretId="db", RotationLambdaARN=closed)) == CANNOT_INVOKE
    missing = closed.replace("rotator-0", "nowhere")
    assert error_of(lambda: sm.rotate_secret(SecretId="db", RotationLambdaARN=missing)) == CANNOT_INVOKE
    described = sm.describe_secret(SecretId="db")  # nothing changed
    assert "RotationEnabled" not in described
    assert list(described["VersionIdsToStages"].values()) == [["AWSCURRENT"]]


def test_rotation_rules_are_checked(sm: Any, rotator: Callable[..., str]) -> None:
    fn = rotator()
    sm.create_secret(Name="db", SecretString="hunter2")
    for rules in (
        {"AutomaticallyAfterDays": 5, "ScheduleExpression": "rate(5 days)"},
        {"ScheduleExpression": "rate(2 hours)"},
        {"ScheduleExpression": "cron(0 16 * * * *)"},
        {"ScheduleExpression": "rate(6 hours)", "Duration": "7h"},
    ):
        code, _ = error_of(
            lambda rules=rules: sm.rotate_secret(SecretId="db", RotationLambdaARN=fn, RotationRules=rules)
        )
        assert code == "InvalidParameterException", rules
    code, message = error_of(
        lambda: sm.rotate_secret(
            SecretId="db", RotationLambdaARN=fn, RotationRules={"AutomaticallyAfterDays": 1001}
        )
    )
    assert code == "ValidationException"
    assert "'rotationRules.automaticallyAfterDays'" in message
    assert message.endswith("Member must have value less than or equal to 1000")
    assert "RotationEnabled" not in sm.describe_secret(SecretId="db")


@pytest.mark.parametrize(
    ("rules", "after", "window"),
    [
        ({"AutomaticallyAfterDays": 30}, "2026-12-08T10:30", ("2027-01-07T00:00", "2027-01-07T23:59:59")),
        (
            {"ScheduleExpression": "rate(4 hours)"},
            "2026-12-08T10:30",
            ("2026-12-08T12:00", "2026-12-08T12:59:59"),
        ),
        (
            {"ScheduleExpression": "rate(5 hours)"},
            "2026-12-08T21:00",
            ("2026-12-09T00:00", "2026-12-09T00:59:59"),
        ),
        (
            {"ScheduleExpression": "cron(0 16 1,15 * ? *)", "Duration": "2h"},
            "2026-12-08T10:30",
            ("2026-12-15T16:00", "2026-12-15T17:59:59"),
        ),
        (
            {"ScheduleExpression": "cron(0 8 ? * MON *)"},
            "2026-12-08T10:30",
            ("2026-12-14T08:00", "2026-12-14T23:59:59"),
        ),
        (
            {"ScheduleExpression": "cron(0 */6 * * ? *)"},
            "2026-12-08T10:30",
            ("2026-12-08T12:00", "2026-12-08T12:59:59"),
        ),
    ],
)
def test_rotation_windows(rules: dict[str, Any], after: str, window: tuple[str, str]) -> None:
    def at(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)

    assert next_window(rules, at(after)) == (at(window[0]), at(window[1]))


def test_rotate_secret_needs_lambda_invoke_function_on_the_function(clients: Any, store: Any) -> None:
    iam, lam, sm = clients("iam"), clients("lambda"), clients("secretsmanager")
    role = iam.create_role(RoleName="exec", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    fn = lam.create_function(
        FunctionName="rotator",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": CODE},
    )["FunctionArn"]
    lam.add_permission(
        FunctionName="rotator",
        StatementId="sm",
        Action="lambda:InvokeFunction",
        Principal="secretsmanager.amazonaws.com",
    )
    sm.create_secret(Name="db", SecretString="hunter2")
    secrets_only = user_with_key(iam, "secrets-only", policy(allow("secretsmanager:*")))
    rotator_user = user_with_key(
        iam, "rotator", policy(allow("secretsmanager:*"), allow("lambda:InvokeFunction", fn))
    )
    clients.on()
    code, message = error_of(
        lambda: clients("secretsmanager", secrets_only).rotate_secret(SecretId="db", RotationLambdaARN=fn)
    )
    assert code == "AccessDeniedException"
    assert "lambda:InvokeFunction" in message
    answer = clients("secretsmanager", rotator_user).rotate_secret(
        SecretId="db", RotationLambdaARN=fn, RotateImmediately=False
    )
    assert answer["Name"] == "db"
    wait_until(lambda: rotations_settled(store))


def test_a_new_value_put_by_hand_counts_as_a_rotation(
    sm: Any, rotator: Callable[..., str], store: Any
) -> None:
    fn = rotator()
    sm.create_secret(Name="db", SecretString="hunter2")
    sm.rotate_secret(
        SecretId="db",
        RotationLambdaARN=fn,
        RotationRules={"AutomaticallyAfterDays": 7},
        RotateImmediately=False,
    )
    wait_until(lambda: rotations_settled(store))
    before = sm.describe_secret(SecretId="db")["NextRotationDate"]
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3), tick=True):
        sm.put_secret_value(SecretId="db", SecretString="by hand")
        assert sm.describe_secret(SecretId="db")["NextRotationDate"] == before + dt.timedelta(days=3)
        sm.put_secret_value(SecretId="db", SecretString="staged", VersionStages=["custom"])
        assert sm.describe_secret(SecretId="db")["NextRotationDate"] == before + dt.timedelta(days=3)
