"""Groups: creation with names, filter expressions and Insights settings checked, reads by name
or ARN, listing, updates, deletion, tags."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.xray.conftest import error_of

ACCOUNT = "123456789012"


def test_a_group_round_trip(xray: Any) -> None:
    group = xray.create_group(
        GroupName="errors", FilterExpression="error OR fault",
        InsightsConfiguration={"InsightsEnabled": True}, Tags=[{"Key": "k", "Value": "v"}],
    )["Group"]
    assert re.fullmatch(rf"arn:aws:xray:us-east-1:{ACCOUNT}:group/errors/[A-Z0-9]{{32}}", group["GroupARN"])
    assert group["InsightsConfiguration"] == {"InsightsEnabled": True, "NotificationsEnabled": False}
    assert xray.get_group(GroupARN=group["GroupARN"])["Group"] == group
    assert xray.get_group(GroupName="errors")["Group"] == group
    assert xray.list_tags_for_resource(ResourceARN=group["GroupARN"])["Tags"] == [{"Key": "k", "Value": "v"}]
    xray.create_group(GroupName="all")
    assert [g["GroupName"] for g in xray.get_groups()["Groups"]] == ["all", "errors"]
    updated = xray.update_group(GroupName="errors", FilterExpression="fault",
                                InsightsConfiguration={"NotificationsEnabled": True})["Group"]
    assert updated["FilterExpression"] == "fault"
    assert updated["InsightsConfiguration"] == {"InsightsEnabled": True, "NotificationsEnabled": True}
    xray.delete_group(GroupARN=group["GroupARN"])
    assert error_of(lambda: xray.get_group(GroupName="errors")) == ("InvalidRequestException", "Group not found")
    assert [g["GroupName"] for g in xray.get_groups()["Groups"]] == ["all"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"GroupName": "bad name"}, "Invalid group name"),
        ({"GroupName": "Default"}, "Invalid group name"),
        ({"GroupName": "g", "FilterExpression": "nonsense ==="}, "Invalid filter expression"),
        ({"GroupName": "g", "InsightsConfiguration": {"NotificationsEnabled": True}}, "Notifications can only"),
    ],
)
def test_bad_groups_are_refused_and_not_made(xray: Any, kw: dict[str, Any], message: str) -> None:
    code, text = error_of(lambda: xray.create_group(**kw))
    assert code == "InvalidRequestException" and text.startswith(message)
    assert xray.get_groups()["Groups"] == []


def test_group_names_are_unique_and_lookups_need_a_name_or_arn(xray: Any) -> None:
    xray.create_group(GroupName="g")
    assert error_of(lambda: xray.create_group(GroupName="g")) == ("InvalidRequestException", "Group already exists")
    assert error_of(lambda: xray.get_group())[0] == "InvalidRequestException"
    assert error_of(lambda: xray.update_group(GroupName="g", FilterExpression="((("))[1].startswith(
        "Invalid filter expression")
    assert "FilterExpression" not in xray.get_group(GroupName="g")["Group"]


def test_tags_on_groups_follow_the_limits(xray: Any) -> None:
    arn = xray.create_group(GroupName="t")["Group"]["GroupARN"]
    xray.tag_resource(ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    code, _ = error_of(lambda: xray.tag_resource(ResourceARN=arn, Tags=[{"Key": "one-more", "Value": "v"}]))
    assert code == "TooManyTagsException"
    xray.untag_resource(ResourceARN=arn, TagKeys=[f"k{i}" for i in range(1, 50)])
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k0", "Value": "v"}]
    missing = arn.replace("group/t/", "group/u/")
    assert error_of(lambda: xray.tag_resource(ResourceARN=missing, Tags=[{"Key": "a", "Value": "b"}]))[0] == (
        "ResourceNotFoundException")
