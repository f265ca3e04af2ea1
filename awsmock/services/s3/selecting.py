"""SelectObjectContent (S3 Select): SQL over a CSV, JSON or Parquet (with the optional
``pyarrow``) object, answered as an event stream
(``Records`` events carrying the output, ``Progress`` when asked for, ``Stats``, ``End``).

What the request gets wrong (the expression, the serialization, the compression, the object's
state) is an HTTP error before any event; what the data gets wrong while rows are produced (a
CSV or JSON parse error, a failed CAST) ends the stream with an ``error`` message, after the
records already sent, as S3 does. The object is read in the request's transaction; the rows are
produced as the answer is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import storage
from .buckets import bucket_row
from .encryption import check_sse_c_read
from .errors import InvalidObjectState
from .objects import ARCHIVED
from .reading import row_for_read
from .select_records import CsvFormat, decompress, json_records, parquet_available, parquet_records, text_of
from .select_sql import (
    MISSING,
    Accumulator,
    Query,
    Record,
    SelectError,
    aggregate_nodes,
    evaluate,
    json_text,
    parse,
    resolve,
)

#: output bytes per Records event
RECORDS_EVENT_SIZE = 64 * 1024


def _one_of(spec: dict[str, Any] | None, allowed: tuple[str, ...], what: str) -> tuple[str, dict[str, Any]]:
    chosen = [k for k in allowed if spec and spec.get(k) is not None]
    if len(chosen) > 1:
        raise SelectError(
            "InputSerialization specifies more than one format (CSV, JSON, or Parquet), or OutputSerialization "
            "specifies more than one format (CSV or JSON). InputSerialization and OutputSerialization can only "
            "specify one format each.",
            code="ObjectSerializationConflict",
        )
    if not chosen:
        raise SelectError(
            "The SelectRequest entity is missing a required parameter. Check the service documentation and "
            "try again.",
            code="MissingRequiredParameter",
        )
    return chosen[0], dict(spec[chosen[0]] or {})  # type: ignore[index]


class _Plan:
    """A parsed request: the query, how records are read and how rows are written."""

    def __init__(self, params: dict[str, Any]) -> None:
        if (params.get("ExpressionType") or "").upper() != "SQL":
            raise SelectError(
                "The ExpressionType is invalid. Only SQL expressions are supported.",
                code="InvalidExpressionType",
            )
        inp = params.get("InputSerialization") or {}
        out = params.get("OutputSerialization") or {}
        self.in_kind, self.in_spec = _one_of(inp, ("CSV", "JSON", "Parquet"), "InputSerialization")
        self.out_kind, self.out_spec = _one_of(out, ("CSV", "JSON"), "OutputSerialization")
        self.compression = (inp.get("CompressionType") or "NONE").upper()
        if self.compression not in ("NONE", "GZIP", "BZIP2"):
            raise SelectError(
                "The file is not in a supported compression format. Only GZIP and BZIP2 are supported.",
                code="InvalidCompressionFormat",
            )
        if self.in_kind == "Parquet":
            if not parquet_available():
                raise SelectError(
                    "Parquet input needs the optional pyarrow: install awsmock[parquet].",
                    code="NotImplemented",
                    status=501,
                )
            if self.compression != "NONE":
                raise SelectError(
                    "The file is not in a supported compression format. Only GZIP and BZIP2 are supported.",
                    code="InvalidCompressionFormat",
                )
        self.csv_in = CsvFormat(self.in_spec) if self.in_kind == "CSV" else None
        self.json_type = (self.in_spec.get("Type") or "DOCUMENT").upper() if self.in_kind == "JSON" else ""
        self.csv_out = CsvFormat(self.out_spec, output=True) if self.out_kind == "CSV" else None
        self.json_delimiter = self.out_spec.get("RecordDelimiter") or "\n"
        self.query: Query = parse(params.get("Expression") or "")
        self.progress = bool((params.get("RequestProgress") or {}).get("Enabled"))
        self.scan = params.get("ScanRange")
        if self.scan is not None and (
            self.compression != "NONE" or self.json_type == "DOCUMENT" or self.in_kind == "Parquet"
        ):
            raise SelectError(
                "Scan range queries are not supported on this type of object.",
                code="UnsupportedScanRangeInput",
            )


def _scan_window(data: bytes, scan: dict[str, Any], delimiter: bytes) -> bytes:
    """The records that start inside ``ScanRange`` (the last one read to its end)."""
    size = len(data)
    start = scan.get("Start")
    end = scan.get("End")
    if start is None and end is not None:  # the last End bytes
        start, end = max(size - end, 0), size - 1
    start = start or 0
    end = size - 1 if end is None else min(end, size - 1)
    if start < 0 or (scan.get("End") is not None and scan.get("Start") is not None and end < start):
        raise SelectError(
            "The provided scan range is invalid. Check the service documentation and try again.",
            code="InvalidScanRange",
        )
    if start > 0 and data[start - len(delimiter) : start] != delimiter:
        found = data.find(delimiter, start)
        start = size if found < 0 else found + len(delimiter)
    if start > end:
        return b""
    stop = data.find(delimiter, end + 1 - len(delimiter) + 1) if end + 1 < size else -1
    last = size if stop < 0 else stop + len(delimiter)
    return data[start:last]


def _source_rows(plan: _Plan, data: bytes) -> Iterator[Record]:
    text = "" if plan.in_kind == "Parquet" else text_of(data)
    if plan.csv_in is not None:
        yield from plan.csv_in.records(text)
        return
    steps = list(plan.query.source)
    if steps and steps[0] == ("wild",):
        steps = steps[1:]
    docs = parquet_records(data) if plan.in_kind == "Parquet" else json_records(text, plan.json_type)
    for doc in docs:
        values = [doc]
        for step in steps:
            nxt: list[Any] = []
            for v in values:
                if step[0] == "wild":
                    if isinstance(v, list):
                        nxt.extend(v)
                    elif isinstance(v, dict):
                        nxt.extend(v.values())
                else:
                    r = resolve(Record(value=v), [step], None)
                    if r is not MISSING:
                        nxt.append(r)
            values = nxt
        for v in values:
            yield Record(value=v)


def _star_values(record: Record) -> tuple[list[Any], dict[str, Any]]:
    """SELECT *: the row's values (CSV output) and its members (JSON output)."""
    if record.fields is not None:
        names = record.names
        members = {
            (names[i] if names is not None and i < len(names) else f"_{i + 1}"): f
            for i, f in enumerate(record.fields)
        }
        return list(record.fields), members
    v = record.value
    if isinstance(v, dict):
        return list(v.values()), v
    return [v], {"_1": v}


