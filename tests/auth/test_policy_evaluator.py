"""Table-driven tests of the IAM policy evaluator (awsmock.auth.policy), no HTTP involved."""

from __future__ import annotations

from typing import Any

import pytest

from awsmock.auth.policy import (
    ALLOW,
    DENY,
    IMPLICIT,
    Principal,
    Request,
    condition_matches,
    decide,
    denial_message,
    evaluate,
)

ACCT = "123456789012"
OTHER = "210987654321"
ALICE = Principal(ACCT, (f"arn:aws:iam::{ACCT}:user/alice",))
ROLE_SESSION = Principal(ACCT, (f"arn:aws:sts::{ACCT}:assumed-role/app/s1", f"arn:aws:iam::{ACCT}:role/app"))
STRANGER = Principal(OTHER, (f"arn:aws:iam::{OTHER}:user/eve",))


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


EVALUATE_CASES = [
    # (id, policies, action, resources, context, expected)
    ("exact action", [doc(allow("sqs:SendMessage"))], "sqs:SendMessage", ["*"], {}, ALLOW),
    ("no statement applies", [doc(allow("sqs:SendMessage"))], "sqs:DeleteQueue", ["*"], {}, IMPLICIT),
    ("no policies", [], "s3:GetObject", ["*"], {}, IMPLICIT),
    ("action wildcard", [doc(allow("sqs:*"))], "sqs:ReceiveMessage", ["*"], {}, ALLOW),
    ("action ? wildcard", [doc(allow("iam:?etUser"))], "iam:GetUser", ["*"], {}, ALLOW),
    ("action case-insensitive", [doc(allow("S3:getobject"))], "s3:GetObject", ["*"], {}, ALLOW),
    ("action list", [doc(allow(["s3:GetObject", "s3:PutObject"]))], "s3:PutObject", ["*"], {}, ALLOW),
    ("star action", [doc(allow("*"))], "dynamodb:GetItem", ["*"], {}, ALLOW),
    ("explicit deny wins", [doc(allow("*")), doc(deny("iam:CreateUser"))], "iam:CreateUser", ["*"], {}, DENY),
    (
        "deny in same policy wins",
        [doc(allow("iam:*"), deny("iam:Delete*"))],
        "iam:DeleteUser",
        ["*"],
        {},
        DENY,
    ),
    (
        "deny elsewhere irrelevant",
        [doc(allow("iam:*"), deny("iam:Delete*"))],
        "iam:ListUsers",
        ["*"],
        {},
        ALLOW,
    ),
    (
        "NotAction allows others",
        [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        "s3:ListBuckets",
        ["*"],
        {},
        ALLOW,
    ),
    (
        "NotAction excludes",
        [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        "iam:ListUsers",
        ["*"],
        {},
        IMPLICIT,
    ),
    (
        "resource exact",
        [doc(allow("s3:GetObject", "arn:aws:s3:::b/k"))],
        "s3:GetObject",
        ["arn:aws:s3:::b/k"],
        {},
        ALLOW,
    ),
    (
        "resource wildcard",
        [doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))],
        "s3:GetObject",
        ["arn:aws:s3:::b/a/b/c"],
        {},
        ALLOW,
    ),
    (
        "resource other bucket",
        [doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))],
        "s3:GetObject",
        ["arn:aws:s3:::c/k"],
        {},
        IMPLICIT,
    ),
    (
        "resource case-sensitive",
        [doc(allow("s3:GetObject", "arn:aws:s3:::B/*"))],
        "s3:GetObject",
        ["arn:aws:s3:::b/k"],
        {},
        IMPLICIT,
    ),
    (
        "arn segment wildcard",
        [doc(allow("sqs:*", "arn:aws:sqs:*:123456789012:q-*"))],
        "sqs:SendMessage",
        ["arn:aws:sqs:eu-west-1:123456789012:q-1"],
        {},
        ALLOW,
    ),
    (
        "arn wildcard stays in segment",
        [doc(allow("sqs:*", "arn:aws:sqs:*:123456789012:q"))],
        "sqs:SendMessage",
        ["arn:aws:sqs:eu-west-1:210987654321:q"],
        {},
        IMPLICIT,
    ),
    (
        "NotResource",
        [doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})],
        "s3:GetObject",
        ["arn:aws:s3:::open/k"],
        {},
        ALLOW,
    ),
    (
        "NotResource excludes",
        [doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})],
        "s3:GetObject",
        ["arn:aws:s3:::secret/k"],
        {},
        IMPLICIT,
    ),
    (
        "every resource must be allowed",
        [doc(allow("dynamodb:BatchGetItem", "arn:aws:dynamodb:*:*:table/a"))],
        "dynamodb:BatchGetItem",
        ["arn:aws:dynamodb:us-east-1:1:table/a", "arn:aws:dynamodb:us-east-1:1:table/b"],
        {},
        IMPLICIT,
    ),
    ("statement as object", [{"Statement": allow("sns:Publish")}], "sns:Publish", ["*"], {}, ALLOW),
    (
        "JSON text policy",
        ['{"Statement": [{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}]}'],
        "sns:Publish",
        ["*"],
        {},
        ALLOW,
    ),
    (
        "policy variable",
        [doc(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))],
        "s3:PutObject",
        ["arn:aws:s3:::home/alice/f"],
        {"aws:username": "alice"},
        ALLOW,
    ),
    (
        "policy variable other user",
        [doc(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))],
        "s3:PutObject",
        ["arn:aws:s3:::home/bob/f"],
        {"aws:username": "alice"},
        IMPLICIT,
    ),
    (
        "unresolved variable matches nothing",
        [doc(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))],
        "s3:PutObject",
        ["arn:aws:s3:::home//f"],
        {},
        IMPLICIT,
    ),
    (
        "${*} is a literal star",
        [doc(allow("s3:*", "arn:aws:s3:::b/${*}"))],
        "s3:GetObject",
        ["arn:aws:s3:::b/x"],
        {},
        IMPLICIT,
    ),
    (
        "${*} matches a star",
        [doc(allow("s3:*", "arn:aws:s3:::b/${*}"))],
        "s3:GetObject",
        ["arn:aws:s3:::b/*"],
        {},
        ALLOW,
    ),
    (
        "condition passes",
        [doc(allow("s3:*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))],
        "s3:GetObject",
        ["*"],
        {"aws:RequestedRegion": "eu-west-1"},
        ALLOW,
    ),
    (
        "condition fails",
        [doc(allow("s3:*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))],
        "s3:GetObject",
        ["*"],
        {"aws:RequestedRegion": "us-east-1"},
        IMPLICIT,
    ),
    (
        "deny with condition",
        [doc(allow("*"), deny("*", Condition={"Bool": {"aws:SecureTransport": "false"}}))],
        "s3:GetObject",
        ["*"],
        {"aws:SecureTransport": "false"},
        DENY,
    ),
    (
        "deny condition not met",
        [doc(allow("*"), deny("*", Condition={"Bool": {"aws:SecureTransport": "false"}}))],
        "s3:GetObject",
        ["*"],
        {"aws:SecureTransport": "true"},
        ALLOW,
    ),
    (
        "unknown operator never matches",
        [doc(allow("*", Condition={"Bogus": {"aws:username": "x"}}))],
        "s3:GetObject",
        ["*"],
        {"aws:username": "x"},
        IMPLICIT,
    ),
]


@pytest.mark.parametrize(
    ("policies", "action", "resources", "context", "expected"),
    [c[1:] for c in EVALUATE_CASES],
    ids=[c[0] for c in EVALUATE_CASES],
)
def test_evaluate(
    policies: list[Any], action: str, resources: list[str], context: dict[str, Any], expected: str
) -> None:
    assert evaluate(policies, Request(action, tuple(resources), ALICE, context)).decision == expected


CONDITION_CASES = [
    # (operator, key, policy values, context, expected)
    ("StringEquals", "aws:username", "alice", {"aws:username": "alice"}, True),
    ("StringEquals", "aws:username", ["bob", "alice"], {"aws:username": "alice"}, True),
    ("StringEquals", "aws:username", "Alice", {"aws:username": "alice"}, False),
    ("StringEquals", "aws:username", "alice", {}, False),
    ("StringNotEquals", "aws:username", "bob", {"aws:username": "alice"}, True),
    ("StringNotEquals", "aws:username", ["bob", "alice"], {"aws:username": "alice"}, False),
    ("StringNotEquals", "aws:username", "bob", {}, True),
    ("StringEqualsIgnoreCase", "aws:username", "ALICE", {"aws:username": "alice"}, True),
    ("StringNotEqualsIgnoreCase", "aws:username", "ALICE", {"aws:username": "alice"}, False),
    ("StringLike", "s3:prefix", "home/*", {"s3:prefix": "home/alice"}, True),
    ("StringLike", "s3:prefix", "home/?", {"s3:prefix": "home/ab"}, False),
    ("StringNotLike", "s3:prefix", "home/*", {"s3:prefix": "tmp/x"}, True),
    ("StringEqualsIfExists", "aws:username", "alice", {}, True),
    ("StringEqualsIfExists", "aws:username", "alice", {"aws:username": "bob"}, False),
    ("NumericEquals", "s3:max-keys", "10", {"s3:max-keys": "10"}, True),
    ("NumericNotEquals", "s3:max-keys", "10", {"s3:max-keys": "11"}, True),
    ("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "9"}, True),
    ("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "10"}, False),
    ("NumericLessThanEquals", "s3:max-keys", "10", {"s3:max-keys": "10"}, True),
    ("NumericGreaterThan", "s3:max-keys", "10", {"s3:max-keys": "11"}, True),
    ("NumericGreaterThanEquals", "s3:max-keys", 10, {"s3:max-keys": "9"}, False),
    ("NumericEquals", "s3:max-keys", "10", {"s3:max-keys": "ten"}, False),
    (
        "DateGreaterThan",
        "aws:CurrentTime",
        "2020-01-01T00:00:00Z",
        {"aws:CurrentTime": "2024-05-01T12:00:00Z"},
        True,
    ),
    (
        "DateLessThan",
        "aws:CurrentTime",
        "2020-01-01T00:00:00Z",
        {"aws:CurrentTime": "2024-05-01T12:00:00Z"},
        False,
    ),
    (
        "DateEquals",
        "aws:CurrentTime",
        "2024-05-01T12:00:00Z",
        {"aws:CurrentTime": "2024-05-01T12:00:00+00:00"},
        True,
    ),
    ("DateLessThanEquals", "aws:EpochTime", "1700000000", {"aws:EpochTime": "1600000000"}, True),
    ("DateNotEquals", "aws:CurrentTime", "2020-01-01", {"aws:CurrentTime": "2024-05-01T12:00:00Z"}, True),
    (
        "DateGreaterThanEquals",
        "aws:CurrentTime",
        "2020-01-01",
        {"aws:CurrentTime": "2019-05-01T12:00:00Z"},
        False,
    ),
    ("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "true"}, True),
    ("Bool", "aws:SecureTransport", True, {"aws:SecureTransport": "false"}, False),
    ("Bool", "aws:MultiFactorAuthPresent", "false", {}, False),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false", {}, True),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "10.1.2.3"}, True),
    ("IpAddress", "aws:SourceIp", ["192.168.0.0/16", "127.0.0.1/32"], {"aws:SourceIp": "127.0.0.1"}, True),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "11.1.2.3"}, False),
    ("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "11.1.2.3"}, True),
    ("IpAddress", "aws:SourceIp", "2001:db8::/32", {"aws:SourceIp": "2001:db8::1"}, True),
    (
        "ArnLike",
        "aws:PrincipalArn",
        "arn:aws:iam::*:role/app-*",
        {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/app-1"},
        True,
    ),
    (
        "ArnEquals",
        "aws:PrincipalArn",
        "arn:aws:iam::123456789012:user/a",
        {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/b"},
        False,
    ),
    (
        "ArnNotLike",
        "aws:PrincipalArn",
        "arn:aws:iam::*:role/*",
        {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/b"},
        True,
    ),
    (
        "ArnNotEquals",
        "aws:PrincipalArn",
        "arn:aws:iam::1:user/b",
        {"aws:PrincipalArn": "arn:aws:iam::1:user/b"},
        False,
    ),
    ("Null", "aws:TokenIssueTime", "true", {}, True),
    ("Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "x"}, False),
    ("Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "x"}, True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["c", "b"]}, True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["c", "d"]}, False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], {}, False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["a", "b"]}, True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["a", "c"]}, False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a"], {}, True),
    ("ForAllValues:StringLike", "aws:TagKeys", ["env*"], {"aws:TagKeys": ["env", "environment"]}, True),
    ("StringEquals", "AWS:UserName", "alice", {"aws:username": "alice"}, True),  # keys are case-insensitive
    (
        "StringEquals",
        "aws:PrincipalTag/team",
        "${aws:username}",
        {"aws:PrincipalTag/team": "alice", "aws:username": "alice"},
        True,
    ),
]


@pytest.mark.parametrize(
    ("operator", "key", "values", "context", "expected"),
    CONDITION_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CONDITION_CASES)],
)
def test_condition_operators(
    operator: str, key: str, values: Any, context: dict[str, Any], expected: bool
) -> None:
    assert condition_matches(operator, key, values, context) is expected


def test_conditions_are_anded_across_keys_and_operators() -> None:
    cond = {
        "StringEquals": {"aws:username": "alice", "aws:RequestedRegion": "us-east-1"},
        "Bool": {"aws:SecureTransport": "true"},
    }
    policies = [doc(allow("*", Condition=cond))]
    ok = {"aws:username": "alice", "aws:RequestedRegion": "us-east-1", "aws:SecureTransport": "true"}
    assert evaluate(policies, Request("s3:GetObject", ("*",), ALICE, ok)).decision == ALLOW
    for key in ok:
        ctx = dict(ok)
        ctx.pop(key)
        assert evaluate(policies, Request("s3:GetObject", ("*",), ALICE, ctx)).decision == IMPLICIT


# -- resource policies and the combined decision -------------------------------------------------

BUCKET = "arn:aws:s3:::shared/k"


def bucket_policy(principal: Any, effect: str = "Allow") -> dict[str, Any]:
    return doc(
        {
            "Effect": effect,
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*",
        }
    )


DECIDE_CASES = [
    # (id, principal, identity policies, resource policy, resource account, expected allowed, reason)
    ("identity allows", ALICE, [doc(allow("s3:GetObject"))], None, None, True, ""),
    ("nothing allows", ALICE, [], None, None, False, "no-identity"),
    ("identity deny", ALICE, [doc(allow("*"), deny("s3:*"))], None, None, False, "explicit-identity"),
    ("resource names user", ALICE, [], bucket_policy({"AWS": ALICE.arns[0]}), ACCT, True, ""),
    ("resource star", ALICE, [], bucket_policy("*"), ACCT, True, ""),
    ("resource AWS star", ALICE, [], bucket_policy({"AWS": "*"}), ACCT, True, ""),
    ("resource names account only", ALICE, [], bucket_policy({"AWS": ACCT}), ACCT, False, "no-identity"),
    (
        "resource names account root + identity",
        ALICE,
        [doc(allow("s3:GetObject"))],
        bucket_policy({"AWS": f"arn:aws:iam::{ACCT}:root"}),
        ACCT,
        True,
        "",
    ),
    (
        "resource names other user",
        ALICE,
        [],
        bucket_policy({"AWS": f"arn:aws:iam::{ACCT}:user/bob"}),
        ACCT,
        False,
        "no-identity",
    ),
    (
        "resource deny beats identity allow",
        ALICE,
        [doc(allow("*"))],
        bucket_policy("*", "Deny"),
        ACCT,
        False,
        "explicit-resource",
    ),
    (
        "role session matched by role ARN",
        ROLE_SESSION,
        [],
        bucket_policy({"AWS": f"arn:aws:iam::{ACCT}:role/app"}),
        ACCT,
        True,
        "",
    ),
    (
        "cross account needs both: only identity",
        STRANGER,
        [doc(allow("s3:GetObject"))],
        None,
        ACCT,
        False,
        "resource",
    ),
    (
        "cross account needs both: only resource",
        STRANGER,
        [],
        bucket_policy({"AWS": OTHER}),
        ACCT,
        False,
        "no-identity",
    ),
    (
        "cross account both",
        STRANGER,
        [doc(allow("s3:GetObject"))],
        bucket_policy({"AWS": OTHER}),
        ACCT,
        True,
        "",
    ),
]


@pytest.mark.parametrize(
    ("principal", "identity", "resource_policy", "account", "allowed", "reason"),
    [c[1:] for c in DECIDE_CASES],
    ids=[c[0] for c in DECIDE_CASES],
)
def test_decide(
    principal: Principal,
    identity: list[Any],
    resource_policy: Any,
    account: str | None,
    allowed: bool,
    reason: str,
) -> None:
    got = decide(
        Request("s3:GetObject", (BUCKET,), principal, {}),
        identity,
        resource_policy=resource_policy,
        resource_account=account,
    )
    assert (got.allowed, got.reason) == (allowed, reason)


def test_boundary_and_session_policies_intersect() -> None:
    req = Request("sqs:SendMessage", ("*",), ALICE, {})
    everything = [doc(allow("*"))]
    only_sqs = [doc(allow("sqs:*"))]
    only_s3 = [doc(allow("s3:*"))]
    assert decide(req, everything, boundaries=only_sqs).allowed
    assert decide(req, everything, boundaries=only_s3).reason == "boundary"
    assert decide(req, everything, session_policies=only_s3).reason == "session"
    assert decide(req, only_sqs, session_policies=everything).allowed
    assert not decide(req, only_s3, session_policies=everything).allowed


def test_trust_policy_is_required() -> None:
    trust = doc({"Effect": "Allow", "Principal": {"AWS": ALICE.arns[0]}, "Action": "sts:AssumeRole"})
    req = Request("sts:AssumeRole", (f"arn:aws:iam::{ACCT}:role/app",), ALICE, {})
    assert decide(req, [], resource_policy=trust, resource_account=ACCT, resource_required=True).allowed
    assert not decide(
        req, [doc(allow("*"))], resource_policy=doc(), resource_account=ACCT, resource_required=True
    ).allowed


def test_denial_messages() -> None:
    arn = "arn:aws:iam::123456789012:user/x"
    assert denial_message(arn, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q", "no-identity") == (
        "User: arn:aws:iam::123456789012:user/x is not authorized to perform: sqs:SendMessage on resource: "
        "arn:aws:sqs:us-east-1:123456789012:q because no identity-based policy allows the sqs:SendMessage action"
    )
    assert denial_message(arn, "iam:CreateUser", "*", "explicit-identity").endswith(
        "with an explicit deny in an identity-based policy"
    )
