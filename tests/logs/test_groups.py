"""Log groups and streams: names, ARNs, retention, classes, KMS keys, tags, listings."""

from __future__ import annotations

from typing import Any

from tests.logs.conftest import error_of, now_ms

ACCOUNT = "123456789012"


def test_create_describe_delete_group(logs: Any) -> None:
    logs.create_log_group(logGroupName="/app/one", tags={"team": "a"}, logGroupClass="INFREQUENT_ACCESS")
    code, message = error_of(lambda: logs.create_log_group(logGroupName="/app/one"))
    assert (code, message) == ("ResourceAlreadyExistsException", "The specified log group already exists")
    g = logs.describe_log_groups(logGroupNamePrefix="/app/one")["logGroups"][0]
    assert g["arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/one:*"
    assert g["logGroupArn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/one"
    assert (g["logGroupClass"], g["storedBytes"], g["metricFilterCount"]) == ("INFREQUENT_ACCESS", 0, 0)
    assert "retentionInDays" not in g
    assert logs.list_tags_log_group(logGroupName="/app/one")["tags"] == {"team": "a"}
    assert logs.list_tags_for_resource(resourceArn=g["arn"])["tags"] == {"team": "a"}
    logs.delete_log_group(logGroupName="/app/one")
    code, message = error_of(lambda: logs.delete_log_group(logGroupName="/app/one"))
    assert (code, message) == ("ResourceNotFoundException", "The specified log group does not exist.")
    assert logs.describe_log_groups()["logGroups"] == []


def test_name_rules(logs: Any) -> None:
    code, message = error_of(lambda: logs.create_log_group(logGroupName="bad name!"))
    assert code == "InvalidParameterException"
    assert message == (
        "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
    )
    logs.create_log_group(logGroupName="g")
    assert error_of(lambda: logs.create_log_stream(logGroupName="g", logStreamName="a:b"))[0] == (
        "InvalidParameterException"
    )
    assert error_of(lambda: logs.create_log_group(logGroupName="x" * 513))[0] == "ValidationException"


def test_retention_and_kms(logs: Any, aws_client: Any) -> None:
    logs.create_log_group(logGroupName="r")
    code, message = error_of(lambda: logs.put_retention_policy(logGroupName="r", retentionInDays=2))
    assert code == "InvalidParameterException"
    assert "Member must satisfy enum value set: [1, 3, 5, 7, 14, 30," in message
    logs.put_retention_policy(logGroupName="r", retentionInDays=7)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 7
    logs.delete_retention_policy(logGroupName="r")
    assert "retentionInDays" not in logs.describe_log_groups()["logGroups"][0]
    key = aws_client("kms").create_key()["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="k", kmsKeyId=key)
    assert logs.describe_log_groups(logGroupNamePrefix="k")["logGroups"][0]["kmsKeyId"] == key
    missing = key.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    assert error_of(lambda: logs.associate_kms_key(logGroupName="r", kmsKeyId=missing))[0] == (
        "InvalidParameterException"
    )
    logs.associate_kms_key(logGroupName="r", kmsKeyId=key)
    logs.disassociate_kms_key(logGroupName="r")
    assert "kmsKeyId" not in logs.describe_log_groups(logGroupNamePrefix="r")["logGroups"][0]


def test_listing_prefix_pattern_paging(logs: Any) -> None:
    for name in ["/a/x1", "/a/x2", "/a/Y3", "/b/x4", "/b/y5"]:
        logs.create_log_group(logGroupName=name)
    names = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/a/")["logGroups"]]
    assert names == ["/a/Y3", "/a/x1", "/a/x2"]
    by_pattern = logs.describe_log_groups(logGroupNamePattern="y")["logGroups"]  # case-sensitive
    assert by_pattern == [
        {"logGroupName": "/b/y5", "creationTime": by_pattern[0]["creationTime"], "arn": by_pattern[0]["arn"]}
    ]
    assert logs.describe_log_groups(logGroupNamePrefix="/A/")["logGroups"] == []
    code, _ = error_of(lambda: logs.describe_log_groups(logGroupNamePrefix="/a", logGroupNamePattern="x"))
    assert code == "InvalidParameterException"
    seen, token = [], None
    while True:
        page = logs.describe_log_groups(limit=2, **({"nextToken": token} if token else {}))
        seen += [g["logGroupName"] for g in page["logGroups"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == ["/a/Y3", "/a/x1", "/a/x2", "/b/x4", "/b/y5"]
    assert error_of(lambda: logs.describe_log_groups(nextToken="bogus"))[0] == "InvalidParameterException"
    listed = logs.list_log_groups(logGroupNamePattern="^/b/")["logGroups"]
    assert [g["logGroupName"] for g in listed] == ["/b/x4", "/b/y5"]


def test_deletion_protection(logs: Any) -> None:
    logs.create_log_group(logGroupName="p", deletionProtectionEnabled=True)
    assert error_of(lambda: logs.delete_log_group(logGroupName="p"))[0] == "InvalidOperationException"
    logs.put_log_group_deletion_protection(logGroupIdentifier="p", deletionProtectionEnabled=False)
    logs.delete_log_group(logGroupName="p")


def test_streams_order_and_times(logs: Any) -> None:
    logs.create_log_group(logGroupName="g")
    for name in ["b", "a", "c"]:
        logs.create_log_stream(logGroupName="g", logStreamName=name)
    code, message = error_of(lambda: logs.create_log_stream(logGroupName="g", logStreamName="a"))
    assert (code, message) == ("ResourceAlreadyExistsException", "The specified log stream already exists")
    now = now_ms()
    logs.put_log_events(
        logGroupName="g", logStreamName="c", logEvents=[{"timestamp": now - 50, "message": "x"}]
    )
    logs.put_log_events(
        logGroupName="g",
        logStreamName="a",
        logEvents=[{"timestamp": now - 10, "message": "hello"}, {"timestamp": now, "message": "yo"}],
    )
    streams = logs.describe_log_streams(logGroupName="g")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["a", "b", "c"]
    a = streams[0]
    assert (a["firstEventTimestamp"], a["lastEventTimestamp"], a["storedBytes"]) == (now - 10, now, 7)
    assert a["arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:g:log-stream:a"
    assert "lastIngestionTime" in a and "firstEventTimestamp" not in streams[1]
    recent = logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", descending=True, limit=1)
    assert recent["logStreams"][0]["logStreamName"] == "a"
    nxt = logs.describe_log_streams(
        logGroupName="g", orderBy="LastEventTime", descending=True, limit=1, nextToken=recent["nextToken"]
    )
    assert nxt["logStreams"][0]["logStreamName"] == "c"
    down = logs.describe_log_streams(logGroupName="g", descending=True, logStreamNamePrefix="b")
    assert [s["logStreamName"] for s in down["logStreams"]] == ["b"]
    code, _ = error_of(
        lambda: logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", logStreamNamePrefix="a")
    )
    assert code == "InvalidParameterException"
    assert logs.describe_log_groups()["logGroups"][0]["storedBytes"] == 8
    by_arn = logs.describe_log_streams(logGroupIdentifier=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:g:*")
    assert len(by_arn["logStreams"]) == 3
    logs.delete_log_stream(logGroupName="g", logStreamName="a")
    code, message = error_of(lambda: logs.delete_log_stream(logGroupName="g", logStreamName="a"))
    assert (code, message) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_tags_both_apis(logs: Any) -> None:
    logs.create_log_group(logGroupName="t")
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:t"
    logs.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    logs.untag_log_group(logGroupName="t", tags=["a"])
    logs.tag_log_group(logGroupName="t", tags={"c": "3"})
    assert logs.list_tags_for_resource(resourceArn=arn + ":*")["tags"] == {"b": "2", "c": "3"}
    logs.untag_resource(resourceArn=arn, tagKeys=["b"])
    assert logs.list_tags_log_group(logGroupName="t")["tags"] == {"c": "3"}
    too_many = {f"k{i}": "v" for i in range(50)}
    assert error_of(lambda: logs.tag_resource(resourceArn=arn, tags=too_many))[0] == "TooManyTagsException"
    assert logs.list_tags_log_group(logGroupName="t")["tags"] == {"c": "3"}
    missing = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:nope"
    assert (
        error_of(lambda: logs.list_tags_for_resource(resourceArn=missing))[0] == "ResourceNotFoundException"
    )
