"""On-demand backups: a backup keeps the table's items and definition as they were; a restore
makes an independent table from it (indexes rebuilt, overrides applied); list, describe and
delete; the errors DynamoDB answers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from .helpers import error, error_code


def _items(ddb: Any, table: str) -> list[dict[str, Any]]:
    return sorted(ddb.scan(TableName=table)["Items"], key=lambda i: (i["pk"]["S"], i["sk"]["N"]))


@pytest.fixture
def indexed(make_table: Callable[..., str], ddb: Any) -> str:
    table = make_table(
        hash=("pk", "S"),
        range=("sk", "N"),
        extra_attributes=[("g", "S")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    for i in range(25):
        item = {"pk": {"S": f"p{i % 3}"}, "sk": {"N": str(i)}, "v": {"B": bytes([i])}}
        if i % 2 == 0:
            item["g"] = {"S": f"g{i % 4}"}
        ddb.put_item(TableName=table, Item=item)
    return table


def test_a_restore_brings_back_the_items_and_indexes_as_they_were(ddb: Any, indexed: str) -> None:
    before = _items(ddb, indexed)
    made = ddb.create_backup(TableName=indexed, BackupName="nightly.1")["BackupDetails"]
    assert (made["BackupName"], made["BackupType"], made["BackupStatus"]) == ("nightly.1", "USER", "CREATING")
    assert made["BackupArn"].startswith(
        ddb.describe_table(TableName=indexed)["Table"]["TableArn"] + "/backup/"
    )
    ddb.put_item(TableName=indexed, Item={"pk": {"S": "late"}, "sk": {"N": "99"}, "g": {"S": "g0"}})
    ddb.delete_item(TableName=indexed, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}})

    target = f"restored-{uuid.uuid4().hex[:8]}"
    restored = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=made["BackupArn"])[
        "TableDescription"
    ]
    assert restored["TableName"] == target and restored["ItemCount"] == 25
    summary = restored["RestoreSummary"]
    assert (summary["SourceBackupArn"], summary["RestoreInProgress"]) == (made["BackupArn"], False)
    assert "StreamSpecification" not in restored and "LatestStreamArn" not in restored
    assert _items(ddb, target) == before
    by_g = ddb.query(
        TableName=target,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "g0"}},
    )["Items"]
    assert sorted(int(i["sk"]["N"]) for i in by_g) == [0, 4, 8, 12, 16, 20, 24]
    described = ddb.describe_table(TableName=target)["Table"]
    assert described["RestoreSummary"]["SourceTableArn"] == made["BackupArn"].split("/backup/")[0]
    assert described["GlobalSecondaryIndexes"][0]["ItemCount"] == 13
    # the restored table and the source are independent
    ddb.put_item(TableName=target, Item={"pk": {"S": "only-restored"}, "sk": {"N": "1"}})
    assert "Item" not in ddb.get_item(TableName=indexed, Key={"pk": {"S": "only-restored"}, "sk": {"N": "1"}})


def test_a_backup_outlives_its_table_and_restores_with_overrides(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    table = make_table(
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    arn = ddb.create_backup(TableName=table, BackupName="before-drop")["BackupDetails"]["BackupArn"]
    ddb.delete_table(TableName=table)
    desc = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert desc["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    source = desc["SourceTableDetails"]
    assert (source["TableName"], source["ItemCount"], source["BillingMode"]) == (table, 1, "PROVISIONED")
    assert source["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    restored = ddb.restore_table_from_backup(
        TargetTableName=table, BackupArn=arn, BillingModeOverride="PAY_PER_REQUEST"
    )
    assert restored["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]["n"] == {"N": "1"}
    assert error(ddb.restore_table_from_backup, TargetTableName=table, BackupArn=arn) == (
        "TableAlreadyExistsException",
        f"Table already exists: {table}",
    )


def test_list_describe_delete_and_errors(ddb: Any, make_table: Callable[..., str]) -> None:
    first, second = make_table(), make_table()
    arns = [
        ddb.create_backup(TableName=first, BackupName=f"backup-{i}")["BackupDetails"]["BackupArn"]
        for i in range(3)
    ]
    other = ddb.create_backup(TableName=second, BackupName="other")["BackupDetails"]["BackupArn"]
    mine = ddb.list_backups(TableName=first)["BackupSummaries"]
    assert [s["BackupArn"] for s in mine] == arns
    assert {s["TableName"] for s in mine} == {first} and all(s["BackupStatus"] == "AVAILABLE" for s in mine)
    page = ddb.list_backups(TableName=first, Limit=2)
    assert [s["BackupArn"] for s in page["BackupSummaries"]] == arns[:2]
    rest = ddb.list_backups(TableName=first, Limit=2, ExclusiveStartBackupArn=page["LastEvaluatedBackupArn"])
    assert [s["BackupArn"] for s in rest["BackupSummaries"]] == arns[
        2:
    ] and "LastEvaluatedBackupArn" not in rest
    everything = {s["BackupArn"] for s in ddb.list_backups()["BackupSummaries"]}
    assert set(arns) | {other} <= everything
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert ddb.list_backups(TableName=first, TimeRangeLowerBound=future)["BackupSummaries"] == []
    assert ddb.list_backups(TableName=first, BackupType="SYSTEM")["BackupSummaries"] == []

    deleted = ddb.delete_backup(BackupArn=arns[0])["BackupDescription"]["BackupDetails"]
    assert (deleted["BackupArn"], deleted["BackupStatus"]) == (arns[0], "DELETED")
    gone = f"Backup not found: {arns[0]}"
    assert error(ddb.describe_backup, BackupArn=arns[0]) == ("BackupNotFoundException", gone)
    assert error(ddb.delete_backup, BackupArn=arns[0]) == ("BackupNotFoundException", gone)
    assert error(ddb.restore_table_from_backup, TargetTableName="x-new", BackupArn=arns[0])[0] == (
        "BackupNotFoundException"
    )
    assert [s["BackupArn"] for s in ddb.list_backups(TableName=first)["BackupSummaries"]] == arns[1:]
    assert error(ddb.create_backup, TableName="no-such-table", BackupName="xyz") == (
        "TableNotFoundException",
        "Table not found: no-such-table",
    )


def test_a_point_in_time_restore_copies_the_table_as_it_is(ddb: Any, indexed: str) -> None:
    assert error_code(
        ddb.restore_table_to_point_in_time, SourceTableName=indexed, TargetTableName="pitr-x"
    ) == ("PointInTimeRecoveryUnavailableException")
    ddb.update_continuous_backups(
        TableName=indexed, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    window = ddb.describe_continuous_backups(TableName=indexed)["ContinuousBackupsDescription"]
    latest = window["PointInTimeRecoveryDescription"]["LatestRestorableDateTime"]
    target = f"pitr-{uuid.uuid4().hex[:8]}"
    arn = ddb.describe_table(TableName=indexed)["Table"]["TableArn"]
    restored = ddb.restore_table_to_point_in_time(
        SourceTableArn=arn,
        TargetTableName=target,
        RestoreDateTime=latest,
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
        GlobalSecondaryIndexOverride=[],
    )["TableDescription"]
    assert (
        restored["RestoreSummary"]["SourceTableArn"] == arn
        and "SourceBackupArn" not in restored["RestoreSummary"]
    )
    assert (
        restored["ProvisionedThroughput"]["WriteCapacityUnits"] == 3
        and "GlobalSecondaryIndexes" not in restored
    )
    assert _items(ddb, target) == _items(ddb, indexed)
    latest_too = ddb.restore_table_to_point_in_time(
        SourceTableName=indexed, TargetTableName=target + "-l", UseLatestRestorableTime=True
    )["TableDescription"]
    assert latest_too["ItemCount"] == 25 and latest_too["GlobalSecondaryIndexes"][0]["ItemCount"] == 13
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert error_code(
        ddb.restore_table_to_point_in_time,
        SourceTableName=indexed,
        TargetTableName="pitr-y",
        RestoreDateTime=long_ago,
    ) == ("InvalidRestoreTimeException")
    assert error_code(
        ddb.restore_table_to_point_in_time, SourceTableName=indexed, TargetTableName=target
    ) == ("TableAlreadyExistsException")
    assert error_code(
        ddb.restore_table_to_point_in_time, SourceTableName="no-such", TargetTableName="pitr-z"
    ) == ("TableNotFoundException")
