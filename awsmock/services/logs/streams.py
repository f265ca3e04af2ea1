"""Log streams: CreateLogStream, DeleteLogStream, DescribeLogStreams (by name or by last event
time, either way up or down, as keyset pages of Logs' stream table)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, or_, select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.logs import LogEvent, LogStream

from .errors import InvalidParameterException, ResourceAlreadyExistsException, invalid_token
from .lookup import check_group_name, check_stream_name, group, group_of, millis, starts, stream, stream_arn


@handler("logs", "CreateLogStream")
def create_log_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    name = check_stream_name(params["logStreamName"])
    found = ctx.session.scalar(
        select(LogStream.id).where(LogStream.group_id == grp.pk, LogStream.name == name)
    )
    if found is not None:
        raise ResourceAlreadyExistsException("The specified log stream already exists")
    ctx.session.add(LogStream(group_id=grp.pk, account_id=ctx.account_id, name=name, created=millis(ctx)))
    ctx.session.flush()
    return {}


@handler("logs", "DeleteLogStream")
def delete_log_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    row = stream(ctx, grp, check_stream_name(params["logStreamName"]))
    ctx.session.execute(delete(LogEvent).where(LogEvent.stream_id == row.id))
    ctx.session.delete(row)
    return {}


def describe(ctx: RequestContext, group_name: str, row: LogStream) -> dict[str, Any]:
    out: dict[str, Any] = {
        "logStreamName": row.name,
        "creationTime": row.created,
        "arn": stream_arn(ctx, group_name, row.name),
        "storedBytes": row.stored_bytes,
    }
    if row.first_event is not None:
        out["firstEventTimestamp"] = row.first_event
        out["lastEventTimestamp"] = row.last_event
    if row.last_ingestion is not None:
        out["lastIngestionTime"] = row.last_ingestion
    return out


@handler("logs", "DescribeLogStreams")
def describe_log_streams(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group_of(ctx, params)
    order = params.get("orderBy") or "LogStreamName"
    prefix = params.get("logStreamNamePrefix")
    if order == "LastEventTime" and prefix is not None:
        raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
    descending = bool(params.get("descending"))
    limit = params.get("limit") or 50
    keys = (LogStream.name,) if order == "LogStreamName" else (LogStream.last_event, LogStream.name)
    scope = f"DescribeLogStreams:{grp.pk}:{order}:{int(descending)}:{prefix or ''}"
    stmt = select(LogStream).where(LogStream.group_id == grp.pk)
    if prefix:
        stmt = stmt.where(starts(LogStream.name, prefix))
    token = params.get("nextToken")
    if token:
        after = pager.decode(token, scope, invalid_token)
        kinds = (str,) if len(keys) == 1 else (int, str)
        if len(after) != len(keys) or not all(type(v) is k for v, k in zip(after, kinds, strict=False)):
            raise invalid_token()
        stmt = stmt.where(_beyond(keys, after, descending))
    ordering = [k.desc() if descending else k.asc() for k in keys]
    rows = list(ctx.session.scalars(stmt.order_by(*ordering).limit(limit + 1)))
    out: dict[str, Any] = {"logStreams": [describe(ctx, grp.rid, r) for r in rows[:limit]]}
    if len(rows) > limit:
        last = rows[limit - 1]
        values = [last.name] if len(keys) == 1 else [last.last_event, last.name]
        out["nextToken"] = pager.encode(scope, values)
    return out


def _beyond(keys: tuple[Any, ...], after: list[Any], descending: bool) -> Any:
    """Rows after ``after`` in the listing's order (a keyset condition either way)."""

    def past(column: Any, value: Any) -> Any:
        return column < value if descending else column > value

    if len(keys) == 1:
        return past(keys[0], after[0])
    return or_(past(keys[0], after[0]), and_(keys[0] == after[0], past(keys[1], after[1])))
