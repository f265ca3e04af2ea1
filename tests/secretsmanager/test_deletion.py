"""Deletion with a recovery window, computed from stored times: the secret is recoverable until
its DeletionDate, and gone once the clock passes it (frozen and moved with time-machine)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from tests.secretsmanager.helpers import NOT_FOUND, error_of

START = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_a_secret_is_recoverable_until_its_deletion_date_then_gone(sm: Any) -> None:
    with time_machine.travel(START, tick=False):
        first = sm.create_secret(Name="windowed", SecretString="v1", Tags=[{"Key": "k", "Value": "v"}])
        deleted = sm.delete_secret(SecretId="windowed", RecoveryWindowInDays=7)
        assert deleted["DeletionDate"] == START + dt.timedelta(days=7)
        assert sm.describe_secret(SecretId="windowed")["DeletedDate"] == START
    with time_machine.travel(START + dt.timedelta(days=6, hours=23), tick=False):
        assert [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]] == ["windowed"]
        assert sm.list_secrets()["SecretList"] == []
    with time_machine.travel(START + dt.timedelta(days=7), tick=False):
        assert error_of(lambda: sm.describe_secret(SecretId="windowed")) == NOT_FOUND
        assert error_of(lambda: sm.restore_secret(SecretId="windowed")) == NOT_FOUND
        assert error_of(lambda: sm.get_secret_value(SecretId=first["ARN"])) == NOT_FOUND
        assert sm.list_secrets(IncludePlannedDeletion=True)["SecretList"] == []
        again = sm.create_secret(Name="windowed", SecretString="v2")  # the name is free again
        assert again["ARN"] != first["ARN"]
        described = sm.describe_secret(SecretId="windowed")
        assert "Tags" not in described  # nothing of the old secret carried over
        assert sm.get_secret_value(SecretId="windowed")["SecretString"] == "v2"


def test_restore_within_the_window_keeps_everything(sm: Any) -> None:
    with time_machine.travel(START, tick=False):
        made = sm.create_secret(Name="kept", SecretString="v1", Description="d")
        sm.delete_secret(SecretId="kept")  # the default window: 30 days
    with time_machine.travel(START + dt.timedelta(days=29, hours=23), tick=False):
        assert sm.restore_secret(SecretId=made["ARN"])["ARN"] == made["ARN"]
    with time_machine.travel(START + dt.timedelta(days=40), tick=False):
        described = sm.describe_secret(SecretId="kept")
        assert described["Description"] == "d" and "DeletedDate" not in described
        assert sm.get_secret_value(SecretId="kept")["SecretString"] == "v1"
