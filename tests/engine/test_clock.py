"""awsmock's time is the one clock users freeze in their tests, with time-machine or freezegun."""

from __future__ import annotations

import datetime as dt

import boto3
import freezegun
import time_machine

from awsmock import mock_aws


def _created() -> dt.datetime:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="clocked")
    return s3.list_buckets()["Buckets"][0]["CreationDate"]  # type: ignore[no-any-return]


def test_time_machine_moves_awsmocks_clock() -> None:
    with mock_aws(), time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), tick=False):
        assert _created() == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def test_freezegun_freezes_awsmocks_clock() -> None:
    with mock_aws(), freezegun.freeze_time("2031-06-01 12:00:00"):
        assert _created() == dt.datetime(2031, 6, 1, 12, tzinfo=dt.UTC)
