"""SelectObjectContent: SQL over CSV and JSON objects (compressed or not), the event stream
boto3 reads (Records, Progress, Stats, End), and S3 Select's errors before and during the stream."""

from __future__ import annotations

import bz2
import gzip
import json
from typing import Any

import pytest
from botocore.exceptions import EventStreamError

from tests.s3.helpers import client_error

PEOPLE = b'name,age,city\nalice,30,Paris\nbob,25,"Rome, IT"\ncarol,41,\ndave,19,Oslo\n'
CSV_USE = {"CSV": {"FileHeaderInfo": "USE"}}


def _select(
    s3: Any, bucket: str, key: str, expr: str, inp: Any = None, out: Any = None, **kw: Any
) -> list[Any]:
    resp = s3.select_object_content(
        Bucket=bucket,
        Key=key,
        Expression=expr,
        ExpressionType="SQL",
        InputSerialization=inp or CSV_USE,
        OutputSerialization=out or {"CSV": {}},
        **kw,
    )
    return list(resp["Payload"])


def _records(events: list[Any]) -> bytes:
    return b"".join(e["Records"]["Payload"] for e in events if "Records" in e)


def _json_rows(events: list[Any]) -> list[Any]:
    return [json.loads(line) for line in _records(events).decode().splitlines()]


@pytest.fixture
def people(s3: Any, bucket: str) -> str:
    s3.put_object(Bucket=bucket, Key="people.csv", Body=PEOPLE)
    return bucket


@pytest.mark.modes("server")  # (the event stream through a real HTTP server too)
def test_csv_star_and_event_sequence(s3: Any, people: str) -> None:
    events = _select(s3, people, "people.csv", "SELECT * FROM S3Object")
    assert _records(events) == b'alice,30,Paris\nbob,25,"Rome, IT"\ncarol,41,\ndave,19,Oslo\n'
    assert [next(iter(e)) for e in events] == ["Records", "Stats", "End"]
    stats = events[-2]["Stats"]["Details"]
    assert stats == {"BytesScanned": len(PEOPLE), "BytesProcessed": len(PEOPLE), "BytesReturned": 56}


def test_csv_projection_where_and_json_output(s3: Any, people: str) -> None:
    events = _select(
        s3,
        people,
        "people.csv",
        "SELECT s.name, s.\"city\" FROM S3Object s WHERE CAST(s.age AS INT) >= 25 AND NOT s.name LIKE 'b%'",
        out={"JSON": {}},
    )
    assert _json_rows(events) == [{"name": "alice", "city": "Paris"}, {"name": "carol", "city": ""}]


def test_positional_columns_without_header(s3: Any, people: str) -> None:
    events = _select(
        s3,
        people,
        "people.csv",
        "SELECT s._1, UPPER(s._3) FROM S3Object s WHERE s._2 = '19' OR s._1 = 'name'",
        inp={"CSV": {"FileHeaderInfo": "NONE"}},
        out={"JSON": {}},
    )
    assert _json_rows(events) == [{"_1": "name", "_2": "CITY"}, {"_1": "dave", "_2": "OSLO"}]
    ignored = _select(
        s3, people, "people.csv", "SELECT s._1 FROM S3Object s", inp={"CSV": {"FileHeaderInfo": "IGNORE"}}
    )
    assert _records(ignored) == b"alice\nbob\ncarol\ndave\n"


def test_string_functions_and_limit(s3: Any, people: str) -> None:
    events = _select(
        s3,
        people,
        "people.csv",
        "SELECT lower(s.name) AS n, char_length(s.city), substring(s.name FROM 2 FOR 3), "
        "trim(BOTH 'a' FROM s.name) FROM S3Object s LIMIT 2",
        out={"JSON": {}},
    )
    assert _json_rows(events) == [
        {"n": "alice", "_2": 5, "_3": "lic", "_4": "lice"},
        {"n": "bob", "_2": 8, "_3": "ob", "_4": "bob"},
    ]


def test_is_null_between_in(s3: Any, bucket: str) -> None:
    body = b'{"id":1,"tag":null,"n":5}\n{"id":2,"n":12}\n{"id":3,"tag":"x","n":7}\n'
    s3.put_object(Bucket=bucket, Key="rows.json", Body=body)
    lines = {"JSON": {"Type": "LINES"}}

    def ids(where: str) -> list[int]:
        events = _select(
            s3, bucket, "rows.json", f"SELECT s.id FROM S3Object s WHERE {where}", lines, {"JSON": {}}
        )
        return [r["id"] for r in _json_rows(events)]

    assert ids("s.tag IS NULL") == [1, 2]
    assert ids("s.tag IS MISSING") == [2]
    assert ids("s.tag IS NOT NULL") == [3]
    assert ids("s.n BETWEEN 5 AND 7") == [1, 3]
    assert ids("s.n IN (12, 7)") == [2, 3]


