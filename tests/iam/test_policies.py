"""Managed policies (versions, attachments, entities) and inline policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.iam.helpers import ACCOUNT, TRUST_EC2, allow, doc, error

POLICY = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))


def test_managed_policy_versions(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    policy = iam.create_policy(PolicyName="reader", Path="/app/", PolicyDocument=POLICY, Description="reads")[
        "Policy"
    ]
    arn = policy["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/app/reader"
    assert (policy["DefaultVersionId"], policy["AttachmentCount"], policy["IsAttachable"]) == ("v1", 0, True)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Description"] == "reads"
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(POLICY)  # sent URL-encoded, decoded by botocore
    for i in range(2, 6):
        v = iam.create_policy_version(
            PolicyArn=arn, PolicyDocument=doc(allow(f"s3:Get{i}")), SetAsDefault=(i == 3)
        )["PolicyVersion"]
        assert v["VersionId"] == f"v{i}"
    assert (
        error(lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=POLICY))[0] == "LimitExceeded"
    )
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == [
        "v5",
        "v4",
        "v3",
        "v2",
        "v1",
    ]
    assert error(lambda: iam.delete_policy_version(PolicyArn=arn, VersionId="v3")) == (
        "DeleteConflict",
        "Cannot delete the default version of a policy.",
    )
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    for v in ("v1", "v2", "v3", "v4"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    assert error(lambda: iam.get_policy_version(PolicyArn=arn, VersionId="v1"))[0] == "NoSuchEntity"
    iam.delete_policy(PolicyArn=arn)
    assert error(lambda: iam.get_policy(PolicyArn=arn)) == ("NoSuchEntity", f"Policy {arn} was not found.")


def test_duplicate_policy_name(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_policy(PolicyName="p", PolicyDocument=POLICY)
    assert error(lambda: iam.create_policy(PolicyName="p", PolicyDocument=POLICY)) == (
        "EntityAlreadyExists",
        "A policy called p already exists. Duplicate names are not allowed.",
    )


def test_attach_detach_and_entities(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    arn = iam.create_policy(PolicyName="p", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2)
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    assert iam.list_attached_user_policies(UserName="u")["AttachedPolicies"] == [
        {"PolicyName": "p", "PolicyArn": arn}
    ]
    assert iam.list_attached_group_policies(GroupName="g")["AttachedPolicies"][0]["PolicyArn"] == arn
    assert iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"][0]["PolicyArn"] == arn
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [e["UserName"] for e in entities["PolicyUsers"]] == ["u"]
    assert [e["GroupName"] for e in entities["PolicyGroups"]] == ["g"]
    assert [e["RoleName"] for e in entities["PolicyRoles"]] == ["r"]
    assert iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")["PolicyUsers"] == []
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]] == ["p"]
    assert error(lambda: iam.delete_policy(PolicyArn=arn)) == (
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
    )
    assert error(lambda: iam.delete_role(RoleName="r")) == (
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
    )
    iam.detach_user_policy(UserName="u", PolicyArn=arn)
    assert error(lambda: iam.detach_user_policy(UserName="u", PolicyArn=arn))[0] == "NoSuchEntity"
    missing = f"arn:aws:iam::{ACCOUNT}:policy/missing"
    assert error(lambda: iam.attach_user_policy(UserName="u", PolicyArn=missing)) == (
        "NoSuchEntity",
        f"Policy {missing} does not exist or is not attachable.",
    )


def test_aws_managed_policies(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2)
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    iam.attach_role_policy(RoleName="r", PolicyArn=admin)
    assert iam.get_policy(PolicyArn=admin)["Policy"]["AttachmentCount"] == 1
    names = [p["PolicyName"] for p in iam.list_policies(Scope="AWS")["Policies"]]
    assert "AdministratorAccess" in names and "AmazonS3ReadOnlyAccess" in names
    basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert iam.get_policy(PolicyArn=basic)["Policy"]["Path"] == "/service-role/"


@pytest.mark.parametrize(
    ("kind", "owner_kw", "create"),
    [
        ("user", {"UserName": "u"}, lambda iam: iam.create_user(UserName="u")),
        ("group", {"GroupName": "g"}, lambda iam: iam.create_group(GroupName="g")),
        (
            "role",
            {"RoleName": "r"},
            lambda iam: iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2),
        ),
    ],
)
def test_inline_policies(
    aws_client: Callable[..., Any], kind: str, owner_kw: dict[str, str], create: Any
) -> None:
    iam = aws_client("iam")
    create(iam)
    put = getattr(iam, f"put_{kind}_policy")
    get = getattr(iam, f"get_{kind}_policy")
    put(PolicyName="b", PolicyDocument=POLICY, **owner_kw)
    put(PolicyName="a", PolicyDocument=POLICY, **owner_kw)
    got = get(PolicyName="b", **owner_kw)
    assert got["PolicyDocument"] == json.loads(POLICY)
    assert getattr(iam, f"list_{kind}_policies")(**owner_kw)["PolicyNames"] == ["a", "b"]
    getattr(iam, f"delete_{kind}_policy")(PolicyName="b", **owner_kw)
    assert error(lambda: get(PolicyName="b", **owner_kw)) == (
        "NoSuchEntity",
        f"The {kind} policy with name b cannot be found.",
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "This policy contains invalid Json"),
        (json.dumps({"Version": "2012-10-17"}), "Syntax errors in policy."),
        (json.dumps({"Version": "2001-01-01", "Statement": [allow()]}), "Syntax errors in policy."),
        (doc({"Effect": "Allow", "Resource": "*"}), "Policy statement must contain actions."),
        (doc({"Effect": "Allow", "Action": "s3:*"}), "Policy statement must contain resources."),
        (doc({"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}), "Syntax errors in policy."),
        (
            doc(allow("GetObject")),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (doc(allow("s3:GetObject", "bucket")), 'Resource bucket must be in ARN format or "*".'),
        (doc({**allow(), "Principal": "*"}), "Policy document should not specify a principal."),
        (
            doc({**allow(), "Sid": "a"}, {**allow(), "Sid": "a"}),
            "Statement IDs (SID) in a single policy must be unique.",
        ),
        (doc({**allow(), "Condition": {"StringEqualz": {"aws:username": "x"}}}), "Syntax errors in policy."),
        (doc({**allow(), "Bogus": 1}), "Syntax errors in policy."),
    ],
)
def test_malformed_policy_documents(aws_client: Callable[..., Any], document: str, message: str) -> None:
    iam = aws_client("iam")
    assert error(lambda: iam.create_policy(PolicyName="bad", PolicyDocument=document)) == (
        "MalformedPolicyDocument",
        message,
    )


def test_trust_policy_grammar(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    assert error(
        lambda: iam.create_role(RoleName="r", AssumeRolePolicyDocument=doc(allow("sts:AssumeRole")))
    ) == ("MalformedPolicyDocument", "Has prohibited field Resource.")
    no_principal = doc({"Effect": "Allow", "Action": "sts:AssumeRole"})
    assert error(lambda: iam.create_role(RoleName="r", AssumeRolePolicyDocument=no_principal))[0] == (
        "MalformedPolicyDocument"
    )


def test_account_authorization_details(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    arn = iam.create_policy(PolicyName="p", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_user(UserName="u")
    iam.put_user_policy(UserName="u", PolicyName="inline", PolicyDocument=POLICY)
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2)
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
    details = iam.get_account_authorization_details()
    user = details["UserDetailList"][0]
    assert user["UserPolicyList"][0]["PolicyDocument"] == json.loads(POLICY)
    assert user["GroupList"] == ["g"]
    assert user["AttachedManagedPolicies"] == [{"PolicyName": "p", "PolicyArn": arn}]
    role = details["RoleDetailList"][0]
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST_EC2)
    assert role["InstanceProfileList"][0]["InstanceProfileName"] == "ip"
    assert details["Policies"][0]["PolicyVersionList"][0]["Document"] == json.loads(POLICY)
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and len(only_roles["RoleDetailList"]) == 1


def test_simulate_custom_policy(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    results = iam.simulate_custom_policy(
        PolicyInputList=[POLICY],
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::b/k"],
    )["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["allowed", "implicitDeny"]
