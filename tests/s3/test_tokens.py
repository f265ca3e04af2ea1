"""Continuation tokens: each continues its own listing, and S3 refuses any other with
InvalidArgument (the token echoed in ArgumentValue)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.s3.conftest import unique
from tests.s3.helpers import client_error


def _refused(call: Callable[..., Any], token: str, **kw: Any) -> None:
    err = client_error(call, ContinuationToken=token, **kw)
    assert (err["Status"], err["Code"], err["Message"]) == (
        400,
        "InvalidArgument",
        "The continuation token provided is incorrect",
    )
    assert (err["ArgumentName"], err["ArgumentValue"]) == ("continuation-token", token)


@pytest.fixture
def two_buckets(s3: Any) -> tuple[str, str]:
    names = (unique("tka"), unique("tkb"))
    for name in names:
        s3.create_bucket(Bucket=name)
        for key in ("a", "b", "c"):
            s3.put_object(Bucket=name, Key=key, Body=b"x")
    return names


def test_list_objects_v2_tokens_belong_to_their_bucket(s3: Any, two_buckets: tuple[str, str]) -> None:
    first, second = two_buckets
    token = s3.list_objects_v2(Bucket=first, MaxKeys=1)["NextContinuationToken"]
    rest = s3.list_objects_v2(Bucket=first, ContinuationToken=token)
    assert [o["Key"] for o in rest["Contents"]] == ["b", "c"]
    _refused(s3.list_objects_v2, token, Bucket=second)
    made_up = base64.b64encode(json.dumps({"s": f"ListObjectsV2/{first}", "k": ["after", "a", 1]}).encode())
    _refused(s3.list_objects_v2, made_up.decode(), Bucket=first)


def test_list_buckets_refuses_tokens_it_did_not_give(s3: Any, two_buckets: tuple[str, str]) -> None:
    objects_token = s3.list_objects_v2(Bucket=two_buckets[0], MaxKeys=1)["NextContinuationToken"]
    for bad in ("garbage!!", base64.urlsafe_b64encode(b"tka-").decode(), objects_token):
        _refused(s3.list_buckets, bad)
    token = s3.list_buckets(Prefix="tk", MaxBuckets=1)["ContinuationToken"]
    assert s3.list_buckets(Prefix="tk", MaxBuckets=1, ContinuationToken=token)["Buckets"]


def test_configuration_list_tokens_belong_to_their_bucket(s3: Any, two_buckets: tuple[str, str]) -> None:
    first, second = two_buckets
    for bucket in two_buckets:
        for i in range(101):
            s3.put_bucket_metrics_configuration(
                Bucket=bucket, Id=f"m{i:03d}", MetricsConfiguration={"Id": f"m{i:03d}"}
            )
    token = s3.list_bucket_metrics_configurations(Bucket=first)["NextContinuationToken"]
    last = s3.list_bucket_metrics_configurations(Bucket=first, ContinuationToken=token)
    assert [c["Id"] for c in last["MetricsConfigurationList"]] == ["m100"] and not last["IsTruncated"]
    _refused(s3.list_bucket_metrics_configurations, token, Bucket=second)
