"""Table imports from S3: an export imported back (GZIP DynamoDB JSON), CSV with a header row or
a HeaderList, unreadable items counted and skipped, describe and list, client tokens, and the
errors and failures DynamoDB reports."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from .helpers import all_pages, error_code

KEY = {
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"imports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def _new_name() -> str:
    return f"imported-{uuid.uuid4().hex[:8]}"


def _import(ddb: Any, bucket: str, prefix: str, table: str, **kw: Any) -> dict[str, Any]:
    kw.setdefault("InputFormat", "DYNAMODB_JSON")
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": prefix},
        TableCreationParameters={"TableName": table, **KEY},
        **kw,
    )["ImportTableDescription"]
    assert started["ImportStatus"] == "IN_PROGRESS"
    return ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]  # type: ignore[no-any-return]


def test_an_export_imports_back(ddb: Any, s3: Any, bucket: str, make_table: Callable[..., str]) -> None:
    source = make_table()
    ddb.update_continuous_backups(
        TableName=source, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    items = [
        {"pk": {"S": f"k{i}"}, "n": {"N": str(i)}, "b": {"B": bytes([i])}, "l": {"SS": ["x", "y"]}}
        for i in range(4)
    ]
    for item in items:
        ddb.put_item(TableName=source, Item=item)
    arn = ddb.describe_table(TableName=source)["Table"]["TableArn"]
    export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket)["ExportDescription"]
    data_prefix = export["ExportManifest"].rsplit("/", 1)[0] + "/data/"
    target = _new_name()
    done = _import(ddb, bucket, data_prefix, target, InputCompressionType="GZIP")
    assert (done["ImportStatus"], done["ImportedItemCount"], done["ErrorCount"]) == ("COMPLETED", 4, 0)
    assert done["TableArn"] == ddb.describe_table(TableName=target)["Table"]["TableArn"]
    got = sorted(ddb.scan(TableName=target)["Items"], key=lambda i: i["pk"]["S"])
    assert got == sorted(items, key=lambda i: i["pk"]["S"])


def test_csv_with_a_header_row_or_a_header_list(ddb: Any, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="people/a.csv", Body=b"pk,age,name\nann,41,Ann\nbob,7,Bob\nbroken,1\n")
    s3.put_object(Bucket=bucket, Key="people/b.csv", Body=b"cid;42;Cid\n")
    s3.put_object(Bucket=bucket, Key="elsewhere.csv", Body=b"pk,age,name\nzed,1,Zed\n")
    table = _new_name()
    done = _import(ddb, bucket, "people/a", table, InputFormat="CSV")
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (3, 2, 1)
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "ann"}})["Item"] == {
        "pk": {"S": "ann"},
        "age": {"S": "41"},  # not a key: a string, whatever it looks like
        "name": {"S": "Ann"},
    }
    other = _new_name()
    options = {"Csv": {"Delimiter": ";", "HeaderList": ["pk", "age", "name"]}}
    done = _import(ddb, bucket, "people/b", other, InputFormat="CSV", InputFormatOptions=options)
    assert done["ImportedItemCount"] == 1 and done["InputFormatOptions"] == options
    assert ddb.get_item(TableName=other, Key={"pk": {"S": "cid"}})["Item"]["name"] == {"S": "Cid"}


def test_unreadable_items_are_counted_and_skipped(ddb: Any, s3: Any, bucket: str) -> None:
    lines = [
        json.dumps({"Item": {"pk": {"S": "good"}, "v": {"N": "1"}}}),
        "not json",
        json.dumps({"Item": {"v": {"N": "2"}}}),  # no key
        json.dumps({"Item": {"pk": {"S": "bad-number"}, "v": {"N": "x"}}}),
        "",
        json.dumps({"Item": {"pk": {"S": "also-good"}}}),
    ]
    s3.put_object(Bucket=bucket, Key="in/items.json", Body="\n".join(lines).encode())
    s3.put_object(Bucket=bucket, Key="in/not-gzip.json", Body=b"plain")
    table = _new_name()
    done = _import(ddb, bucket, "in/items", table)
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (5, 2, 3)
    gz = _import(ddb, bucket, "in/not-gzip", _new_name(), InputCompressionType="GZIP")
    assert (gz["ImportStatus"], gz["ErrorCount"], gz["ImportedItemCount"]) == ("COMPLETED", 1, 0)


def test_errors_failures_tokens_and_listing(
    ddb: Any, s3: Any, bucket: str, make_table: Callable[..., str]
) -> None:
    existing = make_table()
    assert error_code(
        ddb.import_table,
        S3BucketSource={"S3Bucket": bucket},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={"TableName": existing, **KEY},
    ) == ("ResourceInUseException")
    assert error_code(
        ddb.import_table,
        S3BucketSource={"S3Bucket": bucket},
        InputFormat="ION",
        TableCreationParameters={"TableName": _new_name(), **KEY},
    ) == ("ValidationException")
    missing_table = _new_name()
    failed = _import(ddb, bucket + "-missing", "", missing_table)
    assert (failed["ImportStatus"], failed["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
    assert missing_table not in ddb.list_tables()["TableNames"]

    table = _new_name()
    source = {"S3Bucket": bucket, "S3KeyPrefix": "none/"}
    params = {"InputFormat": "DYNAMODB_JSON", "TableCreationParameters": {"TableName": table, **KEY}}
    first = ddb.import_table(ClientToken="tok-1", S3BucketSource=source, **params)["ImportTableDescription"]
    again = ddb.import_table(ClientToken="tok-1", S3BucketSource=source, **params)["ImportTableDescription"]
    assert again["ImportArn"] == first["ImportArn"]
    other = {**source, "S3KeyPrefix": "other/"}
    assert (
        error_code(ddb.import_table, ClientToken="tok-1", S3BucketSource=other, **params)
        == "ImportConflictException"
    )
    assert error_code(ddb.describe_import, ImportArn=first["ImportArn"] + "0") == "ImportNotFoundException"

    seen = [s["ImportArn"] for s in all_pages(ddb.list_imports, "ImportSummaryList", PageSize=1)]
    assert {first["ImportArn"], failed["ImportArn"]} <= set(seen)
    by_table = ddb.list_imports(TableArn=first["TableArn"])["ImportSummaryList"]
    assert [(s["ImportArn"], s["ImportStatus"]) for s in by_table] == [(first["ImportArn"], "COMPLETED")]
