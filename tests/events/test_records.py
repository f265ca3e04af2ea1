"""Archives, replays, connections and API destinations as records."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from awsmock.engine import outbox
from awsmock.models.awsmock import OutboxEntry

from .conftest import error_of

BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"


def test_archives_count_matching_events(events: Any) -> None:
    arn = events.create_archive(
        ArchiveName="a", EventSourceArn=BUS, EventPattern=json.dumps({"source": ["keep"]}), RetentionDays=3
    )["ArchiveArn"]
    assert arn == "arn:aws:events:us-east-1:123456789012:archive/a"
    assert error_of(lambda: events.create_archive(ArchiveName="a", EventSourceArn=BUS))[0] == (
        "ResourceAlreadyExistsException"
    )
    missing_bus = BUS.replace("default", "nope")
    assert error_of(lambda: events.create_archive(ArchiveName="b", EventSourceArn=missing_bus)) == (
        "ResourceNotFoundException",
        "Event bus nope does not exist.",
    )
    events.put_events(
        Entries=[
            {"Source": "keep", "DetailType": "x", "Detail": "{}"},
            {"Source": "drop", "DetailType": "x", "Detail": "{}"},
        ]
    )
    archive = events.describe_archive(ArchiveName="a")
    assert (archive["EventCount"], archive["RetentionDays"], archive["State"]) == (1, 3, "ENABLED")
    assert archive["SizeBytes"] > 0
    events.update_archive(ArchiveName="a", RetentionDays=7)
    assert [a["RetentionDays"] for a in events.list_archives(NamePrefix="a")["Archives"]] == [7]
    assert error_of(lambda: events.update_archive(ArchiveName="a", EventPattern="[]"))[0] == (
        "InvalidEventPatternException"
    )
    now = dt.datetime.now(dt.UTC)
    code, message = error_of(
        lambda: events.start_replay(
            ReplayName="r",
            EventSourceArn=arn,
            EventStartTime=now,
            EventEndTime=now - dt.timedelta(hours=1),
            Destination={"Arn": BUS},
        )
    )
    assert (code, message) == (
        "ValidationException",
        "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
    )
    replay = events.start_replay(
        ReplayName="r",
        EventSourceArn=arn,
        EventStartTime=now - dt.timedelta(hours=2),
        EventEndTime=now - dt.timedelta(hours=1),
        Destination={"Arn": BUS},
    )
    assert replay["State"] == "STARTING"
    assert events.describe_replay(ReplayName="r")["Destination"] == {"Arn": BUS}
    assert [r["ReplayName"] for r in events.list_replays()["Replays"]] == ["r"]
    assert error_of(lambda: events.cancel_replay(ReplayName="r"))[0] == "IllegalStatusException"
    events.delete_archive(ArchiveName="a")
    assert error_of(lambda: events.describe_archive(ArchiveName="a")) == (
        "ResourceNotFoundException",
        "Archive a does not exist.",
    )


def test_connections_hide_secrets_and_api_destinations_need_one(events: Any) -> None:
    assert (
        error_of(
            lambda: events.create_connection(
                Name="c",
                AuthorizationType="BASIC",
                AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}},
            )
        )[1]
        == "Parameter(s) BasicAuthParameters must be specified for authorization type BASIC."
    )
    conn = events.create_connection(
        Name="c",
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-key", "ApiKeyValue": "secret"}},
    )
    assert conn["ConnectionState"] == "AUTHORIZED"
    described = events.describe_connection(Name="c")
    assert described["AuthParameters"] == {"ApiKeyAuthParameters": {"ApiKeyName": "x-key"}}
    assert "secret" not in json.dumps(described, default=str)
    events.deauthorize_connection(Name="c")
    assert events.list_connections(ConnectionState="DEAUTHORIZED")["Connections"][0]["Name"] == "c"
    missing = conn["ConnectionArn"] + "x"
    assert (
        error_of(
            lambda: events.create_api_destination(
                Name="d", ConnectionArn=missing, InvocationEndpoint="https://example.com", HttpMethod="POST"
            )
        )[0]
        == "ResourceNotFoundException"
    )
    dest = events.create_api_destination(
        Name="d",
        ConnectionArn=conn["ConnectionArn"],
        InvocationEndpoint="https://example.com/x",
        HttpMethod="POST",
    )
    assert dest["ApiDestinationState"] == "ACTIVE"
    events.update_api_destination(Name="d", InvocationRateLimitPerSecond=10)
    got = events.describe_api_destination(Name="d")
    assert (got["InvocationRateLimitPerSecond"], got["HttpMethod"]) == (10, "POST")
    listed = events.list_api_destinations(ConnectionArn=conn["ConnectionArn"])["ApiDestinations"]
    assert [d["Name"] for d in listed] == ["d"]
    events.delete_api_destination(Name="d")
    assert events.delete_connection(Name="c")["ConnectionState"] == "DELETING"
    assert error_of(lambda: events.describe_connection(Name="c"))[0] == "ResourceNotFoundException"


def test_lambda_targets_of_a_missing_function_fail_in_the_outbox(events: Any, store: Any) -> None:
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["my.app"]}))
    fn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    events.put_targets(Rule="r", Targets=[{"Id": "l", "Arn": fn}])
    out = events.put_events(Entries=[{"Source": "my.app", "DetailType": "x", "Detail": "{}"}])
    assert out["FailedEntryCount"] == 0
    deadline = time.monotonic() + 5
    while True:  # the worker (or this drain) tries it once
        outbox.drain(store)
        with store.session(write=False) as session:
            rows = session.execute(
                select(OutboxEntry.kind, OutboxEntry.payload, OutboxEntry.last_error)
            ).all()
        if (rows and rows[0][2]) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert [(kind, payload["function"]) for kind, payload, _ in rows] == [("events.lambda", fn)]
    assert "did not take the event: not-found" in (rows[0][2] or "")


def test_partner_event_sources_reach_the_customer_bus(
    aws_client: Callable[..., Any],
    new_queue: Callable[..., tuple[str, str]],
    received: Callable[[str], list[Any]],
) -> None:
    customer = aws_client("events")
    partner = aws_client("events", aws_access_key_id="AKIAPARTNER000000001", aws_secret_access_key="x")
    source = "aws.partner/saas.example/123/orders"
    arn = partner.create_partner_event_source(Name=source, Account="123456789012")["EventSourceArn"]
    assert arn == f"arn:aws:events:us-east-1::event-source/{source}"
    seen = customer.describe_event_source(Name=source)
    assert (seen["State"], seen["CreatedBy"]) == ("PENDING", "saas.example")
    assert [
        s["Name"] for s in customer.list_event_sources(NamePrefix="aws.partner/saas")["EventSources"]
    ] == [source]
    assert error_of(
        lambda: customer.create_event_bus(
            Name="aws.partner/saas.example/123/other", EventSourceName="aws.partner/saas.example/123/other"
        )
    )[0] == ("ResourceNotFoundException")
    customer.create_event_bus(Name=source, EventSourceName=source)
    assert customer.describe_event_source(Name=source)["State"] == "ACTIVE"
    url, queue = new_queue()
    customer.put_rule(Name="p", EventBusName=source, EventPattern=json.dumps({"source": [source]}))
    customer.put_targets(Rule="p", EventBusName=source, Targets=[{"Id": "q", "Arn": queue}])
    entry = {"Source": source, "DetailType": "Order", "Detail": '{"n": 1}'}
    out = partner.put_partner_events(Entries=[entry, {**entry, "Source": "aws.partner/not/mine"}])
    assert (
        out["FailedEntryCount"] == 1 and out["Entries"][1]["ErrorCode"] == "NotAuthorizedForSourceException"
    )
    (event,) = received(url)
    assert (event["source"], event["account"], event["detail"]) == (source, "123456789012", {"n": 1})
    accounts = partner.list_partner_event_source_accounts(EventSourceName=source)[
        "PartnerEventSourceAccounts"
    ]
    assert [(a["Account"], a["State"]) for a in accounts] == [("123456789012", "ACTIVE")]
    partner.delete_partner_event_source(Name=source, Account="123456789012")
    assert error_of(lambda: customer.describe_event_source(Name=source))[0] == "ResourceNotFoundException"


def test_global_endpoints_as_records(events: Any) -> None:
    check = "arn:aws:route53:::healthcheck/abc"
    buses = [
        {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/b"},
        {"EventBusArn": "arn:aws:events:us-west-2:123456789012:event-bus/b"},
    ]
    routing = {"FailoverConfig": {"Primary": {"HealthCheck": check}, "Secondary": {"Route": "us-west-2"}}}
    role = "arn:aws:iam::123456789012:role/r"
    same_region = [buses[0], buses[0]]
    assert (
        error_of(
            lambda: events.create_endpoint(
                Name="e", RoutingConfig=routing, EventBuses=same_region, RoleArn=role
            )
        )[0]
        == "ValidationException"
    )
    created = events.create_endpoint(Name="e", RoutingConfig=routing, EventBuses=buses, RoleArn=role)
    assert (created["State"], created["Arn"]) == (
        "CREATING",
        "arn:aws:events:us-east-1:123456789012:endpoint/e",
    )
    got = events.describe_endpoint(Name="e")
    assert (
        got["State"] == "ACTIVE"
        and got["EndpointUrl"] == f"https://{got['EndpointId']}.endpoint.events.amazonaws.com"
    )
    events.update_endpoint(Name="e", ReplicationConfig={"State": "DISABLED"})
    assert events.list_endpoints(NamePrefix="e")["Endpoints"][0]["ReplicationConfig"] == {"State": "DISABLED"}
    events.delete_endpoint(Name="e")
    assert error_of(lambda: events.describe_endpoint(Name="e"))[0] == "ResourceNotFoundException"
