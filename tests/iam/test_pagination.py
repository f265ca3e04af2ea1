"""IAM's List* operations page with Markers: every item once, in the listing's order, the
Marker present exactly when IsTruncated, and Markers that only continue their own listing."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from tests.iam.helpers import ACCOUNT, TRUST_EC2, allow, doc, error
from tests.iam.test_credentials import self_signed

#: keyset pages in PostgreSQL's order
pytestmark = pytest.mark.modes("postgres")

POLICY = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
#: the longest Marker IAM's model accepts
MAX_MARKER = 320

Listing = Callable[..., dict[str, Any]]


def _pages(call: Listing, key: str, size: int) -> list[list[Any]]:
    """Every page of ``call``, ``size`` items at a time, following the Markers."""
    pages: list[list[Any]] = []
    marker: dict[str, str] = {}
    while True:
        out = call(MaxItems=size, **marker)
        assert out["IsTruncated"] == ("Marker" in out), out
        pages.append(out[key])
        if not out["IsTruncated"]:
            return pages
        assert len(out["Marker"]) <= MAX_MARKER
        marker = {"Marker": out["Marker"]}


def _names(items: list[Any]) -> list[Any]:
    """What identifies each listed item (a name, or the item itself)."""
    if not items or not isinstance(items[0], dict):
        return items
    ids = ("AccessKeyId", "SSHPublicKeyId", "CertificateId", "SerialNumber", "VersionId", "Key")
    names = ("UserName", "GroupName", "RoleName", "InstanceProfileName", "PolicyName")
    field = next(f for f in (*ids, *names) if f in items[0])
    return [i[field] for i in items]


def test_a_listing_longer_than_max_items_pages_through_all_of_it(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    names = [f"user-{i:02d}" for i in range(7)]
    for name in reversed(names):
        iam.create_user(UserName=name)
    pages = _pages(iam.list_users, "Users", 3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [u["UserName"] for p in pages for u in p] == names
    assert iam.list_users()["IsTruncated"] is False and "Marker" not in iam.list_users()
    paginated = iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})
    assert [u["UserName"] for page in paginated for u in page["Users"]] == names


def _seed(iam: Any) -> dict[str, tuple[Listing, str]]:
    """Six or more of everything each listing lists; its call and result key."""
    users = [f"u{i}" for i in range(6)]
    for name in users:
        iam.create_user(UserName=name, Path="/p/")
    iam.create_group(GroupName="g")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST_EC2)
    policy = iam.create_policy(PolicyName="pv", PolicyDocument=POLICY)["Policy"]["Arn"]
    for _ in range(2, 6):
        iam.create_policy_version(PolicyArn=policy, PolicyDocument=POLICY)
    for i in range(6):
        iam.create_group(GroupName=f"g{i}")
        iam.add_user_to_group(GroupName="g", UserName=users[i])
        iam.add_user_to_group(GroupName=f"g{i}", UserName="u0")
        iam.create_role(RoleName=f"r{i}", AssumeRolePolicyDocument=TRUST_EC2)
        iam.create_instance_profile(InstanceProfileName=f"ip{i}")
        attached = iam.create_policy(PolicyName=f"pol{i}", PolicyDocument=POLICY)["Policy"]["Arn"]
        iam.attach_user_policy(UserName="u0", PolicyArn=attached)
        iam.attach_user_policy(UserName=users[i], PolicyArn=policy)
        iam.attach_group_policy(GroupName=f"g{i}", PolicyArn=policy)
        iam.attach_role_policy(RoleName=f"r{i}", PolicyArn=policy)
        iam.put_user_policy(UserName="u0", PolicyName=f"inline{i}", PolicyDocument=POLICY)
        iam.tag_user(UserName="u0", Tags=[{"Key": f"k{5 - i}", "Value": str(i)}])
        iam.create_virtual_mfa_device(VirtualMFADeviceName=f"mfa{i}")
        body = base64.b64encode(b"ssh-rsa key %d" % i).decode()
        iam.upload_ssh_public_key(UserName=users[i // 2], SSHPublicKeyBody=f"ssh-rsa {body}")
    iam.attach_user_policy(UserName="u0", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_access_key(UserName="u1")
    iam.create_access_key(UserName="u1")
    for i in (5, 4, 3):  # enabled in the reverse of their serial numbers' order
        serial = f"arn:aws:iam::{ACCOUNT}:mfa/mfa{i}"
        iam.enable_mfa_device(
            UserName="u2", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
        )
    for _ in range(2):
        iam.upload_signing_certificate(UserName="u3", CertificateBody=self_signed()[0])
    return {
        "ListUsers": (lambda **kw: iam.list_users(PathPrefix="/p/", **kw), "Users"),
        "GetGroup": (lambda **kw: iam.get_group(GroupName="g", **kw), "Users"),
        "ListGroups": (iam.list_groups, "Groups"),
        "ListGroupsForUser": (lambda **kw: iam.list_groups_for_user(UserName="u0", **kw), "Groups"),
        "ListRoles": (iam.list_roles, "Roles"),
        "ListInstanceProfiles": (iam.list_instance_profiles, "InstanceProfiles"),
        "ListPolicies": (iam.list_policies, "Policies"),
        "ListPolicies(Local)": (lambda **kw: iam.list_policies(Scope="Local", **kw), "Policies"),
        "ListPolicies(OnlyAttached)": (lambda **kw: iam.list_policies(OnlyAttached=True, **kw), "Policies"),
        "ListPolicyVersions": (lambda **kw: iam.list_policy_versions(PolicyArn=policy, **kw), "Versions"),
        "ListAttachedUserPolicies": (
            lambda **kw: iam.list_attached_user_policies(UserName="u0", **kw),
            "AttachedPolicies",
        ),
        "ListUserPolicies": (lambda **kw: iam.list_user_policies(UserName="u0", **kw), "PolicyNames"),
        "ListUserTags": (lambda **kw: iam.list_user_tags(UserName="u0", **kw), "Tags"),
        "ListEntitiesForPolicy(Users)": (
            lambda **kw: iam.list_entities_for_policy(PolicyArn=policy, EntityFilter="User", **kw),
            "PolicyUsers",
        ),
        "ListVirtualMFADevices": (iam.list_virtual_mfa_devices, "VirtualMFADevices"),
        "ListSSHPublicKeys": (iam.list_ssh_public_keys, "SSHPublicKeys"),
        "ListAccessKeys": (lambda **kw: iam.list_access_keys(UserName="u1", **kw), "AccessKeyMetadata"),
        "ListMFADevices": (lambda **kw: iam.list_mfa_devices(UserName="u2", **kw), "MFADevices"),
        "ListSigningCertificates": (
            lambda **kw: iam.list_signing_certificates(UserName="u3", **kw),
            "Certificates",
        ),
    }


def test_every_listing_pages_in_order_without_repeats(aws_client: Callable[..., Any]) -> None:
    """On every backend: the keys each listing pages by give its whole order, page after page."""
    listings = _seed(aws_client("iam"))
    for name, (call, key) in listings.items():
        whole = _names(call(MaxItems=1000)[key])
        assert len(set(map(str, whole))) == len(whole) >= 2, name
        for size in (1, 2, 5):
            pages = _pages(call, key, size)
            assert all(len(p) == size for p in pages[:-1]) and 0 < len(pages[-1]) <= size, name
            assert [n for p in pages for n in _names(p)] == whole, (name, size)


def test_orders_are_the_listings_own(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    listings = _seed(iam)

    def paged(name: str) -> list[Any]:
        call, key = listings[name]
        return [n for p in _pages(call, key, 2) for n in _names(p)]

    assert paged("ListPolicyVersions") == ["v5", "v4", "v3", "v2", "v1"]
    # added k5 first, k0 last: IAM lists tags "sorted by tag key"
    assert paged("ListUserTags") == [f"k{i}" for i in range(6)]
    assert paged("ListUserPolicies") == [f"inline{i}" for i in range(6)]
    # devices as they were enabled, not by serial number
    assert paged("ListMFADevices") == [f"arn:aws:iam::{ACCOUNT}:mfa/mfa{i}" for i in (5, 4, 3)]
    assert paged("ListAttachedUserPolicies") == [*(f"pol{i}" for i in range(6)), "pv", "ReadOnlyAccess"]
    entities = iam.list_entities_for_policy(PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/pv", MaxItems=7)
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [f"g{i}" for i in range(6)]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["r0"] and entities["PolicyUsers"] == []
    rest = iam.list_entities_for_policy(
        PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/pv", Marker=entities["Marker"], MaxItems=100
    )
    assert [r["RoleName"] for r in rest["PolicyRoles"]] == [f"r{i}" for i in range(1, 6)]
    assert [u["UserName"] for u in rest["PolicyUsers"]] == [f"u{i}" for i in range(6)]


def test_a_page_goes_on_after_the_last_item_shown(inprocess_client: Callable[..., Any]) -> None:
    """Users deleted or created behind the Marker neither shift nor repeat the next page."""
    iam = inprocess_client("iam")
    for i in range(6):
        iam.create_user(UserName=f"u{i}")
    first = iam.list_users(MaxItems=3)
    iam.delete_user(UserName="u0")
    iam.create_user(UserName="a-new-one")
    rest = iam.list_users(Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["u3", "u4", "u5"]


def test_markers_continue_only_their_own_listing(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    for i in range(3):
        iam.create_group(GroupName=f"g{i}")
    for i in range(3):
        iam.create_user(UserName=f"u{i}")
        iam.add_user_to_group(GroupName="g0", UserName=f"u{i}")
        iam.add_user_to_group(GroupName="g1", UserName=f"u{i}")
    users = iam.list_users(MaxItems=1)["Marker"]
    members = iam.get_group(GroupName="g0", MaxItems=1)["Marker"]
    invalid = ("InvalidInput", "Invalid Marker.")
    assert error(lambda: iam.list_groups(Marker=users)) == invalid
    assert error(lambda: iam.get_group(GroupName="g1", Marker=members)) == invalid
    assert error(lambda: iam.list_users(Marker="not-a-marker")) == invalid
    assert error(lambda: iam.list_users(Marker="1")) == invalid
    assert [u["UserName"] for u in iam.get_group(GroupName="g0", Marker=members)["Users"]] == ["u1", "u2"]


def test_markers_of_the_longest_names_fit_iams_limit(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    users, policies = [c * 64 for c in "abc"], [c * 128 for c in "abc"]  # as long as IAM allows
    for user, name in zip(users, policies, strict=True):
        iam.create_user(UserName=user)
        policy = iam.create_policy(PolicyName=name, PolicyDocument=POLICY)["Policy"]["Arn"]
        iam.attach_user_policy(UserName=users[0], PolicyArn=policy)
    assert [u["UserName"] for p in _pages(iam.list_users, "Users", 1) for u in p] == users
    local = _pages(lambda **kw: iam.list_policies(Scope="Local", **kw), "Policies", 1)
    assert [p["PolicyName"] for page in local for p in page] == policies
    attached = _pages(
        lambda **kw: iam.list_attached_user_policies(UserName=users[0], **kw), "AttachedPolicies", 1
    )
    assert [p["PolicyName"] for page in attached for p in page] == policies


def test_entities_for_a_policy_are_the_callers_accounts(inprocess_client: Callable[..., Any]) -> None:
    """An AWS managed policy attached in two accounts lists each account's own entities."""
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    for account, user in (("111122223333", "theirs"), (ACCOUNT, "ours")):
        iam = inprocess_client("iam", aws_access_key_id=account)
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
    listed = inprocess_client("iam").list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in listed["PolicyUsers"]] == ["ours"]
