"""Table exports to S3: ExportTableToPointInTime, DescribeExport, ListExports.

A full export in DynamoDB JSON writes, under ``<S3Prefix>/AWSDynamoDB/<export id>/``, one
gzipped data file (a line ``{"Item": {...}}`` per item) and the manifests S3 holds for a real
export (``manifest-summary.json``, ``manifest-files.json`` and their ``.md5``). The table must
have point-in-time recovery on, and the export is of the table as it is when asked for:
awsmock keeps no history, so an ``ExportTime`` inside the recovery window exports the current
items. Incremental exports and the ION format answer a ValidationException. A bucket the
caller cannot write makes the export FAILED (the call itself succeeds), as on AWS."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import secrets
from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.services.s3.internal import owned_bucket, put_bytes

from . import jobs
from .errors import (
    ExportConflict,
    ExportNotFound,
    InvalidExportTime,
    TableNotFound,
    invalid,
)
from .schema import TableInfo, arn_of, stamped_id, table_of_arn
from .storage import ITEMS
from .tables import recovery_window

#: ListExports: summaries per page unless MaxResults says fewer
PAGE_SIZE = 25


def _table(ctx: RequestContext, arn: str) -> TableInfo:
    info = table_of_arn(ctx, arn)
    if info is None:
        raise TableNotFound(f"Table not found: {arn}")
    return info


def _export_time(ctx: RequestContext, info: TableInfo, params: dict[str, Any]) -> dt.datetime:
    earliest, latest = recovery_window(ctx, info)
    when: dt.datetime = params.get("ExportTime") or latest
    if not earliest <= when <= latest:
        raise InvalidExportTime(
            f"Export time {when.isoformat()} is outside the point in time recovery window "
            f"[{earliest.isoformat()}, {latest.isoformat()}]"
        )
    return when


def _data_file(ctx: RequestContext, info: TableInfo) -> tuple[bytes, int, int]:
    """The gzipped data file of the table's items, their count and their stored size."""
    lines, size = [], 0
    for data, item_size in ctx.session.execute(
        select(ITEMS.c.data, ITEMS.c.size)
        .where(ITEMS.c.table_id == info.id)
        .order_by(ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk)
    ):
        lines.append(f'{{"Item":{data}}}\n')
        size += int(item_size)
    return gzip.compress("".join(lines).encode(), mtime=0), len(lines), size


def _write(ctx: RequestContext, bucket: Any, base: str, desc: dict[str, Any], info: TableInfo) -> None:
    data, count, size = _data_file(ctx, info)
    data_key = f"{base}/data/{base64.b32encode(secrets.token_bytes(15)).decode().lower()}.json.gz"
    etag = put_bytes(ctx, bucket, data_key, data, "application/x-gzip")
    files = json.dumps(
        {"itemCount": count, "md5Checksum": _b64md5(data), "etag": etag.strip('"'), "dataFileS3Key": data_key}
    )
    files_key = f"{base}/manifest-files.json"
    summary = json.dumps(
        {
            "version": "2020-06-30",
            "exportArn": desc["ExportArn"],
            "startTime": desc["StartTime"],
            "endTime": desc["EndTime"],
            "tableArn": desc["TableArn"],
            "tableId": desc["TableId"],
            "exportTime": desc["ExportTime"],
            "s3Bucket": desc["S3Bucket"],
            "s3Prefix": desc.get("S3Prefix"),
            "s3SseAlgorithm": desc["S3SseAlgorithm"],
            "s3SseKmsKeyId": desc.get("S3SseKmsKeyId"),
            "manifestFilesS3Key": files_key,
            "billedSizeBytes": size,
            "itemCount": count,
            "outputFormat": "DYNAMODB_JSON",
            "exportType": "FULL_EXPORT",
        }
    )
    for key, text in ((files_key, files + "\n"), (f"{base}/manifest-summary.json", summary)):
        put_bytes(ctx, bucket, key, text.encode(), "application/json")
        put_bytes(
            ctx,
            bucket,
            key[: -len(".json")] + ".md5",
            hashlib.md5(text.encode()).hexdigest().encode(),
            "text/plain",
        )
    desc.update(ItemCount=count, BilledSizeBytes=size)


def _b64md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def _out(desc: dict[str, Any], started: bool = False) -> dict[str, Any]:
    times = ("StartTime", "EndTime", "ExportTime")
    return jobs.answered(desc, "ExportStatus", times, started, ("ItemCount", "BilledSizeBytes"))


@handler("dynamodb", "ExportTableToPointInTime")
def export_table_to_point_in_time(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _table(ctx, params["TableArn"])
    if (params.get("ExportType") or "FULL_EXPORT") != "FULL_EXPORT":
        raise invalid("awsmock exports whole tables only (ExportType FULL_EXPORT)")
    if (params.get("ExportFormat") or "DYNAMODB_JSON") != "DYNAMODB_JSON":
        raise invalid("awsmock exports in the DYNAMODB_JSON format only")
    when = _export_time(ctx, info, params)
    token = params.get("ClientToken")
    earlier = jobs.by_token(ctx, "export", token) if token else None
    if earlier is not None:
        asked = (info.arn, params["S3Bucket"], params.get("S3Prefix"))
        if (earlier["TableArn"], earlier["S3Bucket"], earlier.get("S3Prefix")) != asked:
            raise ExportConflict(f"Export with client token {token} already exists with different parameters")
        return {"ExportDescription": _out(earlier)}
    export_id = stamped_id(ctx)
    prefix = params.get("S3Prefix")
    base = f"{prefix.rstrip('/')}/AWSDynamoDB/{export_id}" if prefix else f"AWSDynamoDB/{export_id}"
    desc: dict[str, Any] = {
        "ExportArn": arn_of(ctx, info.name, "export", export_id),
        "ExportStatus": "COMPLETED",
        "StartTime": ctx.now.isoformat(),
        "EndTime": ctx.now.isoformat(),
        "ExportManifest": f"{base}/manifest-summary.json",
        "TableArn": info.arn,
        "TableId": info.spec["TableId"],
        "ExportTime": when.isoformat(),
        "S3Bucket": params["S3Bucket"],
        "S3BucketOwner": params.get("S3BucketOwner") or ctx.account_id,
        "S3SseAlgorithm": params.get("S3SseAlgorithm") or "AES256",
        "ExportFormat": "DYNAMODB_JSON",
        "ExportType": "FULL_EXPORT",
    }
    for key in ("ClientToken", "S3Prefix", "S3SseKmsKeyId"):
        if params.get(key):
            desc[key] = params[key]
    try:
        bucket = owned_bucket(ctx, params["S3Bucket"])
    except AwsError as err:  # the export runs and fails, as AWS reports it
        desc.update(ExportStatus="FAILED", **jobs.failure(err))
    else:
        _write(ctx, bucket, base, desc, info)
    jobs.record(ctx, "export", desc["ExportArn"], info.arn, token, desc)
    return {"ExportDescription": _out(desc, started=True)}


@handler("dynamodb", "DescribeExport")
def describe_export(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"ExportDescription": _out(jobs.described(ctx, "export", params["ExportArn"], ExportNotFound))}


@handler("dynamodb", "ListExports")
def list_exports(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = int(params.get("MaxResults") or PAGE_SIZE)
    keys = ("ExportArn", "ExportStatus", "ExportType")
    return jobs.listed(ctx, "export", params, limit, "ExportSummaries", lambda d: {k: d[k] for k in keys})
