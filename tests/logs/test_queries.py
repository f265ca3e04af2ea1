"""Logs Insights queries over stored events, query definitions, export tasks to S3."""

from __future__ import annotations

import gzip
import json
from typing import Any

from tests.logs.conftest import error_of, now_ms


def _fill(logs: Any, group: str) -> int:
    now = now_ms()
    events = [
        {"timestamp": now - 60_000 + i, "message": json.dumps({"level": lvl, "ms": ms, "path": path})}
        for i, (lvl, ms, path) in enumerate(
            [
                ("INFO", 10, "/a"),
                ("ERROR", 50, "/a"),
                ("INFO", 30, "/b"),
                ("ERROR", 70, "/b"),
                ("INFO", 20, "/a"),
            ]
        )
    ]
    events.append({"timestamp": now - 1000, "message": "user=ann action=login"})
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=events)
    return now


def _results(logs: Any, group: str, query: str) -> tuple[list[dict[str, str]], dict[str, Any]]:
    now = now_ms() // 1000
    qid = logs.start_query(logGroupName=group, startTime=now - 3600, endTime=now + 60, queryString=query)[
        "queryId"
    ]
    out = logs.get_query_results(queryId=qid)
    assert out["status"] == "Complete"
    rows = [{f["field"]: f["value"] for f in row if f["field"] != "@ptr"} for row in out["results"]]
    assert all(row[-1]["field"] == "@ptr" for row in out["results"] if "stats" not in query)
    return rows, out["statistics"]


def test_insights_commands(logs: Any, group: str) -> None:
    _fill(logs, group)
    rows, stats = _results(
        logs, group, "fields @timestamp, level, ms | filter level = 'ERROR' | sort ms desc"
    )
    assert [(r["level"], r["ms"]) for r in rows] == [("ERROR", "70"), ("ERROR", "50")]
    assert stats["recordsMatched"] == 2.0 and stats["recordsScanned"] == 6.0
    rows, _ = _results(logs, group, "stats count(*) as n, avg(ms) as mean, max(ms) by path | sort path")
    assert rows == [
        {"path": "/a", "n": "3", "mean": "26.666666666666668", "max(ms)": "50"},
        {"path": "/b", "n": "2", "mean": "50", "max(ms)": "70"},
    ]
    rows, _ = _results(logs, group, "filter ms > 15 and path like /b/ | stats sum(ms) as total")
    assert rows == [{"total": "100"}]
    rows, _ = _results(
        logs,
        group,
        'parse @message "user=* action=*" as user, action | filter ispresent(action) | display user, action',
    )
    assert rows == [{"user": "ann", "action": "login"}]
    rows, _ = _results(logs, group, "fields ms | sort @timestamp asc | limit 2")
    assert [r["ms"] for r in rows] == ["10", "50"]
    qid = logs.describe_queries()["queries"][0]["queryId"]
    first = logs.get_query_results(queryId=qid, maxItems=1)
    rest = logs.get_query_results(queryId=qid, maxItems=1, nextToken=first["nextToken"])
    assert len(first["results"]) == len(rest["results"]) == 1 and "nextToken" not in rest
    code, _ = error_of(
        lambda: logs.start_query(
            logGroupName=group, startTime=0, endTime=10, queryString="fields a | bogus b"
        )
    )
    assert code == "MalformedQueryException"
    assert (
        error_of(
            lambda: logs.start_query(logGroupName="nope", startTime=0, endTime=10, queryString="fields a")
        )[0]
        == "ResourceNotFoundException"
    )
    listed = logs.describe_queries(logGroupName=group, status="Complete")["queries"]
    assert len(listed) == 5 and all(q["status"] == "Complete" for q in listed)
    assert logs.stop_query(queryId=listed[0]["queryId"])["success"] is False
    assert error_of(lambda: logs.get_query_results(queryId="nope"))[0] == "ResourceNotFoundException"
    fields = {f["name"] for f in logs.get_log_group_fields(logGroupName=group)["logGroupFields"]}
    assert {"@timestamp", "@message", "level", "ms", "path"} <= fields


def test_query_definitions(logs: Any) -> None:
    qid = logs.put_query_definition(name="errors/recent", queryString="filter level = 'ERROR'")[
        "queryDefinitionId"
    ]
    logs.put_query_definition(name="other", queryString="fields @message")
    logs.put_query_definition(
        queryDefinitionId=qid, name="errors/latest", queryString="filter level = 'ERROR'"
    )
    found = logs.describe_query_definitions(queryDefinitionNamePrefix="errors/")["queryDefinitions"]
    assert [(d["name"], d["queryDefinitionId"]) for d in found] == [("errors/latest", qid)]
    assert logs.delete_query_definition(queryDefinitionId=qid)["success"] is True
    assert (
        error_of(lambda: logs.delete_query_definition(queryDefinitionId=qid))[0]
        == "ResourceNotFoundException"
    )


def test_export_to_s3(logs: Any, group: str, aws_client: Any) -> None:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="exports")
    now = _fill(logs, group)
    code, _ = error_of(
        lambda: logs.create_export_task(logGroupName=group, fromTime=0, to=now, destination="nobucket")
    )
    assert code == "InvalidParameterException"
    task = logs.create_export_task(
        taskName="t",
        logGroupName=group,
        fromTime=now - 60_000,
        to=now - 59_997,
        destination="exports",
        destinationPrefix="out",
    )["taskId"]
    described = logs.describe_export_tasks(taskId=task)["exportTasks"][0]
    assert described["status"]["code"] == "COMPLETED" and described["destinationPrefix"] == "out"
    body = s3.get_object(Bucket="exports", Key=f"out/{task}/s/000000.gz")["Body"].read()
    lines = gzip.decompress(body).decode().splitlines()
    assert len(lines) == 3 and lines[0].endswith('"path": "/a"}') and lines[0][:4].isdigit()
    assert error_of(lambda: logs.cancel_export_task(taskId=task))[0] == "InvalidOperationException"


def test_insights_bins_and_operators(logs: Any, group: str) -> None:
    _fill(logs, group)
    rows, _ = _results(logs, group, "filter ispresent(level) | stats count(*) as n by bin(1h)")
    assert (
        len(rows) in (1, 2)
        and sum(int(r["n"]) for r in rows) == 5
        and rows[0]["bin(1h)"].endswith(":00:00.000")
    )
    rows, _ = _results(
        logs, group, "filter path in ['/b'] or level not like /INFO/ | stats count_distinct(path) as p"
    )
    assert rows == [{"p": "2"}]
    rows, _ = _results(
        logs, group, "fields ms * 2 as double | filter double >= 100 | sort double | display double"
    )
    assert [r["double"] for r in rows] == ["100", "140"]
