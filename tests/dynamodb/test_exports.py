"""Table exports to S3: the files a full DynamoDB JSON export leaves in the bucket (data and
manifests, read back with S3), describe and list, idempotent client tokens, and the errors and
failures DynamoDB reports."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from .helpers import all_pages, error_code


@pytest.fixture
def exported(ddb: Any, make_table: Callable[..., str]) -> tuple[str, str]:
    """A table with point-in-time recovery on and three items; (name, ARN)."""
    table = make_table(range=("sk", "N"))
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    for i in range(3):
        ddb.put_item(
            TableName=table, Item={"pk": {"S": f"p{i}"}, "sk": {"N": str(i)}, "b": {"B": bytes([i, 255])}}
        )
    return table, ddb.describe_table(TableName=table)["Table"]["TableArn"]


def _body(s3: Any, bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()  # type: ignore[no-any-return]


def test_a_full_export_leaves_the_items_and_manifests_in_the_bucket(
    ddb: Any, s3: Any, exported: tuple[str, str]
) -> None:
    table, arn = exported
    s3.create_bucket(Bucket=f"{table}-exports")
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=f"{table}-exports", S3Prefix="nightly")
    desc = started["ExportDescription"]
    assert (desc["ExportStatus"], desc["ExportFormat"], desc["ExportType"]) == (
        "IN_PROGRESS",
        "DYNAMODB_JSON",
        "FULL_EXPORT",
    )
    export_id = desc["ExportArn"].rsplit("/", 1)[1]
    assert desc["ExportArn"] == f"{arn}/export/{export_id}"
    assert desc["ExportManifest"] == f"nightly/AWSDynamoDB/{export_id}/manifest-summary.json"
    done = ddb.describe_export(ExportArn=desc["ExportArn"])["ExportDescription"]
    assert (done["ExportStatus"], done["ItemCount"]) == ("COMPLETED", 3)

    bucket = f"{table}-exports"
    summary = json.loads(_body(s3, bucket, done["ExportManifest"]))
    assert (summary["exportArn"], summary["itemCount"], summary["outputFormat"]) == (
        desc["ExportArn"],
        3,
        "DYNAMODB_JSON",
    )
    summary_md5 = _body(s3, bucket, done["ExportManifest"].replace(".json", ".md5")).decode()
    assert summary_md5 == hashlib.md5(_body(s3, bucket, done["ExportManifest"])).hexdigest()
    files = [
        json.loads(line) for line in _body(s3, bucket, summary["manifestFilesS3Key"]).decode().splitlines()
    ]
    assert [f["itemCount"] for f in files] == [3]
    data = _body(s3, bucket, files[0]["dataFileS3Key"])
    assert files[0]["md5Checksum"] == base64.b64encode(hashlib.md5(data).digest()).decode()
    items = [json.loads(line)["Item"] for line in gzip.decompress(data).decode().splitlines()]
    assert sorted((i["pk"]["S"], i["sk"]["N"], i["b"]["B"]) for i in items) == [
        ("p0", "0", "AP8="),
        ("p1", "1", "Af8="),
        ("p2", "2", "Av8="),
    ]
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == sorted(
        [
            f"nightly/AWSDynamoDB/{export_id}/manifest-files.json",
            f"nightly/AWSDynamoDB/{export_id}/manifest-files.md5",
            f"nightly/AWSDynamoDB/{export_id}/manifest-summary.json",
            f"nightly/AWSDynamoDB/{export_id}/manifest-summary.md5",
            files[0]["dataFileS3Key"],
        ]
    )
    assert files[0]["dataFileS3Key"].startswith(f"nightly/AWSDynamoDB/{export_id}/data/")


def test_list_client_tokens_and_failures(ddb: Any, s3: Any, exported: tuple[str, str]) -> None:
    table, arn = exported
    bucket = f"{table}-exports"
    s3.create_bucket(Bucket=bucket)
    first = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, ClientToken="tok-1")[
        "ExportDescription"
    ]
    again = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, ClientToken="tok-1")[
        "ExportDescription"
    ]
    assert again["ExportArn"] == first["ExportArn"]
    assert error_code(
        ddb.export_table_to_point_in_time,
        TableArn=arn,
        S3Bucket=bucket,
        S3Prefix="other",
        ClientToken="tok-1",
    ) == ("ExportConflictException")
    failed = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=f"{table}-missing")["ExportDescription"]
    assert failed["ExportStatus"] == "IN_PROGRESS"
    described = ddb.describe_export(ExportArn=failed["ExportArn"])["ExportDescription"]
    assert (described["ExportStatus"], described["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
    seen = [
        s["ExportArn"] for s in all_pages(ddb.list_exports, "ExportSummaries", TableArn=arn, MaxResults=1)
    ]
    assert sorted(seen) == sorted([first["ExportArn"], failed["ExportArn"]])
    assert error_code(ddb.describe_export, ExportArn=first["ExportArn"] + "0") == "ExportNotFoundException"
    assert error_code(ddb.list_exports, NextToken="not hex") == "ValidationException"


def test_export_needs_point_in_time_recovery_and_a_time_inside_it(
    ddb: Any, make_table: Callable[..., str], exported: tuple[str, str]
) -> None:
    plain = make_table()
    plain_arn = ddb.describe_table(TableName=plain)["Table"]["TableArn"]
    assert error_code(ddb.export_table_to_point_in_time, TableArn=plain_arn, S3Bucket="any-bucket") == (
        "PointInTimeRecoveryUnavailableException"
    )
    assert error_code(
        ddb.export_table_to_point_in_time, TableArn=plain_arn + "-gone", S3Bucket="any-bucket"
    ) == ("TableNotFoundException")
    _, arn = exported
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert error_code(
        ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket="any-bucket", ExportTime=long_ago
    ) == ("InvalidExportTimeException")
    assert error_code(
        ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket="any-bucket", ExportFormat="ION"
    ) == ("ValidationException")
    assert ddb.list_exports(TableArn=arn)["ExportSummaries"] == []
