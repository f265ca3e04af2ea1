"""Tags of IAM's entities: created with them, tagged and untagged (keys in any case), listed by
key, shown by Get*, gone with the entity, carried by a rename, and read as the principal's tags
when a policy asks for ``aws:PrincipalTag``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

import awsmock
from awsmock.auth import set_initial_no_auth_action_count
from awsmock.state.store import Store
from tests.iam.helpers import ACCOUNT, TRUST_EC2, allow, doc, error
from tests.iam.test_credentials import self_signed

Tags = list[dict[str, str]]
Ids = dict[str, str]
POLICY = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
SAML = '<EntityDescriptor validUntil="2030-01-01T00:00:00Z">' + "x" * 1000 + "</EntityDescriptor>"
LIMIT = ("LimitExceeded", "The number of tags has reached the maximum limit.")


def tags(**pairs: str) -> Tags:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


@dataclass
class Kind:
    """One taggable kind of IAM entity: how a client makes one called ``name``, reads the tags
    its Get* (or listing) shows, and deletes it."""

    op: str  # Tag<op>, Untag<op>, List<op>Tags, in boto3's spelling
    create: Callable[[Any, str, Tags], Ids]
    shown: Callable[[Any, Ids], Tags | None]
    delete: Callable[[Any, Ids], Any]

    def tag(self, iam: Any, ids: Ids, new: Tags) -> None:
        getattr(iam, f"tag_{self.op}")(**ids, Tags=new)

    def untag(self, iam: Any, ids: Ids, keys: list[str]) -> None:
        getattr(iam, f"untag_{self.op}")(**ids, TagKeys=keys)

    def listed(self, iam: Any, ids: Ids) -> Tags:
        out = getattr(iam, f"list_{self.op}_tags")(**ids)
        assert out["IsTruncated"] is False
        return list(out["Tags"])


def _server_certificate(iam: Any, name: str, new: Tags) -> Ids:
    body, key, _ = self_signed()
    iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=body, PrivateKey=key, Tags=new)
    return {"ServerCertificateName": name}


def _virtual_mfa_tags(iam: Any, ids: Ids) -> Tags | None:
    devices = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    return next(d for d in devices if d["SerialNumber"] == ids["SerialNumber"]).get("Tags")


KINDS = {
    "user": Kind(
        "user",
        lambda iam, name, new: (iam.create_user(UserName=name, Tags=new), {"UserName": name})[1],
        lambda iam, ids: iam.get_user(**ids)["User"].get("Tags"),
        lambda iam, ids: iam.delete_user(**ids),
    ),
    "role": Kind(
        "role",
        lambda iam, name, new: (
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_EC2, Tags=new),
            {"RoleName": name},
        )[1],
        lambda iam, ids: iam.get_role(**ids)["Role"].get("Tags"),
        lambda iam, ids: iam.delete_role(**ids),
    ),
    "policy": Kind(
        "policy",
        lambda iam, name, new: {
            "PolicyArn": iam.create_policy(PolicyName=name, PolicyDocument=POLICY, Tags=new)["Policy"]["Arn"]
        },
        lambda iam, ids: iam.get_policy(**ids)["Policy"].get("Tags"),
        lambda iam, ids: iam.delete_policy(**ids),
    ),
    "instance profile": Kind(
        "instance_profile",
        lambda iam, name, new: (
            iam.create_instance_profile(InstanceProfileName=name, Tags=new),
            {"InstanceProfileName": name},
        )[1],
        lambda iam, ids: iam.get_instance_profile(**ids)["InstanceProfile"].get("Tags"),
        lambda iam, ids: iam.delete_instance_profile(**ids),
    ),
    "server certificate": Kind(
        "server_certificate",
        _server_certificate,
        lambda iam, ids: iam.get_server_certificate(**ids)["ServerCertificate"].get("Tags"),
        lambda iam, ids: iam.delete_server_certificate(**ids),
    ),
    "SAML provider": Kind(
        "saml_provider",
        lambda iam, name, new: {
            "SAMLProviderArn": iam.create_saml_provider(Name=name, SAMLMetadataDocument=SAML, Tags=new)[
                "SAMLProviderArn"
            ]
        },
        lambda iam, ids: iam.get_saml_provider(**ids).get("Tags"),
        lambda iam, ids: iam.delete_saml_provider(**ids),
    ),
    "OIDC provider": Kind(
        "open_id_connect_provider",
        lambda iam, name, new: {
            "OpenIDConnectProviderArn": iam.create_open_id_connect_provider(
                Url=f"https://{name}.example.com", ThumbprintList=["a" * 40], Tags=new
            )["OpenIDConnectProviderArn"]
        },
        lambda iam, ids: iam.get_open_id_connect_provider(**ids).get("Tags"),
        lambda iam, ids: iam.delete_open_id_connect_provider(**ids),
    ),
    "virtual MFA device": Kind(
        "mfa_device",
        lambda iam, name, new: {
            "SerialNumber": iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Tags=new)[
                "VirtualMFADevice"
            ]["SerialNumber"]
        },
        _virtual_mfa_tags,
        lambda iam, ids: iam.delete_virtual_mfa_device(**ids),
    ),
}


@pytest.mark.modes("postgres")
@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_tags_of_every_kind_of_entity(aws_client: Callable[..., Any], kind: Kind) -> None:
    iam = aws_client("iam")
    ids = kind.create(iam, "thing", tags(team="a", env="dev"))
    assert kind.listed(iam, ids) == tags(env="dev", team="a")  # "sorted by tag key"
    assert kind.shown(iam, ids) == tags(env="dev", team="a")
    # a key in another case replaces the one the entity has, and takes the new spelling
    kind.tag(iam, ids, tags(teaM="b", cost="1"))
    assert kind.listed(iam, ids) == tags(cost="1", env="dev", teaM="b")
    assert kind.shown(iam, ids) == tags(cost="1", env="dev", teaM="b")
    kind.untag(iam, ids, ["TEAM", "not-there"])
    assert kind.listed(iam, ids) == tags(cost="1", env="dev")
    kind.untag(iam, ids, ["cost", "env"])
    assert kind.listed(iam, ids) == [] and kind.shown(iam, ids) is None
    kind.tag(iam, ids, tags(left="behind"))
    # an entity made again under the same name starts without the tags of the one deleted
    kind.delete(iam, ids)
    again = kind.create(iam, "thing", [])
    assert again == ids
    assert kind.listed(iam, again) == [] and kind.shown(iam, again) is None


def test_list_tags_pages_by_key(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    iam.create_user(UserName="u", Tags=[{"Key": f"k{i:02d}", "Value": str(i)} for i in reversed(range(7))])
    keys: list[str] = []
    marker: dict[str, str] = {}
    while True:
        page = iam.list_user_tags(UserName="u", MaxItems=3, **marker)
        keys += [t["Key"] for t in page["Tags"]]
        if not page["IsTruncated"]:
            break
        marker = {"Marker": page["Marker"]}
    assert keys == [f"k{i:02d}" for i in range(7)]
    assert error(lambda: iam.list_role_tags(RoleName="nobody")) == (
        "NoSuchEntity",
        "The role with name nobody cannot be found.",
    )


def test_iams_limits_on_tags(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    fifty = [{"Key": f"k{i}", "Value": ""} for i in range(50)]
    code, message = error(
        lambda: iam.create_user(UserName="u", Tags=[*fifty, {"Key": "one-more", "Value": ""}])
    )
    assert code == "ValidationError"
    assert message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )
    assert error(lambda: iam.get_user(UserName="u"))[0] == "NoSuchEntity"  # nothing was created
    assert error(
        lambda: iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2, Tags=tags(a="1", A="2"))
    ) == (
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    )
    iam.create_user(UserName="u", Tags=fifty)
    assert error(lambda: iam.tag_user(UserName="u", Tags=tags(another=""))) == LIMIT
    iam.tag_user(UserName="u", Tags=tags(K0="replaced"))  # still fifty
    listed = iam.list_user_tags(UserName="u", MaxItems=100)["Tags"]
    assert len(listed) == 50 and {"Key": "K0", "Value": "replaced"} in listed
    assert error(lambda: iam.tag_user(UserName="u", Tags=tags(k1="x" * 257)))[0] == "ValidationError"
    assert {"Key": "k1", "Value": ""} in iam.list_user_tags(UserName="u", MaxItems=100)["Tags"]


def test_a_rename_carries_the_tags(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    iam.create_user(UserName="alice", Path="/a/", Tags=tags(team="a"))
    iam.update_user(UserName="alice", NewUserName="alicia", NewPath="/b/")
    assert iam.get_user(UserName="alicia")["User"]["Tags"] == tags(team="a")
    iam.update_user(UserName="alicia", NewUserName="Alicia")  # another ARN, in case only
    assert iam.list_user_tags(UserName="Alicia")["Tags"] == tags(team="a")
    iam.create_user(UserName="alice", Path="/a/")
    assert iam.list_user_tags(UserName="alice")["Tags"] == []
    ids = _server_certificate(iam, "web", tags(env="prod"))
    iam.update_server_certificate(**ids, NewServerCertificateName="www", NewPath="/certs/")
    got = iam.get_server_certificate(ServerCertificateName="www")["ServerCertificate"]
    assert got["ServerCertificateMetadata"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:server-certificate/certs/www"
    assert got["Tags"] == tags(env="prod")
    assert iam.list_server_certificate_tags(ServerCertificateName="www")["Tags"] == tags(env="prod")


def test_each_account_has_its_own_entities_tags(inprocess_client: Callable[..., Any]) -> None:
    ours, theirs = inprocess_client("iam"), inprocess_client("iam", aws_access_key_id="111122223333")
    ours.create_user(UserName="same", Tags=tags(who="us"))
    theirs.create_user(UserName="same", Tags=tags(who="them"))
    theirs.untag_user(UserName="same", TagKeys=["who"])
    assert ours.list_user_tags(UserName="same")["Tags"] == tags(who="us")
    assert theirs.list_user_tags(UserName="same")["Tags"] == []


def test_account_authorization_details_show_the_tags(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    iam.create_user(UserName="tagged", Tags=tags(b="2", a="1"))
    iam.create_user(UserName="plain")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2, Tags=tags(role="yes"))
    details = iam.get_account_authorization_details(Filter=["User", "Role"])
    assert {u["UserName"]: u["Tags"] for u in details["UserDetailList"]} == {
        "plain": [],
        "tagged": tags(a="1", b="2"),
    }
    assert [r["Tags"] for r in details["RoleDetailList"]] == [tags(role="yes")]


def test_resetting_iam_forgets_the_tags(store: Store, inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    iam.create_user(UserName="u", Tags=tags(k="v"))
    store.reset(["iam"])
    iam.create_user(UserName="u")
    assert iam.list_user_tags(UserName="u")["Tags"] == []


def test_a_snapshot_keeps_the_tags_as_they_were() -> None:
    with awsmock.mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="u", Tags=tags(k="v"))
        awsmock.snapshot("iam-tags-kept")
        iam.tag_user(UserName="u", Tags=tags(later="1"))
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2, Tags=tags(x="y"))
        awsmock.restore("iam-tags-kept")
        assert iam.list_user_tags(UserName="u")["Tags"] == tags(k="v")
        assert error(lambda: iam.list_role_tags(RoleName="r"))[0] == "NoSuchEntity"
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2)
        assert iam.list_role_tags(RoleName="r")["Tags"] == []


def test_a_users_tags_are_its_principal_tags(store: Store, inprocess_client: Callable[..., Any]) -> None:
    """``aws:PrincipalTag/team`` in a policy reads the tags the calling user has now."""
    set_initial_no_auth_action_count(store, 3)
    iam = inprocess_client("iam")
    iam.create_user(UserName="bob", Tags=tags(team="blue"))
    statements = [
        {**allow("iam:ListUsers"), "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}},
        allow(["iam:TagUser", "iam:UntagUser"]),
    ]
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    bob = inprocess_client(
        "iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    assert [u["UserName"] for u in bob.list_users()["Users"]] == ["bob"]
    bob.untag_user(UserName="bob", TagKeys=["team"])
    assert error(bob.list_users)[0] == "AccessDenied"
    bob.tag_user(UserName="bob", Tags=tags(team="red"))
    assert error(bob.list_users)[0] == "AccessDenied"
    bob.tag_user(UserName="bob", Tags=tags(team="blue"))
    assert [u["UserName"] for u in bob.list_users()["Users"]] == ["bob"]


def test_deleted_entities_leave_no_tags_in_the_store(
    store: Store, inprocess_client: Callable[..., Any]
) -> None:
    from awsmock.models.resources import Tag

    iam = inprocess_client("iam")
    made = [(kind, kind.create(iam, "gone", tags(k="v"))) for kind in KINDS.values()]
    iam.create_user(UserName="hardware")
    serial = "GAHT12345678"
    iam.enable_mfa_device(
        UserName="hardware", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    iam.tag_mfa_device(SerialNumber=serial, Tags=tags(k="v"))
    with store.session(write=False) as session:
        assert session.query(Tag).filter(Tag.service == "iam").count() == len(KINDS) + 1
    iam.deactivate_mfa_device(UserName="hardware", SerialNumber=serial)  # a hardware device is gone then
    for kind, ids in made:
        kind.delete(iam, ids)
    with store.session(write=False) as session:
        assert session.query(Tag).count() == 0
