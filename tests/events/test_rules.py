"""Buses, rules and targets as a user of EventBridge sees them."""

from __future__ import annotations

import json
from typing import Any

from .conftest import error_of

PATTERN = json.dumps({"source": ["my.app"]})


def test_default_bus_exists_and_custom_buses_come_and_go(events: Any) -> None:
    default = events.describe_event_bus()
    assert default["Name"] == "default"
    assert default["Arn"] == "arn:aws:events:us-east-1:123456789012:event-bus/default"
    arn = events.create_event_bus(Name="orders", Description="d")["EventBusArn"]
    assert arn.endswith(":event-bus/orders")
    assert error_of(lambda: events.create_event_bus(Name="orders")) == (
        "ResourceAlreadyExistsException",
        "Event bus orders already exists.",
    )
    names = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
    assert names == ["default", "orders"]
    assert [b["Name"] for b in events.list_event_buses(NamePrefix="ord")["EventBuses"]] == ["orders"]
    page = events.list_event_buses(Limit=1)
    assert len(page["EventBuses"]) == 1 and page["NextToken"]
    assert events.list_event_buses(Limit=1, NextToken=page["NextToken"])["EventBuses"][0]["Name"] == "orders"
    assert error_of(lambda: events.delete_event_bus(Name="default"))[0] == "ValidationException"
    events.delete_event_bus(Name="orders")
    assert error_of(lambda: events.describe_event_bus(Name="orders")) == (
        "ResourceNotFoundException",
        "Event bus orders does not exist.",
    )


def test_put_rule_validates_patterns_and_schedules(events: Any) -> None:
    assert error_of(lambda: events.put_rule(Name="r"))[1] == (
        "Parameter(s) EventPattern or ScheduleExpression must be specified."
    )
    code, message = error_of(lambda: events.put_rule(Name="r", EventPattern="{not json"))
    assert code == "InvalidEventPatternException" and message.startswith(
        "Event pattern is not valid. Reason: "
    )
    assert error_of(lambda: events.put_rule(Name="r", EventPattern=json.dumps({"source": "x"})))[0] == (
        "InvalidEventPatternException"
    )
    for bad in ("rate(1 minutes)", "rate(0 minutes)", "cron(0 12 * * * *)", "cron(0 12 * *)", "every day"):
        assert error_of(lambda bad=bad: events.put_rule(Name="r", ScheduleExpression=bad)) == (
            "ValidationException",
            "Parameter ScheduleExpression is not valid.",
        )
    events.create_event_bus(Name="custom")
    assert (
        error_of(
            lambda: events.put_rule(Name="r", ScheduleExpression="rate(5 minutes)", EventBusName="custom")
        )[1]
        == "ScheduleExpression is supported only on the default event bus."
    )
    arn = events.put_rule(Name="r", ScheduleExpression="cron(0/15 8-17 ? * MON-FRI *)", State="DISABLED")[
        "RuleArn"
    ]
    assert arn == "arn:aws:events:us-east-1:123456789012:rule/r"
    rule = events.describe_rule(Name="r")
    assert rule["State"] == "DISABLED" and rule["EventBusName"] == "default"
    custom = events.put_rule(Name="r", EventPattern=PATTERN, EventBusName="custom")["RuleArn"]
    assert custom == "arn:aws:events:us-east-1:123456789012:rule/custom/r"


def test_list_rules_pages_by_prefix_and_state_changes(events: Any) -> None:
    for name in ("a1", "a2", "a3", "b1"):
        events.put_rule(Name=name, EventPattern=PATTERN)
    first = events.list_rules(NamePrefix="a", Limit=2)
    assert [r["Name"] for r in first["Rules"]] == ["a1", "a2"]
    rest = events.list_rules(NamePrefix="a", Limit=2, NextToken=first["NextToken"])
    assert [r["Name"] for r in rest["Rules"]] == ["a3"] and "NextToken" not in rest
    events.disable_rule(Name="a1")
    assert events.describe_rule(Name="a1")["State"] == "DISABLED"
    events.enable_rule(Name="a1")
    assert events.describe_rule(Name="a1")["State"] == "ENABLED"
    assert error_of(lambda: events.enable_rule(Name="zz")) == (
        "ResourceNotFoundException",
        "Rule zz does not exist on EventBus default.",
    )


