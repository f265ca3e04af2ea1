"""IAM users, groups, membership, login profiles, paths and pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.iam.helpers import ACCOUNT, error


def test_user_lifecycle(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    user = iam.create_user(UserName="alice", Path="/team/", Tags=[{"Key": "k", "Value": "v"}])["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/alice"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    got = iam.get_user(UserName="alice")["User"]
    assert (got["Path"], got["Tags"]) == ("/team/", [{"Key": "k", "Value": "v"}])
    assert error(lambda: iam.create_user(UserName="ALICE")) == (
        "EntityAlreadyExists",
        "User with name ALICE already exists.",
    )
    iam.update_user(UserName="alice", NewUserName="alicia", NewPath="/ops/")
    assert iam.get_user(UserName="alicia")["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ops/alicia"
    assert error(lambda: iam.get_user(UserName="alice")) == (
        "NoSuchEntity",
        "The user with name alice cannot be found.",
    )
    iam.tag_user(UserName="alicia", Tags=[{"Key": "x", "Value": "1"}])
    iam.untag_user(UserName="alicia", TagKeys=["k"])
    assert iam.list_user_tags(UserName="alicia")["Tags"] == [{"Key": "x", "Value": "1"}]
    iam.delete_user(UserName="alicia")
    assert iam.list_users()["Users"] == []


def test_get_user_without_name_is_the_caller(aws_client: Callable[..., Any]) -> None:
    user = aws_client("iam").get_user()["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_path_prefix_and_pagination(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    for i in range(5):
        iam.create_user(UserName=f"u{i}", Path="/a/" if i % 2 else "/b/")
    assert [u["UserName"] for u in iam.list_users(PathPrefix="/a/")["Users"]] == ["u1", "u3"]
    first = iam.list_users(MaxItems=2)
    assert first["IsTruncated"] and len(first["Users"]) == 2
    rest = iam.list_users(Marker=first["Marker"], MaxItems=10)
    assert not rest["IsTruncated"]
    assert [u["UserName"] for u in first["Users"] + rest["Users"]] == [f"u{i}" for i in range(5)]
    pages = iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})
    assert len([u for page in pages for u in page["Users"]]) == 5


def test_groups_and_membership(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    group = iam.create_group(GroupName="devs", Path="/eng/")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/eng/devs"
    iam.create_user(UserName="bob")
    iam.add_user_to_group(GroupName="devs", UserName="bob")
    got = iam.get_group(GroupName="devs")
    assert [u["UserName"] for u in got["Users"]] == ["bob"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="bob")["Groups"]] == ["devs"]
    assert error(lambda: iam.delete_group(GroupName="devs"))[0] == "DeleteConflict"
    assert error(lambda: iam.delete_user(UserName="bob"))[0] == "DeleteConflict"
    iam.remove_user_from_group(GroupName="devs", UserName="bob")
    iam.update_group(GroupName="devs", NewGroupName="developers")
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/eng/")["Groups"]] == ["developers"]
    iam.delete_group(GroupName="developers")
    assert error(lambda: iam.get_group(GroupName="developers")) == (
        "NoSuchEntity",
        "The group with name developers cannot be found.",
    )


def test_login_profile(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="carol")
    profile = iam.create_login_profile(UserName="carol", Password="Secret-123", PasswordResetRequired=True)
    assert profile["LoginProfile"]["PasswordResetRequired"] is True
    assert error(lambda: iam.create_login_profile(UserName="carol", Password="x"))[0] == "EntityAlreadyExists"
    iam.update_login_profile(UserName="carol", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="carol")["LoginProfile"]["PasswordResetRequired"] is False
    assert error(lambda: iam.delete_user(UserName="carol")) == (
        "DeleteConflict",
        "Cannot delete entity, must delete login profile first.",
    )
    iam.delete_login_profile(UserName="carol")
    assert error(lambda: iam.get_login_profile(UserName="carol")) == (
        "NoSuchEntity",
        "Login Profile for User carol cannot be found.",
    )
    iam.delete_user(UserName="carol")


def test_account_password_policy(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    assert error(iam.get_account_password_policy)[0] == "NoSuchEntity"
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireNumbers=True, MaxPasswordAge=90)
    got = iam.get_account_password_policy()["PasswordPolicy"]
    assert (got["MinimumPasswordLength"], got["RequireNumbers"], got["ExpirePasswords"]) == (12, True, True)
    iam.create_user(UserName="dan")
    assert (
        error(lambda: iam.create_login_profile(UserName="dan", Password="short1"))[0]
        == "PasswordPolicyViolation"
    )
    iam.delete_account_password_policy()