def test_aggregates(s3: Any, people: str) -> None:
    events = _select(
        s3,
        people,
        "people.csv",
        "SELECT COUNT(*), SUM(CAST(s.age AS INT)), AVG(CAST(s.age AS INT)), MIN(CAST(s.age AS INT)), "
        "MAX(CAST(s.age AS INT)) FROM S3Object s WHERE s.city <> ''",
        out={"JSON": {}},
    )
    assert _json_rows(events) == [
        {"_1": 3, "_2": 74, "_3": 24.666666666666666666666666667, "_4": 19, "_5": 30}
    ]


def test_json_document_with_path_gzip(s3: Any, bucket: str) -> None:
    doc = {
        "owner": "x",
        "Rules": [{"id": "a", "on": True}, {"id": "b", "on": False}, {"id": "c", "on": True}],
    }
    s3.put_object(Bucket=bucket, Key="doc.json.gz", Body=gzip.compress(json.dumps(doc).encode()))
    events = _select(
        s3,
        bucket,
        "doc.json.gz",
        'SELECT r.id FROM S3Object[*].Rules[*] r WHERE r."on" = true',
        {"JSON": {"Type": "DOCUMENT"}, "CompressionType": "GZIP"},
        {"CSV": {}},
    )
    assert _records(events) == b"a\nc\n"
    stats = next(e for e in events if "Stats" in e)["Stats"]["Details"]
    assert (
        stats["BytesProcessed"] == len(json.dumps(doc))
        and stats["BytesScanned"] < stats["BytesProcessed"] + 40
    )


def test_json_star_and_bzip2(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="l.json.bz2", Body=bz2.compress(b'{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n'))
    events = _select(
        s3,
        bucket,
        "l.json.bz2",
        "select * from s3object s where s.a > 1",
        {"JSON": {"Type": "LINES"}, "CompressionType": "BZIP2"},
        {"JSON": {"RecordDelimiter": ";"}},
    )
    assert _records(events) == b'{"a":2,"b":"y"};'


def test_csv_dialect_options(s3: Any, bucket: str) -> None:
    body = b"#comment\nk|v\n1|'multi\nline'\n2|'it''s'\n"
    s3.put_object(Bucket=bucket, Key="d.csv", Body=body)
    inp = {
        "CSV": {
            "FileHeaderInfo": "USE",
            "FieldDelimiter": "|",
            "QuoteCharacter": "'",
            "Comments": "#",
            "AllowQuotedRecordDelimiter": True,
        }
    }
    events = _select(
        s3,
        bucket,
        "d.csv",
        "SELECT s.v, s.k FROM S3Object s",
        inp,
        {"CSV": {"QuoteFields": "ALWAYS", "FieldDelimiter": ";"}},
    )
    assert _records(events) == b'"multi\nline";"1"\n"it\'s";"2"\n'


def test_progress_when_requested(s3: Any, people: str) -> None:
    events = _select(
        s3, people, "people.csv", "SELECT COUNT(*) FROM S3Object", RequestProgress={"Enabled": True}
    )
    assert [next(iter(e)) for e in events] == ["Records", "Progress", "Stats", "End"]
    assert _records(events) == b"4\n"


def test_scan_range(s3: Any, people: str) -> None:
    # byte 15 is inside "alice,..." (14-28): the records starting in 15-50 are bob's (29) and carol's (47)
    events = _select(
        s3,
        people,
        "people.csv",
        "SELECT s._1 FROM S3Object s",
        {"CSV": {}},
        ScanRange={"Start": 15, "End": 50},
    )
    assert _records(events) == b"bob\ncarol\n"


