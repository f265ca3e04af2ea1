"""Secrets Manager fixtures: ``sm``, a boto3 client for each mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def sm(aws_client: Callable[..., Any]) -> Any:
    return aws_client("secretsmanager")
