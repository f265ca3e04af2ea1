"""Access control: ``events:<Operation>`` on the bus (``event-bus/NAME``) or rule
(``rule/[BUS/]NAME``) ARN, and the bus policy as the resource policy of PutEvents."""

from __future__ import annotations

import json
from typing import Any

from tests.auth.test_access_control import allow, policy, user_with_key
from tests.events.conftest import error_of

BUS = "arn:aws:events:us-east-1:123456789012:event-bus/"
RULE = "arn:aws:events:us-east-1:123456789012:rule/"


def test_iam_actions_on_buses_and_rules_and_bus_policies(clients: Any) -> None:
    iam, events = clients("iam"), clients("events")
    events.create_event_bus(Name="mine")
    events.create_event_bus(Name="shared")
    events.put_rule(Name="r", EventPattern='{"source": ["a"]}', EventBusName="mine")
    writer = user_with_key(
        iam,
        "writer",
        policy(allow("events:PutEvents", BUS + "mine"), allow("events:DescribeRule", RULE + "mine/r")),
    )
    stranger = user_with_key(iam, "stranger")
    events.put_permission(
        EventBusName="shared",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "stranger",
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:user/stranger"},
                        "Action": "events:PutEvents",
                        "Resource": BUS + "shared",
                    }
                ],
            }
        ),
    )
    clients.on()
    as_writer, as_stranger = clients("events", writer), clients("events", stranger)
    entry = {"Source": "a", "DetailType": "t", "Detail": "{}"}
    assert as_writer.put_events(Entries=[{**entry, "EventBusName": "mine"}])["FailedEntryCount"] == 0
    assert as_writer.describe_rule(Name="r", EventBusName="mine")["Name"] == "r"
    code, message = error_of(lambda: as_writer.put_events(Entries=[{**entry, "EventBusName": "shared"}]))
    assert code == "AccessDeniedException" and "events:PutEvents" in message
    assert (
        error_of(lambda: as_writer.delete_rule(Name="r", EventBusName="mine"))[0] == "AccessDeniedException"
    )
    assert as_stranger.put_events(Entries=[{**entry, "EventBusName": "shared"}])["FailedEntryCount"] == 0
    assert error_of(lambda: as_stranger.put_events(Entries=[{**entry, "EventBusName": "mine"}]))[0] == (
        "AccessDeniedException"
    )
