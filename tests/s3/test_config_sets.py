"""Bucket configurations kept by id (analytics, inventory, metrics, Intelligent-Tiering): put,
read back, replace, list by pages of 100, delete; the errors S3 answers."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import client_error

ANALYTICS = {
    "Id": "a1",
    "Filter": {"Prefix": "logs/"},
    "StorageClassAnalysis": {
        "DataExport": {
            "OutputSchemaVersion": "V_1",
            "Destination": {
                "S3BucketDestination": {"Format": "CSV", "Bucket": "arn:aws:s3:::dest", "Prefix": "analytics"}
            },
        }
    },
}
INVENTORY = {
    "Id": "i1",
    "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::dest", "Format": "CSV", "Prefix": "inv"}},
    "IsEnabled": True,
    "Filter": {"Prefix": "data/"},
    "IncludedObjectVersions": "Current",
    "OptionalFields": ["Size", "ETag"],
    "Schedule": {"Frequency": "Daily"},
}
METRICS = {"Id": "m1", "Filter": {"And": {"Prefix": "p/", "Tags": [{"Key": "team", "Value": "a"}]}}}
TIERING = {
    "Id": "t1",
    "Filter": {"Prefix": "cold/"},
    "Status": "Enabled",
    "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}],
}
KINDS = [
    ("Analytics", ANALYTICS),
    ("Inventory", INVENTORY),
    ("Metrics", METRICS),
    ("IntelligentTiering", TIERING),
]


def _snake(kind: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in kind).lstrip("_")


def _calls(s3: Any, kind: str) -> tuple[Any, Any, Any, Any]:
    name = _snake(kind)
    return (
        getattr(s3, f"put_bucket_{name}_configuration"),
        getattr(s3, f"get_bucket_{name}_configuration"),
        getattr(s3, f"delete_bucket_{name}_configuration"),
        getattr(s3, f"list_bucket_{name}_configurations"),
    )


@pytest.mark.parametrize(("kind", "doc"), KINDS, ids=[k for k, _ in KINDS])
def test_put_get_replace_list_delete(s3: Any, bucket: str, kind: str, doc: dict[str, Any]) -> None:
    put, get, delete, list_ = _calls(s3, kind)
    member, listed = f"{kind}Configuration", f"{kind}ConfigurationList"
    assert list_(Bucket=bucket).get(listed, []) == []
    put(Bucket=bucket, Id=doc["Id"], **{member: doc})
    assert get(Bucket=bucket, Id=doc["Id"])[member] == doc
    other = {**doc, "Id": "b-other"}
    put(Bucket=bucket, Id="b-other", **{member: other})
    replaced = {**doc, "Filter": {"Prefix": "changed/"}}
    put(Bucket=bucket, Id=doc["Id"], **{member: replaced})
    got = list_(Bucket=bucket)
    assert (got["IsTruncated"], got[listed]) == (False, sorted([replaced, other], key=lambda d: d["Id"]))
    delete(Bucket=bucket, Id=doc["Id"])
    gone = client_error(get, Bucket=bucket, Id=doc["Id"])
    assert (gone["Status"], gone["Code"]) == (404, "NoSuchConfiguration")
    assert gone["Message"] == "The specified configuration does not exist."
    assert [d["Id"] for d in list_(Bucket=bucket)[listed]] == ["b-other"]


@pytest.mark.parametrize(("kind", "doc"), KINDS, ids=[k for k, _ in KINDS])
def test_errors_change_nothing(s3: Any, bucket: str, kind: str, doc: dict[str, Any]) -> None:
    put, get, delete, list_ = _calls(s3, kind)
    member = f"{kind}Configuration"
    assert client_error(delete, Bucket=bucket, Id="nope")["Code"] == "NoSuchConfiguration"
    assert (
        client_error(put, Bucket=bucket, Id="not-the-documents-id", **{member: doc})["Code"] == "MalformedXML"
    )
    assert (
        client_error(put, Bucket=bucket + "-missing", Id=doc["Id"], **{member: doc})["Code"] == "NoSuchBucket"
    )
    assert client_error(get, Bucket=bucket, Id="not-the-documents-id")["Code"] == "NoSuchConfiguration"
    assert list_(Bucket=bucket).get(f"{kind}ConfigurationList", []) == []


def test_lists_come_in_pages_of_100_by_id(s3: Any, bucket: str) -> None:
    ids = [f"m{i:03d}" for i in range(230)]
    for i in reversed(ids):
        s3.put_bucket_metrics_configuration(Bucket=bucket, Id=i, MetricsConfiguration={"Id": i})
    seen, token, pages, first_token = [], None, 0, ""
    while True:
        kw = {"ContinuationToken": token} if token else {}
        page = s3.list_bucket_metrics_configurations(Bucket=bucket, **kw)
        pages += 1
        seen += [c["Id"] for c in page["MetricsConfigurationList"]]
        assert page.get("ContinuationToken") == token
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
        first_token = first_token or token
    assert (seen, pages) == (ids, 3)
    for bad in ("%%%", "bm90IGEgdG9rZW4=", first_token):  # not base64; no kind; another kind's
        got = client_error(s3.list_bucket_analytics_configurations, Bucket=bucket, ContinuationToken=bad)
        assert (got["Status"], got["Code"]) == (400, "InvalidArgument")


def test_a_bucket_holds_at_most_1000_of_a_kind(s3: Any, bucket: str) -> None:
    for i in range(1000):
        s3.put_bucket_metrics_configuration(Bucket=bucket, Id=f"m{i}", MetricsConfiguration={"Id": f"m{i}"})
    too_many = client_error(
        s3.put_bucket_metrics_configuration,
        Bucket=bucket,
        Id="one-more",
        MetricsConfiguration={"Id": "one-more"},
    )
    assert too_many["Code"] == "TooManyConfigurations"
    # replacing one is still allowed, and another kind has its own limit
    s3.put_bucket_metrics_configuration(
        Bucket=bucket, Id="m7", MetricsConfiguration={"Id": "m7", "Filter": {"Prefix": "x"}}
    )
    s3.put_bucket_analytics_configuration(
        Bucket=bucket, Id="a", AnalyticsConfiguration={"Id": "a", "StorageClassAnalysis": {}}
    )
    assert s3.get_bucket_metrics_configuration(Bucket=bucket, Id="m7")["MetricsConfiguration"]["Filter"] == {
        "Prefix": "x"
    }
    assert (
        client_error(s3.get_bucket_metrics_configuration, Bucket=bucket, Id="one-more")["Code"]
        == "NoSuchConfiguration"
    )
