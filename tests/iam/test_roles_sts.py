"""Roles (trust policies, session duration, tags, service-linked roles) and STS."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from tests.iam.helpers import ACCOUNT, TRUST_ACCOUNT, TRUST_EC2, error


def test_role_lifecycle(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    role = iam.create_role(
        RoleName="app",
        Path="/svc/",
        AssumeRolePolicyDocument=TRUST_EC2,
        Description="d",
        MaxSessionDuration=7200,
        Tags=[{"Key": "team", "Value": "a"}],
    )["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/svc/app"
    assert role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST_EC2)
    got = iam.get_role(RoleName="app")["Role"]
    assert (got["MaxSessionDuration"], got["Description"], got["Tags"]) == (
        7200,
        "d",
        [{"Key": "team", "Value": "a"}],
    )
    assert error(lambda: iam.create_role(RoleName="APP", AssumeRolePolicyDocument=TRUST_EC2))[0] == (
        "EntityAlreadyExists"
    )
    iam.update_role(RoleName="app", MaxSessionDuration=3600, Description="e")
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=TRUST_ACCOUNT)
    got = iam.get_role(RoleName="app")["Role"]
    assert (got["MaxSessionDuration"], got["AssumeRolePolicyDocument"]) == (3600, json.loads(TRUST_ACCOUNT))
    assert error(lambda: iam.update_role(RoleName="app", MaxSessionDuration=50000))[0] == "ValidationError"
    iam.tag_role(RoleName="app", Tags=[{"Key": "x", "Value": "y"}])
    iam.untag_role(RoleName="app", TagKeys=["team"])
    assert iam.list_role_tags(RoleName="app")["Tags"] == [{"Key": "x", "Value": "y"}]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/svc/")["Roles"]] == ["app"]
    iam.delete_role(RoleName="app")
    assert error(lambda: iam.get_role(RoleName="app")) == (
        "NoSuchEntity",
        "The role with name app cannot be found.",
    )


def test_service_linked_role(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling"
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    assert error(lambda: iam.delete_role(RoleName="AWSServiceRoleForAutoScaling"))[0] == "UnmodifiableEntity"
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForAutoScaling")["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"


def test_instance_profiles(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2)
    profile = iam.create_instance_profile(InstanceProfileName="ip", Path="/x/")["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{ACCOUNT}:instance-profile/x/ip"
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
    assert (
        iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]["Roles"][0]["RoleName"] == "r"
    )
    assert [
        p["InstanceProfileName"]
        for p in iam.list_instance_profiles_for_role(RoleName="r")["InstanceProfiles"]
    ] == ["ip"]
    assert error(lambda: iam.delete_role(RoleName="r"))[0] == "DeleteConflict"
    assert error(lambda: iam.delete_instance_profile(InstanceProfileName="ip"))[0] == "DeleteConflict"
    iam.remove_role_from_instance_profile(InstanceProfileName="ip", RoleName="r")
    iam.delete_instance_profile(InstanceProfileName="ip")
    assert error(lambda: iam.get_instance_profile(InstanceProfileName="ip")) == (
        "NoSuchEntity",
        "Instance Profile ip cannot be found.",
    )


def test_caller_identity_of_default_credentials(aws_client: Callable[..., Any]) -> None:
    me = aws_client("sts").get_caller_identity()
    assert (me["Account"], me["Arn"], me["UserId"]) == (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)


def test_caller_identity_of_an_iam_user(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    user = iam.create_user(UserName="u")["User"]
    key = iam.create_access_key(UserName="u")["AccessKey"]
    sts = aws_client(
        "sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    assert sts.get_caller_identity()["UserId"] == user["UserId"]
    assert sts.get_caller_identity()["Arn"] == user["Arn"]
    assert aws_client("sts").get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == ACCOUNT


def test_assume_role(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_ACCOUNT, MaxSessionDuration=7200)[
        "Role"
    ]
    sts = aws_client("sts")
    out = sts.assume_role(
        RoleArn=role["Arn"],
        RoleSessionName="sess",
        DurationSeconds=7200,
        ExternalId="ext-1",
        Tags=[{"Key": "k", "Value": "v"}],
        SourceIdentity="me",
    )
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert out["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role['RoleId']}:sess",
        "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/r/sess",
    }
    assert out["SourceIdentity"] == "me"
    as_role = aws_client(
        "sts",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    ).get_caller_identity()
    assert as_role["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/r/sess"
    assert as_role["UserId"] == f"{role['RoleId']}:sess"
    assert error(
        lambda: sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s2", DurationSeconds=9000)
    ) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    assert "LastUsedDate" in iam.get_role(RoleName="r")["Role"]["RoleLastUsed"]


def test_assume_role_in_another_account(aws_client: Callable[..., Any]) -> None:
    sts = aws_client("sts")
    creds = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/cross", RoleSessionName="xx")[
        "Credentials"
    ]
    other = aws_client(
        "sts",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert other.get_caller_identity()["Account"] == "111111111111"
    assert sts.get_access_key_info(AccessKeyId=creds["AccessKeyId"])["Account"] == "111111111111"
    # what those credentials create lives in that account
    iam = aws_client(
        "iam",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert iam.create_user(UserName="there")["User"]["Arn"] == "arn:aws:iam::111111111111:user/there"
    assert aws_client("iam").list_users()["Users"] == []


def test_assume_role_with_web_identity(aws_client: Callable[..., Any]) -> None:
    claims = {"sub": "user-123", "aud": "my-client", "iss": "https://issuer.example.com"}
    token = "e30." + base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=") + ".sig"
    out = aws_client("sts").assume_role_with_web_identity(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/web", RoleSessionName="ww", WebIdentityToken=token
    )
    assert (out["SubjectFromWebIdentityToken"], out["Audience"], out["Provider"]) == (
        "user-123",
        "my-client",
        "issuer.example.com",
    )
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/ww"


def test_assume_role_with_saml(aws_client: Callable[..., Any]) -> None:
    assertion = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Issuer>http://idp.example.com/</saml:Issuer>'
        '<saml:Assertion><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">'
        "subject-1</saml:NameID></saml:Subject><saml:AttributeStatement>"
        '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
        "<saml:AttributeValue>jane</saml:AttributeValue></saml:Attribute>"
        "</saml:AttributeStatement></saml:Assertion></samlp:Response>"
    )
    out = aws_client("sts").assume_role_with_saml(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/saml",
        PrincipalArn=f"arn:aws:iam::{ACCOUNT}:saml-provider/idp",
        SAMLAssertion=base64.b64encode(assertion.encode()).decode(),
    )
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/saml/jane"
    assert (out["Subject"], out["SubjectType"], out["Issuer"]) == (
        "subject-1",
        "transient",
        "http://idp.example.com/",
    )


def test_session_and_federation_tokens(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="fed")
    key = iam.create_access_key(UserName="fed")["AccessKey"]
    sts = aws_client(
        "sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    token = sts.get_session_token()["Credentials"]
    assert token["AccessKeyId"].startswith("ASIA")
    as_session = aws_client(
        "sts",
        aws_access_key_id=token["AccessKeyId"],
        aws_secret_access_key=token["SecretAccessKey"],
        aws_session_token=token["SessionToken"],
    )
    assert as_session.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/fed"
    fed = sts.get_federation_token(
        Name="bob",
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )
    assert fed["FederatedUser"] == {
        "FederatedUserId": f"{ACCOUNT}:bob",
        "Arn": f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
    }
    assert error(lambda: sts.get_session_token(DurationSeconds=200000))[0] == "ValidationError"


def test_decode_authorization_message(aws_client: Callable[..., Any]) -> None:
    sts = aws_client("sts")
    message = json.dumps({"allowed": False})
    assert (
        sts.decode_authorization_message(EncodedMessage=base64.b64encode(message.encode()).decode())[
            "DecodedMessage"
        ]
        == message
    )
    assert error(lambda: sts.decode_authorization_message(EncodedMessage="!!!"))[0] == (
        "InvalidAuthorizationMessageException"
    )