def test_targets_and_delete_rule_refused_while_targets_exist(events: Any) -> None:
    events.put_rule(Name="r", EventPattern=PATTERN)
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    out = events.put_targets(
        Rule="r",
        Targets=[
            {"Id": "t1", "Arn": queue, "InputPath": "$.detail"},
            {"Id": "t2", "Arn": "arn:aws:sqs:us-east-1:123456789012:q.fifo"},
        ],
    )
    assert out["FailedEntryCount"] == 1 and out["FailedEntries"][0]["TargetId"] == "t2"
    code, message = error_of(
        lambda: events.put_targets(
            Rule="r", Targets=[{"Id": "x", "Arn": queue, "Input": "{}", "InputPath": "$"}]
        )
    )
    assert (code, message) == (
        "ValidationException",
        "Only one of Input, InputPath, or InputTransformer must be provided.",
    )
    assert (
        error_of(
            lambda: events.put_targets(Rule="r", Targets=[{"Id": f"n{i}", "Arn": queue} for i in range(5)])
        )[0]
        == "LimitExceededException"
    )
    listed = events.list_targets_by_rule(Rule="r")["Targets"]
    assert listed == [{"Id": "t1", "Arn": queue, "InputPath": "$.detail"}]
    assert events.list_rule_names_by_target(TargetArn=queue)["RuleNames"] == ["r"]
    assert error_of(lambda: events.delete_rule(Name="r")) == (
        "ValidationException",
        "Rule can't be deleted since it has targets.",
    )
    events.remove_targets(Rule="r", Ids=["t1"])
    events.delete_rule(Name="r")
    assert error_of(lambda: events.describe_rule(Name="r"))[0] == "ResourceNotFoundException"


def test_permissions_make_the_bus_policy(events: Any) -> None:
    events.put_permission(Action="events:PutEvents", Principal="111122223333", StatementId="s1")
    policy = json.loads(events.describe_event_bus()["Policy"])
    assert policy["Statement"] == [
        {
            "Sid": "s1",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "events:PutEvents",
            "Resource": "arn:aws:events:us-east-1:123456789012:event-bus/default",
        }
    ]
    assert (
        error_of(
            lambda: events.put_permission(
                Action="events:PutEvents", Principal="111122223333", StatementId="s1"
            )
        )[0]
        == "ResourceAlreadyExistsException"
    )
    assert error_of(lambda: events.remove_permission(StatementId="nope")) == (
        "ResourceNotFoundException",
        "Statement with the provided id does not exist.",
    )
    events.remove_permission(StatementId="s1")
    assert "Policy" not in events.describe_event_bus()


def test_tags_of_rules_and_buses(events: Any) -> None:
    arn = events.create_event_bus(Name="tagged", Tags=[{"Key": "team", "Value": "a"}])["EventBusArn"]
    rule = events.put_rule(Name="r", EventPattern=PATTERN, Tags=[{"Key": "k", "Value": "v"}])["RuleArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
    assert sorted(t["Key"] for t in events.list_tags_for_resource(ResourceARN=arn)["Tags"]) == ["env", "team"]
    events.untag_resource(ResourceARN=rule, TagKeys=["k"])
    assert events.list_tags_for_resource(ResourceARN=rule)["Tags"] == []
    missing = "arn:aws:events:us-east-1:123456789012:rule/none"
    assert (
        error_of(lambda: events.list_tags_for_resource(ResourceARN=missing))[0] == "ResourceNotFoundException"
    )


def test_dashboard_lists_buses_and_rules_with_targets(app: Any, events: Any) -> None:
    import falcon.testing

    from tests.dashboard.conftest import group

    events.create_event_bus(Name="orders")
    events.put_rule(Name="r", EventPattern=PATTERN, EventBusName="orders")
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    events.put_targets(Rule="r", EventBusName="orders", Targets=[{"Id": "t1", "Arn": queue}])
    body = falcon.testing.TestClient(app).simulate_get("/_awsmock/dashboard/events/resources").json
    assert [row["name"] for row in group(body, "buses")["items"]] == ["orders"]
    (rule,) = group(body, "rules")["items"]
    assert (rule["bus"], rule["state"], rule["targets"]) == ("orders", "ENABLED", {"t1": queue})
