"""A bucket's tags: a whole set replaced by PutBucketTagging, refused in S3's words, gone with
DeleteBucketTagging and with the bucket, kept by snapshots and emptied by a reset."""

from __future__ import annotations

from typing import Any

import boto3
import falcon.testing
import pytest
from botocore.config import Config

import awsmock
from awsmock.api.app import AwsmockApp
from tests.helpers import BOTO_CONFIG
from tests.s3.conftest import unique
from tests.s3.helpers import client_error


def _tags(pairs: dict[str, str]) -> dict[str, Any]:
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs.items()]}


@pytest.mark.modes("postgres")
def test_put_replaces_the_whole_set_and_delete_forgets_it(s3: Any, bucket: str) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tags({"env": "test", "team": "s3", "empty": ""}))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [
        {"Key": "empty", "Value": ""},
        {"Key": "env", "Value": "test"},
        {"Key": "team", "Value": "s3"},
    ]
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tags({"team": "web", "ключ": "значение"}))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [
        {"Key": "team", "Value": "web"},
        {"Key": "ключ", "Value": "значение"},
    ]
    s3.delete_bucket_tagging(Bucket=bucket)
    err = client_error(s3.get_bucket_tagging, Bucket=bucket)
    assert (err["Code"], err["Message"], err["BucketName"], err["Status"]) == (
        "NoSuchTagSet",
        "The TagSet does not exist",
        bucket,
        404,
    )
    s3.delete_bucket_tagging(Bucket=bucket)  # nothing to delete: still fine


def test_an_empty_set_leaves_the_bucket_no_tags(s3: Any, bucket: str) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tags({"a": "1"}))
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    assert client_error(s3.get_bucket_tagging, Bucket=bucket)["Code"] == "NoSuchTagSet"


def test_each_bucket_has_its_own_tags(s3: Any, bucket: str) -> None:
    other = unique()
    s3.create_bucket(Bucket=other)
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tags({"who": "first"}))
    s3.put_bucket_tagging(Bucket=other, Tagging=_tags({"who": "second"}))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "who", "Value": "first"}]
    assert s3.get_bucket_tagging(Bucket=other)["TagSet"] == [{"Key": "who", "Value": "second"}]


def test_a_bucket_made_again_does_not_inherit_the_tags_of_the_deleted_one(s3: Any) -> None:
    name = unique()
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging=_tags({"old": "yes"}))
    s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)
    assert client_error(s3.get_bucket_tagging, Bucket=name)["Code"] == "NoSuchTagSet"


def test_a_bucket_in_another_partition_keeps_its_tags_whoever_asks(make_client: Any) -> None:
    china = make_client("s3", region="cn-north-1")
    name = unique()
    china.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    china.put_bucket_tagging(Bucket=name, Tagging=_tags({"where": "beijing"}))
    for client in (china, make_client("s3", region="us-east-1")):
        assert client.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "where", "Value": "beijing"}]
    make_client("s3", region="eu-west-1").delete_bucket_tagging(Bucket=name)
    assert client_error(china.get_bucket_tagging, Bucket=name)["Code"] == "NoSuchTagSet"


def test_tagging_a_missing_bucket(s3: Any) -> None:
    for call, kwargs in (
        (s3.put_bucket_tagging, {"Tagging": _tags({"a": "1"})}),
        (s3.get_bucket_tagging, {}),
        (s3.delete_bucket_tagging, {}),
    ):
        err = client_error(call, Bucket="no-such-bucket-here", **kwargs)
        assert (err["Code"], err["BucketName"], err["Status"]) == ("NoSuchBucket", "no-such-bucket-here", 404)


def test_another_accounts_bucket_is_refused(make_client: Any) -> None:
    mine = make_client("s3")
    name = unique()
    mine.create_bucket(Bucket=name)
    mine.put_bucket_tagging(Bucket=name, Tagging=_tags({"a": "1"}))
    theirs = make_client("s3", aws_access_key_id="210987654321", aws_secret_access_key="x")
    for call, kwargs in (
        (theirs.put_bucket_tagging, {"Tagging": _tags({"b": "2"})}),
        (theirs.get_bucket_tagging, {}),
        (theirs.delete_bucket_tagging, {}),
    ):
        assert client_error(call, Bucket=name, **kwargs)["Code"] == "AccessDenied"
    assert mine.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "a", "Value": "1"}]


LONG_KEY = "k" * 129
LONG_VALUE = "v" * 257