class _Writer:
    def __init__(self, plan: _Plan) -> None:
        self.plan = plan

    def row(self, values: list[Any], names: list[str], members: dict[str, Any] | None = None) -> bytes:
        plan = self.plan
        if plan.csv_out is not None:
            return plan.csv_out.write(values).encode("utf-8")
        if members is None:
            members = {}
            for name, v in zip(names, values, strict=True):
                if v is not MISSING:
                    members[name] = v
        return (json_text(members) + plan.json_delimiter).encode("utf-8")


def _rows(plan: _Plan, data: bytes) -> Iterator[bytes]:
    q = plan.query
    writer = _Writer(plan)
    alias = q.alias
    if q.aggregate:
        accs = {id(node): Accumulator(node) for item in q.items for node in aggregate_nodes(item.expr)}
        for record in _source_rows(plan, data):
            if q.where is not None and evaluate(q.where, record, alias) is not True:
                continue
            for acc in accs.values():
                acc.add(record, alias)
        results = {k: acc.result() for k, acc in accs.items()}
        empty = Record(value={})
        values = [evaluate(item.expr, empty, alias, results) for item in q.items]
        if q.limit != 0:
            yield writer.row(values, q.names)
        return
    produced = 0
    for record in _source_rows(plan, data):
        if q.limit is not None and produced >= q.limit:
            return
        if q.where is not None and evaluate(q.where, record, alias) is not True:
            continue
        if q.star:
            values, members = _star_values(record)
            yield writer.row(values, [], members)
        else:
            yield writer.row([evaluate(item.expr, record, alias) for item in q.items], q.names)
        produced += 1


def _events(plan: _Plan, scanned: int, data: bytes) -> Iterator[dict[str, Any]]:
    returned = 0
    batch = bytearray()
    for row in _rows(plan, data):
        batch += row
        if len(batch) >= RECORDS_EVENT_SIZE:
            returned += len(batch)
            yield {"Records": {"Payload": bytes(batch)}}
            batch.clear()
    if batch:
        returned += len(batch)
        yield {"Records": {"Payload": bytes(batch)}}
    details = {"BytesScanned": scanned, "BytesProcessed": len(data), "BytesReturned": returned}
    if plan.progress:
        yield {"Progress": {"Details": details}}
    yield {"Stats": {"Details": details}}
    yield {"End": {}}


@handler("s3", "SelectObjectContent")
def select_object_content(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = bucket_row(ctx, params["Bucket"])
    obj = row_for_read(ctx, bucket, params["Key"], None)
    check_sse_c_read(obj, params)
    if obj.storage_class in ARCHIVED and not (obj.info or {}).get("restore"):
        raise InvalidObjectState(StorageClass=obj.storage_class)
    plan = _Plan(params)
    raw = storage.read_bytes(ctx.tx, obj.blob_id)
    data = decompress(raw, plan.compression)
    if plan.scan is not None:
        delimiter = (plan.csv_in.record if plan.csv_in is not None else "\n").encode("utf-8")
        data = _scan_window(data, plan.scan, delimiter)
    return {"Payload": _events(plan, len(raw), data)}
