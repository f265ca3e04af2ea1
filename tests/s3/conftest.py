"""S3 fixtures: a boto3 S3 client per mode (in-process and server) and a fresh bucket."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def s3(aws_client: Callable[..., Any]) -> Any:
    return aws_client("s3")


@pytest.fixture
def make_client(aws_client: Callable[..., Any]) -> Callable[..., Any]:
    return aws_client


def unique(prefix: str = "bkt") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def bucket(s3: Any) -> str:
    name = unique()
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def versioned(s3: Any, bucket: str) -> str:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket
