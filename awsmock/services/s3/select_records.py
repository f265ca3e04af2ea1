"""What S3 Select reads and writes: an object's bytes (GZIP/BZIP2 decompressed) split into
records as ``InputSerialization`` describes them (CSV with its header, delimiters, quotes,
comments and quoted record delimiters; JSON documents or lines; Parquet rows when the optional
``pyarrow`` is installed), and result rows written as ``OutputSerialization`` asks (CSV
quoting, delimiters; JSON records)."""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .select_sql import Record, SelectError, render_scalar


def _param_error(name: str) -> SelectError:
    return SelectError(
        "The value of a parameter in SelectRequest element is invalid. Check the service documentation "
        "and try again.",
        code="InvalidRequestParameter",
        ParameterName=name,
    )


def decompress(data: bytes, compression: str) -> bytes:
    if compression == "NONE":
        return data
    try:
        if compression == "GZIP":
            return gzip.decompress(data)
        if compression == "BZIP2":
            return bz2.decompress(data)
    except (OSError, EOFError, ValueError, zlib.error):
        raise SelectError(
            "Object decompression failed. Check that the object is properly compressed using the format "
            "specified in the request.",
            code="TruncatedInput",
        ) from None
    raise SelectError(
        "The file is not in a supported compression format. Only GZIP and BZIP2 are supported.",
        code="InvalidCompressionFormat",
    )


def text_of(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SelectError(
            "Invalid encoding type. Only UTF-8 encoding is supported.", code="InvalidTextEncoding"
        ) from None


# -- CSV -----------------------------------------------------------------------------------------


class CsvFormat:
    def __init__(self, spec: dict[str, Any], *, output: bool = False) -> None:
        self.field: str = spec.get("FieldDelimiter") or ","
        self.record: str = spec.get("RecordDelimiter") or "\n"
        quote = spec.get("QuoteCharacter")
        self.quote: str = '"' if quote is None else str(quote)
        self.escape: str = spec.get("QuoteEscapeCharacter") or self.quote
        self.comments: str = spec.get("Comments") or ""
        self.header = (spec.get("FileHeaderInfo") or "NONE").upper()
        self.quoted_records = bool(spec.get("AllowQuotedRecordDelimiter"))
        self.quote_fields = (spec.get("QuoteFields") or "ASNEEDED").upper()
        for name, value, limit in (
            ("FieldDelimiter", self.field, 1),
            ("RecordDelimiter", self.record, 2),
            ("QuoteCharacter", self.quote, 1),
            ("QuoteEscapeCharacter", self.escape, 1),
            ("Comments", self.comments, 1),
        ):
            if len(value) > limit:
                raise _param_error(name)
        if not output and self.header not in ("NONE", "USE", "IGNORE"):
            raise SelectError(
                "The FileHeaderInfo is invalid. Only NONE, USE, and IGNORE are supported.",
                code="InvalidFileHeaderInfo",
            )
        if output and self.quote_fields not in ("ALWAYS", "ASNEEDED"):
            raise SelectError(
                "The QuoteFields is invalid. Only ALWAYS and ASNEEDED are supported.",
                code="InvalidQuoteFields",
            )

    def rows(self, text: str) -> Iterator[list[str]]:
        """The rows of ``text``: fields split on the field delimiter outside quotes, records on
        the record delimiter (inside quotes too, unless AllowQuotedRecordDelimiter)."""
        fd, rd, q, esc = self.field, self.record, self.quote, self.escape
        n = len(text)
        i = 0
        fields: list[str] = []
        buf: list[str] = []
        in_quotes = False
        at_start = True  # at the start of a field
        row_start = True
        while i < n:
            if row_start and self.comments and text.startswith(self.comments, i):
                end = text.find(rd, i)
                i = n if end < 0 else end + len(rd)
                continue
            row_start = False
            c = text[i]
            if in_quotes:
                if esc != q and c == esc and i + 1 < n and text[i + 1] == q:
                    buf.append(q)
                    i += 2
                    continue
                if c == q:
                    if i + 1 < n and text[i + 1] == q:
                        buf.append(q)
                        i += 2
                        continue
                    in_quotes = False
                    i += 1
                    continue
                if not self.quoted_records and text.startswith(rd, i):
                    # a record delimiter ends the record even inside quotes
                    in_quotes = False
                    fields.append("".join(buf))
                    yield fields
                    fields, buf, at_start, row_start = [], [], True, True
                    i += len(rd)
                    continue
                buf.append(c)
                i += 1
                continue
            if q and c == q and at_start:
                in_quotes = True
                at_start = False
                i += 1
                continue
            if c == fd:
                fields.append("".join(buf))
                buf, at_start = [], True
                i += 1
                continue
            if text.startswith(rd, i):
                fields.append("".join(buf))
                yield fields
                fields, buf, at_start, row_start = [], [], True, True
                i += len(rd)
                continue
            buf.append(c)
            at_start = False
            i += 1
        if in_quotes:
            raise SelectError(
                "Encountered an error parsing the CSV file. Check the file and try again.",
                code="CSVParsingError",
            )
        if buf or fields or not at_start:
            fields.append("".join(buf))
            yield fields

    def records(self, text: str) -> Iterator[Record]:
        names: list[str] | None = None
        first = True
        for row in self.rows(text):
            if first and self.header in ("USE", "IGNORE"):
                first = False
                if self.header == "USE":
                    names = row
                continue
            first = False
            yield Record(fields=row, names=names)

    def write(self, values: list[Any]) -> str:
        out = []
        for v in values:
            text = render_scalar(v)
            needs = self.quote_fields == "ALWAYS" or (
                self.quote
                and (
                    self.field in text
                    or self.quote in text
                    or self.record in text
                    or "\n" in text
                    or "\r" in text
                )
            )
            if needs and self.quote:
                text = self.quote + text.replace(self.quote, self.escape + self.quote) + self.quote
            out.append(text)
        return self.field.join(out) + self.record


# -- JSON ----------------------------------------------------------------------------------------


def _json_error() -> SelectError:
    return SelectError(
        "Encountered an error parsing the JSON file. Check the file and try again.", code="JSONParsingError"
    )


def json_records(text: str, kind: str) -> Iterator[Any]:
    if kind not in ("DOCUMENT", "LINES"):
        raise SelectError(
            "The JsonType is invalid. Only DOCUMENT and LINES are supported.", code="InvalidJsonType"
        )
    decoder = json.JSONDecoder(parse_float=Decimal)
    if kind == "LINES":
        for line in text.splitlines():
            if line.strip():
                try:
                    yield decoder.decode(line)
                except ValueError:
                    raise _json_error() from None
        return
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            return
        try:
            value, pos = decoder.raw_decode(text, pos)
        except ValueError:
            raise _json_error() from None
        yield value


# -- Parquet (with the optional pyarrow) ---------------------------------------------------------


def parquet_available() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _parquet_value(value: Any) -> Any:
    if isinstance(value, float):
        return (
            Decimal(repr(value)) if value == value and value not in (float("inf"), float("-inf")) else value
        )
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: _parquet_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_parquet_value(v) for v in value]
    return value


def parquet_records(data: bytes) -> Iterator[Any]:
    """The rows of a Parquet file, one dict per row (columns by name), read a row group at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(io.BytesIO(data))
        for group in range(reader.num_row_groups):
            for row in reader.read_row_group(group).to_pylist():
                yield {k: _parquet_value(v) for k, v in row.items()}
    except (pa.ArrowException, OSError, ValueError):
        raise SelectError(
            "An error occurred while parsing the Parquet file. Check the file and try again.",
            code="ParquetParsingError",
        ) from None