@pytest.mark.parametrize(
    ("tag_set", "message", "tag_key"),
    [
        (
            [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
            "Cannot provide multiple Tags with the same key",
            "a",
        ),
        (
            [{"Key": f"k{i}", "Value": "v"} for i in range(51)],
            "Bucket tag count cannot be greater than 50",
            None,
        ),
        # the count is refused before any one tag is looked at
        (
            [{"Key": LONG_KEY, "Value": "v"}] + [{"Key": f"k{i}", "Value": "v"} for i in range(50)],
            "Bucket tag count cannot be greater than 50",
            None,
        ),
        ([{"Key": LONG_KEY, "Value": "v"}], "The TagKey you have provided is too long, max 128", LONG_KEY),
        ([{"Key": "k", "Value": LONG_VALUE}], "The TagValue you have provided is too long, max 256", "k"),
        (
            [{"Key": "aws:cloudformation:stack", "Value": "v"}],
            "System tags cannot be added/updated by requester",
            None,
        ),
        ([{"Key": "AWS:x", "Value": "v"}], "System tags cannot be added/updated by requester", None),
        # the first broken tag decides
        (
            [{"Key": "ok", "Value": LONG_VALUE}, {"Key": LONG_KEY, "Value": "v"}],
            "The TagValue you have provided is too long, max 256",
            "ok",
        ),
    ],
)
def test_a_refused_set_changes_nothing(
    s3: Any, bucket: str, tag_set: list[dict[str, str]], message: str, tag_key: str | None
) -> None:
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tags({"kept": "yes"}))
    err = client_error(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": tag_set})
    assert (err["Code"], err["Message"], err["Status"], err.get("TagKey")) == (
        "InvalidTag",
        message,
        400,
        tag_key,
    )
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "kept", "Value": "yes"}]


def test_fifty_tags_of_the_longest_keys_and_values_are_kept(s3: Any, bucket: str) -> None:
    tag_set = [{"Key": f"{i:02d}".ljust(128, "k"), "Value": "v" * 256} for i in range(50)]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_set})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tag_set


def test_an_empty_key_is_refused(make_client: Any, bucket: str) -> None:
    """S3's model gives a tag key one character at least (an SDK checks it before sending)."""
    raw = make_client("s3", config=BOTO_CONFIG.merge(Config(parameter_validation=False)))
    err = client_error(raw.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [{"Key": "", "Value": "v"}]})
    assert (err["Code"], err["Message"], err["Status"]) == (
        "InvalidTag",
        "The TagKey you have provided is invalid",
        400,
    )
    assert client_error(raw.get_bucket_tagging, Bucket=bucket)["Code"] == "NoSuchTagSet"


def test_a_tag_without_a_value_is_malformed(make_client: Any, bucket: str) -> None:
    raw = make_client("s3", config=BOTO_CONFIG.merge(Config(parameter_validation=False)))
    err = client_error(raw.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [{"Key": "k"}]})
    assert (err["Code"], err["Status"]) == ("MalformedXML", 400)


def test_create_bucket_with_tags(s3: Any) -> None:
    name = unique()
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": [{"Key": "made", "Value": "with tags"}]})
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "made", "Value": "with tags"}]
    refused = unique()
    err = client_error(
        s3.create_bucket, Bucket=refused, CreateBucketConfiguration={"Tags": [{"Key": "aws:x", "Value": "v"}]}
    )
    assert (err["Code"], err["Message"]) == ("InvalidTag", "System tags cannot be added/updated by requester")
    assert client_error(s3.head_bucket, Bucket=refused)["Status"] == 404


def test_snapshots_keep_and_resets_forget_bucket_tags() -> None:
    with awsmock.mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="kept-tags")
        s3.put_bucket_tagging(Bucket="kept-tags", Tagging=_tags({"v": "1"}))
        awsmock.snapshot("s3-tags-kept")
        s3.put_bucket_tagging(Bucket="kept-tags", Tagging=_tags({"v": "2"}))
        awsmock.restore("s3-tags-kept")
        assert s3.get_bucket_tagging(Bucket="kept-tags")["TagSet"] == [{"Key": "v", "Value": "1"}]
        awsmock.reset(["sqs"])  # another service's reset leaves them
        assert s3.get_bucket_tagging(Bucket="kept-tags")["TagSet"] == [{"Key": "v", "Value": "1"}]
        awsmock.reset(["s3"])
        s3.create_bucket(Bucket="kept-tags")
        assert client_error(s3.get_bucket_tagging, Bucket="kept-tags")["Code"] == "NoSuchTagSet"


def test_the_dashboard_shows_each_buckets_tags(app: AwsmockApp, inprocess_client: Any) -> None:
    s3, china = inprocess_client("s3"), inprocess_client("s3", region="cn-north-1")
    s3.create_bucket(Bucket="dash-tagged")
    s3.create_bucket(Bucket="dash-untagged")
    s3.create_bucket(Bucket="dash-emptied")
    china.create_bucket(Bucket="dash-china", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    s3.put_bucket_tagging(Bucket="dash-tagged", Tagging=_tags({"team": "web", "env": "dev"}))
    s3.put_bucket_tagging(Bucket="dash-emptied", Tagging=_tags({"gone": "soon"}))
    s3.delete_bucket_tagging(Bucket="dash-emptied")
    china.put_bucket_tagging(Bucket="dash-china", Tagging=_tags({"where": "beijing"}))
    body = falcon.testing.TestClient(app).simulate_get("/_awsmock/dashboard/s3/resources").json
    [buckets] = [g for g in body["groups"] if g["kind"] == "buckets"]
    assert {row["name"]: row["tags"] for row in buckets["items"]} == {
        "dash-china": {"where": "beijing"},
        "dash-emptied": {},
        "dash-tagged": {"env": "dev", "team": "web"},
        "dash-untagged": {},
    }
