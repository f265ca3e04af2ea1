"""Access points: create, describe, list (by bucket, in pages), delete; their policies and policy
status; S3 requests through an access point's ARN or alias reaching its bucket."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import boto3

from awsmock import mock_aws

from .conftest import ACCOUNT, error_of

ALL_ON = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
)


def policy(principal: Any, name: str = "pol-ap") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": principal,
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/{name}/object/*",
                }
            ],
        }
    )


def test_create_get_delete(control: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="data")
    made = control.create_access_point(AccountId=ACCOUNT, Name="reader", Bucket="data")
    arn = f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/reader"
    assert made["AccessPointArn"] == arn
    alias = made["Alias"]
    assert alias.startswith("reader-") and alias.endswith("-s3alias")
    got = control.get_access_point(AccountId=ACCOUNT, Name="reader")
    assert got["Name"] == "reader" and got["Bucket"] == "data" and got["BucketAccountId"] == ACCOUNT
    assert got["NetworkOrigin"] == "Internet" and "VpcConfiguration" not in got
    assert got["PublicAccessBlockConfiguration"] == ALL_ON  # access points block all by default
    assert got["Alias"] == alias and got["AccessPointArn"] == arn
    assert got["Endpoints"]["ipv4"] == "s3-accesspoint.us-east-1.amazonaws.com"
    assert isinstance(got["CreationDate"], dt.datetime)

    code, message, status, err = error_of(
        lambda: control.create_access_point(AccountId=ACCOUNT, Name="reader", Bucket="data")
    )
    assert (code, status) == ("AccessPointAlreadyOwnedByYou", 409)
    control.delete_access_point(AccountId=ACCOUNT, Name="reader")
    code, message, status, err = error_of(lambda: control.get_access_point(AccountId=ACCOUNT, Name="reader"))
    assert (code, message, status) == ("NoSuchAccessPoint", "The specified accesspoint does not exist", 404)
    assert err["AccessPointName"] == "reader"
    assert (
        error_of(lambda: control.delete_access_point(AccountId=ACCOUNT, Name="reader"))[0]
        == "NoSuchAccessPoint"
    )


def test_vpc_origin_and_own_block(control: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="vpc-data")
    control.create_access_point(
        AccountId=ACCOUNT,
        Name="inside",
        Bucket="vpc-data",
        VpcConfiguration={"VpcId": "vpc-1234"},
        PublicAccessBlockConfiguration={"BlockPublicAcls": True},
    )
    got = control.get_access_point(AccountId=ACCOUNT, Name="inside")
    assert got["NetworkOrigin"] == "VPC" and got["VpcConfiguration"] == {"VpcId": "vpc-1234"}
    assert got["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }


def test_bad_requests_change_nothing(control: Any, s3: Any) -> None:
    code, message, status, _ = error_of(
        lambda: control.create_access_point(AccountId=ACCOUNT, Name="nowhere", Bucket="no-such-bucket")
    )
    assert (code, message, status) == ("NoSuchBucket", "The specified bucket does not exist", 404)
    s3.create_bucket(Bucket="names")

    def create(name: str) -> Any:
        return control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket="names")

    for bad in ("UPPER", "-dash", "dash-", "xn--punycode", "ends-s3alias", "under_score"):
        code = error_of(functools.partial(create, bad))[0]
        assert code == "InvalidURI", bad
    assert error_of(
        lambda: control.create_access_point(AccountId="210987654321", Name="elsewhere", Bucket="names")
    )[:3] == ("AccessDenied", "Access Denied", 403)
    assert control.list_access_points(AccountId=ACCOUNT)["AccessPointList"] == []


def test_list_by_bucket_in_pages(control: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="one")
    s3.create_bucket(Bucket="two")
    for i in range(5):
        control.create_access_point(AccountId=ACCOUNT, Name=f"one-{i}", Bucket="one")
    control.create_access_point(AccountId=ACCOUNT, Name="two-0", Bucket="two")
    names, token, pages = [], None, 0
    while True:
        kw: dict[str, str] = {"NextToken": token} if token else {}
        page = control.list_access_points(AccountId=ACCOUNT, Bucket="one", MaxResults=2, **kw)
        names += [a["Name"] for a in page["AccessPointList"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert names == [f"one-{i}" for i in range(5)] and pages == 3
    everything = control.list_access_points(AccountId=ACCOUNT)["AccessPointList"]
    assert len(everything) == 6
    two = next(a for a in everything if a["Bucket"] == "two")
    assert two["AccessPointArn"].endswith(":accesspoint/two-0") and two["Alias"].endswith("-s3alias")


def test_policies_and_status(control: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="pol")
    control.create_access_point(AccountId=ACCOUNT, Name="pol-ap", Bucket="pol")
    code, message, status, _ = error_of(
        lambda: control.get_access_point_policy(AccountId=ACCOUNT, Name="pol-ap")
    )
    assert (code, message, status) == (
        "NoSuchAccessPointPolicy",
        "The specified accesspoint policy does not exist",
        404,
    )
    private = policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    control.put_access_point_policy(AccountId=ACCOUNT, Name="pol-ap", Policy=private)
    assert control.get_access_point_policy(AccountId=ACCOUNT, Name="pol-ap")["Policy"] == private
    status_now = control.get_access_point_policy_status(AccountId=ACCOUNT, Name="pol-ap")["PolicyStatus"]
    assert status_now == {"IsPublic": False}
    # the access point blocks public policies (its default block)
    code, _, status, _ = error_of(
        lambda: control.put_access_point_policy(AccountId=ACCOUNT, Name="pol-ap", Policy=policy("*"))
    )
    assert (code, status) == ("AccessDenied", 403)
    code, message, _, _ = error_of(
        lambda: control.put_access_point_policy(AccountId=ACCOUNT, Name="pol-ap", Policy="not json")
    )
    assert (code, message) == (
        "MalformedPolicy",
        "Policies must be valid JSON and the first byte must be '{'",
    )
    assert control.get_access_point_policy(AccountId=ACCOUNT, Name="pol-ap")["Policy"] == private
    control.delete_access_point_policy(AccountId=ACCOUNT, Name="pol-ap")
    assert error_of(lambda: control.get_access_point_policy_status(AccountId=ACCOUNT, Name="pol-ap"))[0] == (
        "NoSuchAccessPointPolicy"
    )


def test_public_policy_on_an_open_access_point_and_the_account_block(control: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="open")
    control.create_access_point(
        AccountId=ACCOUNT,
        Name="open-ap",
        Bucket="open",
        PublicAccessBlockConfiguration={"BlockPublicAcls": False},
    )
    public = policy("*", "open-ap")
    control.put_access_point_policy(AccountId=ACCOUNT, Name="open-ap", Policy=public)
    assert control.get_access_point_policy_status(AccountId=ACCOUNT, Name="open-ap")["PolicyStatus"] == {
        "IsPublic": True
    }
    control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicPolicy": True}
    )
    assert (
        error_of(lambda: control.put_access_point_policy(AccountId=ACCOUNT, Name="open-ap", Policy=public))[0]
        == "AccessDenied"
    )


@mock_aws
def test_s3_requests_through_an_access_point() -> None:
    control = boto3.client("s3control", region_name="us-east-1")
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="behind")
    s3.put_object(Bucket="behind", Key="k", Body=b"hello")
    made = control.create_access_point(AccountId=ACCOUNT, Name="front", Bucket="behind")
    for via in (made["AccessPointArn"], made["Alias"]):
        assert s3.get_object(Bucket=via, Key="k")["Body"].read() == b"hello"
        s3.put_object(Bucket=via, Key=f"by-{len(via)}", Body=b"x")
        assert s3.head_object(Bucket=via, Key="k")["ContentLength"] == 5
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="behind")["Contents"]]
    assert sorted(keys) == sorted(["k", f"by-{len(made['AccessPointArn'])}", f"by-{len(made['Alias'])}"])
    control.delete_access_point(AccountId=ACCOUNT, Name="front")
    assert error_of(lambda: s3.get_object(Bucket=made["Alias"], Key="k"))[0] == "NoSuchBucket"
