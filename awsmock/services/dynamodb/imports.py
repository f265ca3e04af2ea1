"""Table imports from S3: ImportTable, DescribeImport, ListImports.

ImportTable makes a new table from ``TableCreationParameters`` and fills it with the items of
every object under ``S3KeyPrefix`` in the caller's bucket: DynamoDB JSON (a line
``{"Item": {...}}`` per item, as an export writes them) or CSV (a header row, or
``HeaderList``; key attributes typed by the table's definitions, every other attribute a
string), uncompressed or GZIP. An item that cannot be read or stored counts in ``ErrorCount``
and the rest are imported. A bucket the caller cannot read makes the import FAILED, with no
table made. ION input and ZSTD compression answer a ValidationException."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
from collections.abc import Iterator
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.services.s3.internal import objects_under, owned_bucket
from awsmock.state import jsontext

from . import jobs
from .errors import ImportConflict, ImportNotFound, ResourceInUse, invalid
from .items import put
from .schema import TableInfo, arn_of, find_table, stamped_id
from .tables import create_table
from .types import Item, load_item, validate_item

#: ListImports: summaries per page unless PageSize says fewer
PAGE_SIZE = 25
#: what of TableCreationParameters CreateTable takes
_CREATION = (
    "TableName",
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "ProvisionedThroughput",
    "OnDemandThroughput",
    "SSESpecification",
    "GlobalSecondaryIndexes",
)


def _json_items(text: str) -> Iterator[Item | None]:
    """Each line's item (None: a line that is not ``{"Item": {...}}``)."""
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            doc = jsontext.guarded_loads(line)  # a line of the caller's S3 object
            yield load_item(json.dumps(doc["Item"])) if isinstance(doc.get("Item"), dict) else None
        except (ValueError, KeyError, AttributeError, TypeError):
            yield None


def _csv_items(text: str, info: TableInfo, options: dict[str, Any]) -> Iterator[Item | None]:
    rows = csv.reader(io.StringIO(text), delimiter=options.get("Delimiter") or ",")
    header = options.get("HeaderList") or next(rows, None) or []
    types = {d["AttributeName"]: d["AttributeType"] for d in info.spec["AttributeDefinitions"]}
    for row in rows:
        if len(row) != len(header):
            yield None
            continue
        try:
            yield {
                name: {"B": base64.b64decode(value)}
                if types.get(name) == "B"
                else {types.get(name, "S"): value}
                for name, value in zip(header, row, strict=True)
            }
        except ValueError:
            yield None


def _fill(
    ctx: RequestContext, info: TableInfo, bucket: Any, params: dict[str, Any], desc: dict[str, Any]
) -> None:
    fmt, gz = params["InputFormat"], params.get("InputCompressionType") == "GZIP"
    options = (params.get("InputFormatOptions") or {}).get("Csv") or {}
    size = processed = imported = errors = 0
    for _key, body in objects_under(ctx, bucket, params["S3BucketSource"].get("S3KeyPrefix") or ""):
        size += len(body)
        try:
            text = (gzip.decompress(body) if gz else body).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError):
            errors += 1
            continue
        for item in _json_items(text) if fmt == "DYNAMODB_JSON" else _csv_items(text, info, options):
            processed += 1
            try:
                if item is None:
                    raise invalid("unreadable item")
                put(ctx, info, validate_item(item), None, need_old=False)
            except AwsError:
                errors += 1
            else:
                imported += 1
    desc.update(
        ProcessedSizeBytes=size, ProcessedItemCount=processed, ImportedItemCount=imported, ErrorCount=errors
    )


def _out(desc: dict[str, Any], started: bool = False) -> dict[str, Any]:
    times = ("StartTime", "EndTime")
    return jobs.answered(desc, "ImportStatus", times, started, ("ProcessedItemCount", "ImportedItemCount"))


@handler("dynamodb", "ImportTable")
def import_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    creation = params["TableCreationParameters"]
    name, source = creation["TableName"], params["S3BucketSource"]
    token = params.get("ClientToken")
    earlier = jobs.by_token(ctx, "import", token) if token else None
    if earlier is not None:
        if (earlier["TableCreationParameters"]["TableName"], earlier["S3BucketSource"]) != (name, source):
            raise ImportConflict(f"Import with client token {token} already exists with different parameters")
        return {"ImportTableDescription": _out(earlier)}
    if params["InputFormat"] == "ION":
        raise invalid("awsmock imports DYNAMODB_JSON and CSV input only")
    if params.get("InputCompressionType") == "ZSTD":
        raise invalid("awsmock imports GZIP or uncompressed input only")
    if find_table(ctx, name) is not None:
        raise ResourceInUse(f"Table already exists: {name}")
    table_arn = arn_of(ctx, name)
    desc: dict[str, Any] = {
        "ImportArn": arn_of(ctx, name, "import", stamped_id(ctx)),
        "ImportStatus": "COMPLETED",
        "TableArn": table_arn,
        "S3BucketSource": source,
        "ErrorCount": 0,
        "CloudWatchLogGroupArn": ctx.arn("logs", "log-group:/aws-dynamodb/imports:*"),
        "InputFormat": params["InputFormat"],
        "InputCompressionType": params.get("InputCompressionType") or "NONE",
        "TableCreationParameters": creation,
        "StartTime": ctx.now.isoformat(),
        "EndTime": ctx.now.isoformat(),
        "ProcessedSizeBytes": 0,
        "ProcessedItemCount": 0,
        "ImportedItemCount": 0,
    }
    for key in ("ClientToken", "InputFormatOptions"):
        if params.get(key):
            desc[key] = params[key]
    try:
        bucket = owned_bucket(ctx, source["S3Bucket"])
    except AwsError as err:  # the import runs and fails, as AWS reports it; no table is made
        desc.update(ImportStatus="FAILED", **jobs.failure(err))
    else:
        create_table(ctx, {k: creation[k] for k in _CREATION if k in creation})
        info = find_table(ctx, name)
        assert info is not None
        desc["TableId"] = info.spec["TableId"]
        _fill(ctx, info, bucket, params, desc)
    jobs.record(ctx, "import", desc["ImportArn"], table_arn, token, desc)
    return {"ImportTableDescription": _out(desc, started=True)}


@handler("dynamodb", "DescribeImport")
def describe_import(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ImportTableDescription": _out(jobs.described(ctx, "import", params["ImportArn"], ImportNotFound))
    }


#: what ListImports tells of each import
_SUMMARY = (
    "ImportArn",
    "ImportStatus",
    "TableArn",
    "S3BucketSource",
    "CloudWatchLogGroupArn",
    "InputFormat",
    "StartTime",
    "EndTime",
)


@handler("dynamodb", "ListImports")
def list_imports(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = int(params.get("PageSize") or PAGE_SIZE)

    def summary(desc: dict[str, Any]) -> dict[str, Any]:
        return jobs.with_times({k: desc[k] for k in _SUMMARY if k in desc}, "StartTime", "EndTime")

    return jobs.listed(ctx, "import", params, limit, "ImportSummaryList", summary)
