"""DynamoDB fixtures: ``ddb`` (client), ``ddb_resource`` (boto3 resource), ``streams`` (the
dynamodbstreams client), each for both modes through ``aws_client``; ``make_table`` for tables."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from tests.helpers import BOTO_CONFIG


@pytest.fixture
def ddb(aws_client: Callable[..., Any]) -> Any:
    return aws_client("dynamodb")


@pytest.fixture
def streams(aws_client: Callable[..., Any]) -> Any:
    return aws_client("dynamodbstreams")


@pytest.fixture
def ddb_resource(ddb: Any) -> Any:
    """A boto3 resource whose requests take the same path as ``ddb``'s (any mode)."""
    resource = boto3.resource(
        "dynamodb",
        endpoint_url=ddb.meta.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=BOTO_CONFIG,
    )

    def forward(request: Any, **_: Any) -> Any:
        responses = ddb.meta.events.emit("before-send.dynamodb", request=request)
        return next((r for _, r in responses if r is not None), None)

    resource.meta.client.meta.events.register("before-send", forward)
    return resource


def key_schema(hash_key: str, range_key: str | None = None) -> list[dict[str, str]]:
    out = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        out.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return out


@pytest.fixture
def make_table(ddb: Any) -> Callable[..., str]:
    """``make_table(hash=("pk", "S"), range=None, **create_table_kwargs)`` -> table name."""

    def make(
        hash: tuple[str, str] = ("pk", "S"),
        range: tuple[str, str] | None = None,
        name: str | None = None,
        extra_attributes: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
        **kw: Any,
    ) -> str:
        tname = name or f"t-{uuid.uuid4().hex[:10]}"
        attrs = [hash] + ([range] if range else []) + list(extra_attributes)
        kw.setdefault("BillingMode", "PAY_PER_REQUEST")
        ddb.create_table(
            TableName=tname,
            KeySchema=key_schema(hash[0], range[0] if range else None),
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in attrs],
            **kw,
        )
        return tname

    return make


@pytest.fixture
def s3(aws_client: Callable[..., Any]) -> Any:
    """An S3 client on the same state as ``ddb`` (exports and imports)."""
    return aws_client("s3")
