"""Logs Insights: StartQuery (the query runs at once over the stored events: its status is
Complete when first read), GetQueryResults, StopQuery, DescribeQueries; query definitions
(PutQueryDefinition, DescribeQueryDefinitions, DeleteQueryDefinition); GetLogGroupFields."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource
from awsmock.models.logs import LogEvent, LogStream

from . import insights
from .errors import (
    InvalidParameterException,
    LimitExceededException,
    MalformedQueryException,
    invalid_token,
)
from .lookup import (
    QUERIES,
    QUERY_DEFINITIONS,
    group,
    group_of,
    millis,
    name_of_identifier,
    retention_cutoff,
)

#: the most events one query reads
MAX_SCANNED = 200_000
MAX_QUERIES_KEPT = 1000


def _groups(ctx: RequestContext, params: dict[str, Any]) -> list[Resource]:
    given = [m for m in ("logGroupName", "logGroupNames", "logGroupIdentifiers") if params.get(m)]
    if len(given) > 1:
        raise InvalidParameterException(
            "Exactly one of logGroupName, logGroupNames or logGroupIdentifiers may be specified."
        )
    if not given:
        raise InvalidParameterException(
            "One of logGroupName, logGroupNames or logGroupIdentifiers must be specified."
        )
    member = given[0]
    names = [params[member]] if member == "logGroupName" else list(params[member])
    if len(names) > 50:
        raise LimitExceededException("A query can search at most 50 log groups.")
    out = []
    for name in names:
        if not isinstance(name, str):
            raise InvalidParameterException("Invalid log group name.")
        group_name, account = name_of_identifier(ctx, name)
        out.append(group(ctx, group_name if account in (None, ctx.account_id) else "\0"))
    return out


def _records(ctx: RequestContext, grp: Resource, start_ms: int, end_ms: int, budget: int) -> list[Any]:
    cutoff = retention_cutoff(ctx, grp)
    if cutoff is not None:
        start_ms = max(start_ms, cutoff)
    rows = list(
        ctx.session.execute(
            select(
                LogEvent.id,
                LogEvent.group_id,
                LogEvent.stream_id,
                LogEvent.timestamp,
                LogEvent.ingestion,
                LogEvent.message,
            )
            .where(LogEvent.group_id == grp.pk, LogEvent.timestamp >= start_ms, LogEvent.timestamp <= end_ms)
            .order_by(LogEvent.timestamp, LogEvent.id)
            .limit(budget)
        )
    )
    names: dict[Any, Any] = dict(
        ctx.session.execute(select(LogStream.id, LogStream.name).where(LogStream.group_id == grp.pk)).all()
    )
    log = f"{grp.account_id}:{grp.rid}"
    return [insights.record(r, names.get(r.stream_id, ""), log) for r in rows]


@handler("logs", "StartQuery")
def start_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    language = params.get("queryLanguage") or "CWLI"
    if language != "CWLI":
        raise InvalidParameterException(f"Query language {language} is not supported.")
    groups = _groups(ctx, params)
    start, end = params["startTime"], params["endTime"]
    if end < start:
        raise InvalidParameterException("endTime must be greater than or equal to startTime.")
    text = params["queryString"]
    try:
        query = insights.parse_query(text)
    except RecursionError:
        raise MalformedQueryException("The query is nested too deeply.") from None
    except insights.QueryError as exc:
        raise MalformedQueryException(
            exc.message,
            queryCompileError={
                "location": {"startCharOffset": exc.offset, "endCharOffset": exc.offset + 1},
                "message": exc.message,
            },
        ) from None
    records: list[insights.Record] = []
    for grp in groups:
        records.extend(_records(ctx, grp, start * 1000, end * 1000 + 999, MAX_SCANNED - len(records)))
    scanned = len(records)
    scanned_bytes = sum(len(r["@message"].encode()) for r in records)
    rows, matched = insights.run(query, records, params.get("limit") or 10_000)
    query_id = str(uuid.uuid4())
    QUERIES.create(
        ctx,
        rid=query_id,
        name=query_id,
        state="Complete",
        document={
            "queryId": query_id,
            "queryString": text,
            "queryLanguage": language,
            "status": "Complete",
            "createTime": millis(ctx),
            "logGroupName": groups[0].rid,
            "results": insights.shape_rows(query, rows),
            "statistics": {
                "recordsMatched": float(matched),
                "recordsScanned": float(scanned),
                "bytesScanned": float(scanned_bytes),
            },
        },
    )
    return {"queryId": query_id}


@handler("logs", "GetQueryResults")
def get_query_results(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = QUERIES.get(ctx, params["queryId"]).document
    rows = doc["results"]
    out: dict[str, Any] = {
        "queryLanguage": doc.get("queryLanguage", "CWLI"),
        "statistics": doc["statistics"],
        "status": doc["status"],
    }
    if params.get("maxItems") or params.get("nextToken"):
        numbered = list(enumerate(rows))
        page = pager.page_list(
            numbered,
            key=lambda item: item[0],
            limit=params.get("maxItems") or 10_000,
            token=params.get("nextToken"),
            scope=f"GetQueryResults:{doc['queryId']}",
            invalid=invalid_token,
        )
        rows = [row for _, row in page.rows]
        if page.token:
            out["nextToken"] = page.token
    out["results"] = rows
    return out


@handler("logs", "StopQuery")
def stop_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = QUERIES.get(ctx, params["queryId"])
    # a query runs when it starts: there is never a running one to stop
    return {"success": row.document["status"] in ("Scheduled", "Running")}


@handler("logs", "DescribeQueries")
def describe_queries(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = [
        r
        for r in pager_all(ctx, QUERIES, state=params.get("status"))
        if not params.get("logGroupName") or r.document.get("logGroupName") == params["logGroupName"]
    ]
    rows.sort(key=lambda r: (-r.document["createTime"], r.rid))
    page = pager.page_list(
        rows,
        key=lambda r: (-r.document["createTime"], r.rid),
        limit=params.get("maxResults") or 1000,
        token=params.get("nextToken"),
        scope=f"DescribeQueries:{params.get('status') or ''}:{params.get('logGroupName') or ''}",
        invalid=invalid_token,
    )
    out: dict[str, Any] = {
        "queries": [
            {
                k: r.document[k]
                for k in ("queryLanguage", "queryId", "queryString", "status", "createTime", "logGroupName")
                if k in r.document
            }
            for r in page.rows
        ]
    }
    if page.token:
        out["nextToken"] = page.token
    return out


def pager_all(ctx: RequestContext, kind: Any, state: str | None = None) -> list[Resource]:
    rows: list[Resource] = []
    token = None
    while True:
        page = kind.page(ctx, limit=1000, token=token, invalid=invalid_token, state=state)
        rows.extend(page.rows)
        token = page.token
        if token is None or len(rows) >= MAX_QUERIES_KEPT * 10:
            return rows


# -- query definitions ---------------------------------------------------------------------------


@handler("logs", "PutQueryDefinition")
def put_query_definition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    language = params.get("queryLanguage") or "CWLI"
    doc: dict[str, Any] = {
        "queryLanguage": language,
        "name": params["name"],
        "queryString": params["queryString"],
        "lastModified": millis(ctx),
        "logGroupNames": list(params.get("logGroupNames") or []),
    }
    if params.get("parameters"):
        doc["parameters"] = params["parameters"]
    if language == "CWLI":
        try:
            insights.parse_query(params["queryString"])
        except insights.QueryError as exc:
            raise MalformedQueryException(exc.message) from None
        except RecursionError:
            raise MalformedQueryException("The query is nested too deeply.") from None
    ident = params.get("queryDefinitionId")
    if ident:
        row = QUERY_DEFINITIONS.get(ctx, ident)
        QUERY_DEFINITIONS.update(ctx, row, document={**doc, "queryDefinitionId": ident}, name=params["name"])
        return {"queryDefinitionId": ident}
    ident = str(uuid.uuid4())
    QUERY_DEFINITIONS.create(
        ctx, rid=ident, name=params["name"], document={**doc, "queryDefinitionId": ident}
    )
    return {"queryDefinitionId": ident}


@handler("logs", "DescribeQueryDefinitions")
def describe_query_definitions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = pager_all(ctx, QUERY_DEFINITIONS)
    prefix = params.get("queryDefinitionNamePrefix")
    language = params.get("queryLanguage")
    rows = [
        r
        for r in rows
        if (not prefix or (r.name or "").startswith(prefix))
        and (not language or r.document.get("queryLanguage") == language)
    ]
    rows.sort(key=lambda r: (r.name or "", r.rid))
    page = pager.page_list(
        rows,
        key=lambda r: (r.name or "", r.rid),
        limit=params.get("maxResults") or 1000,
        token=params.get("nextToken"),
        scope=f"DescribeQueryDefinitions:{prefix or ''}:{language or ''}",
        invalid=invalid_token,
    )
    out: dict[str, Any] = {"queryDefinitions": [dict(r.document) for r in page.rows]}
    if page.token:
        out["nextToken"] = page.token
    return out


@handler("logs", "DeleteQueryDefinition")
def delete_query_definition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    QUERY_DEFINITIONS.delete(ctx, QUERY_DEFINITIONS.get(ctx, params["queryDefinitionId"]))
    return {"success": True}


# -- GetLogGroupFields ---------------------------------------------------------------------------

FIELDS_SAMPLE = 1000


@handler("logs", "GetLogGroupFields")
def get_log_group_fields(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group_of(ctx, params)
    end = (params["time"] * 1000) if params.get("time") is not None else millis(ctx)
    records = _records(ctx, grp, end - 15 * 60_000, end, FIELDS_SAMPLE)
    if not records:
        return {"logGroupFields": []}
    counts: dict[str, int] = {}
    for r in records:
        for name in r.complete():
            if name not in ("__ts", "@ptr"):
                counts[name] = counts.get(name, 0) + 1
    return {
        "logGroupFields": [
            {"name": name, "percent": round(100 * n / len(records))} for name, n in sorted(counts.items())
        ]
    }