@pytest.mark.parametrize(
    ("expr", "code", "message"),
    [
        ("SELECT FROM S3Object", "ParseEmptySelect", "The SQL expression contains an empty SELECT."),
        (
            "SELECT s.name FROM S3Object s WHERE s.age = = 3",
            "ParseUnexpectedToken",
            "Unexpected token found OPERATOR:= at line 1, column 45.",
        ),
        (
            "SELECT *, s.name FROM S3Object s",
            "ParseAsteriskIsNotAloneInSelectList",
            "Other expressions are not allowed in the SELECT list when '*' is used without dot notation in "
            "the SQL expression.",
        ),
        (
            "SELECT s.name",
            "ParseSelectMissingFrom",
            "The SQL expression contains a missing FROM after the SELECT list.",
        ),
        (
            "SELECT foo(s.name) FROM S3Object s",
            "UnsupportedFunction",
            "Encountered an unsupported SQL function.",
        ),
    ],
)
def test_sql_errors(s3: Any, people: str, expr: str, code: str, message: str) -> None:
    err = client_error(
        s3.select_object_content,
        Bucket=people,
        Key="people.csv",
        Expression=expr,
        ExpressionType="SQL",
        InputSerialization=CSV_USE,
        OutputSerialization={"CSV": {}},
    )
    assert (err["Code"], err["Message"], err["Status"]) == (code, message, 400)


def test_request_errors(s3: Any, people: str) -> None:
    base = {
        "Bucket": people,
        "Key": "people.csv",
        "Expression": "SELECT * FROM S3Object",
        "ExpressionType": "SQL",
    }
    conflict = client_error(
        s3.select_object_content,
        **base,
        InputSerialization={"CSV": {}, "JSON": {"Type": "LINES"}},
        OutputSerialization={"CSV": {}},
    )
    assert conflict["Code"] == "ObjectSerializationConflict"
    bad_gzip = client_error(
        s3.select_object_content,
        **base,
        InputSerialization={"CSV": {}, "CompressionType": "GZIP"},
        OutputSerialization={"CSV": {}},
    )
    assert bad_gzip["Code"] == "TruncatedInput"
    missing = client_error(
        s3.select_object_content,
        **{**base, "Key": "nope.csv"},
        InputSerialization={"CSV": {}},
        OutputSerialization={"CSV": {}},
    )
    assert missing["Code"] == "NoSuchKey"


def test_cast_failure_ends_the_stream_with_an_error(s3: Any, people: str) -> None:
    resp = s3.select_object_content(
        Bucket=people,
        Key="people.csv",
        Expression="SELECT CAST(s.name AS INT) FROM S3Object s",
        ExpressionType="SQL",
        InputSerialization=CSV_USE,
        OutputSerialization={"CSV": {}},
    )
    with pytest.raises(EventStreamError) as info:
        list(resp["Payload"])
    assert info.value.response["Error"] == {
        "Code": "CastFailed",
        "Message": "Attempt to convert from one data type to another using CAST failed in the SQL expression.",
    }


def test_malformed_json_ends_the_stream_with_an_error(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="bad.json", Body=b'{"a":1}\n{"a":\n')
    resp = s3.select_object_content(
        Bucket=bucket,
        Key="bad.json",
        Expression="SELECT s.a FROM S3Object s",
        ExpressionType="SQL",
        InputSerialization={"JSON": {"Type": "LINES"}},
        OutputSerialization={"JSON": {}},
    )
    with pytest.raises(EventStreamError) as info:
        list(resp["Payload"])
    assert info.value.response["Error"]["Code"] == "JSONParsingError"


def test_parquet_input(s3: Any, bucket: str) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import io

    table = pa.table({"name": ["ann", "ben", "cy"], "score": [7, 3, 9], "ratio": [0.5, 1.25, 2.0]})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=2)
    s3.put_object(Bucket=bucket, Key="t.parquet", Body=sink.getvalue())
    events = _select(
        s3,
        bucket,
        "t.parquet",
        "SELECT s.name, s.ratio FROM S3Object s WHERE s.score > 5",
        {"Parquet": {}},
        {"JSON": {}},
    )
    assert _json_rows(events) == [{"name": "ann", "ratio": 0.5}, {"name": "cy", "ratio": 2.0}]
    total = _select(s3, bucket, "t.parquet", "SELECT SUM(s.score) FROM S3Object s", {"Parquet": {}})
    assert _records(total) == b"19\n"
    s3.put_object(Bucket=bucket, Key="bad.parquet", Body=b"not parquet at all")
    resp = s3.select_object_content(
        Bucket=bucket,
        Key="bad.parquet",
        Expression="SELECT * FROM S3Object",
        ExpressionType="SQL",
        InputSerialization={"Parquet": {}},
        OutputSerialization={"CSV": {}},
    )
    with pytest.raises(EventStreamError) as info:
        list(resp["Payload"])
    assert info.value.response["Error"]["Code"] == "ParquetParsingError"
