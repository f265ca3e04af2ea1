"""The encryption configuration, telemetry records kept as records, and access control on
groups and sampling rules."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from awsmock.models.xray import TelemetryRecord
from tests.xray.conftest import error_of


def test_encryption_config_defaults_to_none_and_takes_a_kms_key(xray: Any) -> None:
    assert xray.get_encryption_config()["EncryptionConfig"] == {"Type": "NONE", "Status": "ACTIVE"}
    put = xray.put_encryption_config(Type="KMS", KeyId="alias/aws/xray")["EncryptionConfig"]
    assert put == {"Type": "KMS", "KeyId": "alias/aws/xray", "Status": "UPDATING"}
    assert xray.get_encryption_config()["EncryptionConfig"] == {
        "Type": "KMS", "KeyId": "alias/aws/xray", "Status": "ACTIVE"}
    assert error_of(lambda: xray.put_encryption_config(Type="KMS"))[0] == "InvalidRequestException"
    assert error_of(lambda: xray.put_encryption_config(Type="NONE", KeyId="alias/x"))[0] == "InvalidRequestException"
    assert error_of(lambda: xray.put_encryption_config(Type="KMS", KeyId="not a key"))[0] == "InvalidRequestException"
    xray.put_encryption_config(Type="NONE")
    assert xray.get_encryption_config()["EncryptionConfig"] == {"Type": "NONE", "Status": "ACTIVE"}


def test_telemetry_records_are_kept(xray: Any, store: Any) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    xray.put_telemetry_records(
        TelemetryRecords=[{"Timestamp": now, "SegmentsReceivedCount": 5, "SegmentsSentCount": 4,
                           "BackendConnectionErrors": {"TimeoutCount": 1}}],
        EC2InstanceId="i-0123456789abcdef0", Hostname="host-1",
    )
    with store.transaction() as tx:
        [row] = tx.session.scalars(select(TelemetryRecord)).all()
        assert (row.hostname, row.instance_id, row.timestamp) == ("host-1", "i-0123456789abcdef0", now)
        assert json.loads(row.counts) == {"SegmentsReceivedCount": 5, "SegmentsSentCount": 4,
                                          "BackendConnectionErrors": {"TimeoutCount": 1}}


def test_access_control_names_groups_and_rules(clients: Callable[..., Any]) -> None:
    root = clients("iam")
    xray_root = clients("xray")
    group_arn = xray_root.create_group(GroupName="mine")["Group"]["GroupARN"]
    xray_root.create_group(GroupName="other")
    root.create_user(UserName="u")
    root.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["xray:GetGroup", "xray:DeleteSamplingRule"],
             "Resource": [group_arn, "arn:aws:xray:us-east-1:123456789012:sampling-rule/r*"]},
            {"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
        ],
    }))
    key = root.create_access_key(UserName="u")["AccessKey"]
    user = clients("xray", key)
    clients.on()
    assert user.get_group(GroupName="mine")["Group"]["GroupARN"] == group_arn
    assert error_of(lambda: user.get_group(GroupName="other"))[0] == "AccessDeniedException"
    assert error_of(lambda: user.delete_sampling_rule(RuleName="Default"))[0] == "AccessDeniedException"
    assert error_of(lambda: user.get_sampling_rules())[0] == "AccessDeniedException"
    assert user.put_trace_segments(TraceSegmentDocuments=[])["UnprocessedTraceSegments"] == []
