"""Export tasks: CreateExportTask copies a group's events in a time range to S3 (through S3's
``internal``), one gzip object per stream under ``<prefix>/<taskId>/<stream>/000000.gz``, each
line ``<ISO 8601 time> <message>``, as AWS writes them; the task is COMPLETED when the call
returns. DescribeExportTasks, CancelExportTask."""

from __future__ import annotations

import datetime as dt
import gzip
import uuid
from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.logs import LogEvent, LogStream
from awsmock.services.s3 import internal as s3

from .errors import InvalidOperationException, InvalidParameterException, invalid_token
from .lookup import EXPORT_TASKS, check_group_name, group, millis, retention_cutoff, starts

DEFAULT_PREFIX = "exportedlogs"
BATCH = 5000


def _iso(ms: int) -> str:
    moment = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


@handler("logs", "CreateExportTask")
def create_export_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    start, end = params["from"], params["to"]
    if end < start:
        raise InvalidParameterException(f"Specified time range of '{start}' and '{end}' is not valid.")
    bucket_name = params["destination"]
    try:
        bucket = s3.owned_bucket(ctx, bucket_name)
    except AwsError:
        raise InvalidParameterException(
            "The given bucket does not exist. Please make sure the bucket is valid."
        ) from None
    prefix = (params.get("destinationPrefix") or DEFAULT_PREFIX).strip("/")
    task_id = str(uuid.uuid4())
    where = [LogEvent.group_id == grp.pk, LogEvent.timestamp >= start, LogEvent.timestamp < end]
    cutoff = retention_cutoff(ctx, grp)
    if cutoff is not None:
        where.append(LogEvent.timestamp >= cutoff)
    streams_stmt = select(LogStream.id, LogStream.name).where(LogStream.group_id == grp.pk)
    if params.get("logStreamNamePrefix"):
        streams_stmt = streams_stmt.where(starts(LogStream.name, params["logStreamNamePrefix"]))
    s3.put_bytes(ctx, bucket, f"{prefix}/aws-logs-write-test", b"Permission Check Successful", "text/plain")
    for stream_id, stream_name in ctx.session.execute(streams_stmt.order_by(LogStream.name)).all():
        lines: list[bytes] = []
        position = (-1, 0)
        while True:
            batch = list(
                ctx.session.execute(
                    select(LogEvent.id, LogEvent.timestamp, LogEvent.message)
                    .where(*where, LogEvent.stream_id == stream_id)
                    .where(
                        (LogEvent.timestamp > position[0])
                        | ((LogEvent.timestamp == position[0]) & (LogEvent.id > position[1]))
                    )
                    .order_by(LogEvent.timestamp, LogEvent.id)
                    .limit(BATCH)
                )
            )
            lines.extend(f"{_iso(e.timestamp)} {e.message}\n".encode() for e in batch)
            if len(batch) < BATCH:
                break
            position = (batch[-1].timestamp, batch[-1].id)
        if lines:
            s3.put_bytes(
                ctx,
                bucket,
                f"{prefix}/{task_id}/{stream_name}/000000.gz",
                gzip.compress(b"".join(lines), mtime=0),
                "application/gzip",
            )
    now = millis(ctx)
    doc: dict[str, Any] = {
        "taskId": task_id,
        "logGroupName": grp.rid,
        "from": start,
        "to": end,
        "destination": bucket_name,
        "destinationPrefix": prefix,
        "status": {"code": "COMPLETED", "message": "Completed successfully"},
        "executionInfo": {"creationTime": now, "completionTime": now},
    }
    if params.get("taskName"):
        doc["taskName"] = params["taskName"]
    EXPORT_TASKS.create(
        ctx, rid=task_id, name=params.get("taskName") or task_id, state="COMPLETED", document=doc
    )
    return {"taskId": task_id}


@handler("logs", "DescribeExportTasks")
def describe_export_tasks(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("taskId"):
        row = EXPORT_TASKS.find(ctx, params["taskId"])
        rows = (
            [row]
            if row is not None and (not params.get("statusCode") or row.state == params["statusCode"])
            else []
        )
        return {"exportTasks": [dict(r.document) for r in rows]}
    page = EXPORT_TASKS.page(
        ctx,
        limit=params.get("limit") or 50,
        token=params.get("nextToken"),
        invalid=invalid_token,
        state=params.get("statusCode"),
        order="created",
    )
    out: dict[str, Any] = {"exportTasks": [dict(r.document) for r in page.rows]}
    if page.token:
        out["nextToken"] = page.token
    return out


@handler("logs", "CancelExportTask")
def cancel_export_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = EXPORT_TASKS.get(ctx, params["taskId"])
    if row.state not in ("PENDING", "RUNNING"):
        raise InvalidOperationException(f"The specified export task has already finished ({row.state}).")
    return {}
