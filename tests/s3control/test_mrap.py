"""Multi-Region Access Points: asynchronous create, delete and policy requests and their
descriptions, the reads that answer at once."""

from __future__ import annotations

import json
from typing import Any

from .conftest import ACCOUNT, error_of


def outcome(control: Any, arn: str) -> dict[str, Any]:
    op: dict[str, Any] = control.describe_multi_region_access_point_operation(
        AccountId=ACCOUNT, RequestTokenARN=arn
    )["AsyncOperation"]
    return op


def test_create_describe_get_list_delete(aws_client: Any, control: Any) -> None:
    aws_client("s3", region="us-east-1").create_bucket(Bucket="mr-east")
    aws_client("s3", region="eu-west-1").create_bucket(
        Bucket="mr-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    details = {"Name": "global", "Regions": [{"Bucket": "mr-east"}, {"Bucket": "mr-west"}]}
    arn = control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken="t1", Details=details)[
        "RequestTokenARN"
    ]
    assert arn.startswith(f"arn:aws:s3:us-west-2:{ACCOUNT}:async-request/mrap/create/")
    op = outcome(control, arn)
    assert op["Operation"] == "CreateMultiRegionAccessPoint" and op["RequestStatus"] == "SUCCEEDED"
    assert op["RequestParameters"]["CreateMultiRegionAccessPointRequest"]["Name"] == "global"
    regions = op["ResponseDetails"]["MultiRegionAccessPointDetails"]["Regions"]
    assert sorted(r["Name"] for r in regions) == ["eu-west-1", "us-east-1"]
    # the same client token is the same request
    again = control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken="t1", Details=details)
    assert again["RequestTokenARN"] == arn

    point = control.get_multi_region_access_point(AccountId=ACCOUNT, Name="global")["AccessPoint"]
    assert point["Name"] == "global" and point["Status"] == "READY" and point["Alias"].endswith(".mrap")
    assert point["PublicAccessBlock"] == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    assert {(r["Bucket"], r["Region"], r["BucketAccountId"]) for r in point["Regions"]} == {
        ("mr-east", "us-east-1", ACCOUNT),
        ("mr-west", "eu-west-1", ACCOUNT),
    }
    assert [
        p["Name"] for p in control.list_multi_region_access_points(AccountId=ACCOUNT)["AccessPoints"]
    ] == ["global"]

    taken = control.create_multi_region_access_point(AccountId=ACCOUNT, Details=details)["RequestTokenARN"]
    failed = outcome(control, taken)
    assert failed["RequestStatus"] == "FAILED"
    assert failed["ResponseDetails"]["ErrorDetails"]["Code"] == "MultiRegionAccessPointAlreadyOwnedByYou"
    assert failed["ResponseDetails"]["ErrorDetails"]["Message"] == (
        "You already have a Multi-Region Access Point with the same name."
    )

    gone = control.delete_multi_region_access_point(AccountId=ACCOUNT, Details={"Name": "global"})
    assert outcome(control, gone["RequestTokenARN"])["RequestStatus"] == "SUCCEEDED"
    code, message, status, _ = error_of(
        lambda: control.get_multi_region_access_point(AccountId=ACCOUNT, Name="global")
    )
    assert (code, message, status) == (
        "NoSuchMultiRegionAccessPoint",
        "The specified Multi-Region Access Point does not exist.",
        404,
    )
    missing = control.delete_multi_region_access_point(AccountId=ACCOUNT, Details={"Name": "global"})
    assert outcome(control, missing["RequestTokenARN"])["ResponseDetails"]["ErrorDetails"]["Code"] == (
        "NoSuchMultiRegionAccessPoint"
    )


def test_failed_creations_leave_nothing(s3: Any, control: Any) -> None:
    s3.create_bucket(Bucket="mr-one")
    s3.create_bucket(Bucket="mr-two")
    for details, code in (
        (
            {"Name": "same-region", "Regions": [{"Bucket": "mr-one"}, {"Bucket": "mr-two"}]},
            "MultiRegionAccessPointSameBucketRegion",
        ),
        ({"Name": "no-bucket", "Regions": [{"Bucket": "mr-one"}, {"Bucket": "mr-none"}]}, "NoSuchBucket"),
    ):
        arn = control.create_multi_region_access_point(AccountId=ACCOUNT, Details=details)["RequestTokenARN"]
        assert outcome(control, arn)["ResponseDetails"]["ErrorDetails"]["Code"] == code
    assert control.list_multi_region_access_points(AccountId=ACCOUNT)["AccessPoints"] == []
    assert (
        error_of(
            lambda: control.describe_multi_region_access_point_operation(
                AccountId=ACCOUNT,
                RequestTokenARN=f"arn:aws:s3:us-west-2:{ACCOUNT}:async-request/mrap/create/nope",
            )
        )[2]
        == 404
    )


def test_policy(s3: Any, control: Any) -> None:
    s3.create_bucket(Bucket="mr-pol")
    control.create_multi_region_access_point(
        AccountId=ACCOUNT,
        Details={
            "Name": "pol",
            "PublicAccessBlock": {"BlockPublicPolicy": False},
            "Regions": [{"Bucket": "mr-pol"}],
        },
    )
    assert control.get_multi_region_access_point_policy(AccountId=ACCOUNT, Name="pol")["Policy"] == {}
    public = json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}
    )
    arn = control.put_multi_region_access_point_policy(
        AccountId=ACCOUNT, Details={"Name": "pol", "Policy": public}
    )["RequestTokenARN"]
    assert outcome(control, arn)["RequestStatus"] == "SUCCEEDED"
    policy = control.get_multi_region_access_point_policy(AccountId=ACCOUNT, Name="pol")["Policy"]
    assert policy == {"Established": {"Policy": public}, "Proposed": {"Policy": public}}
    status = control.get_multi_region_access_point_policy_status(AccountId=ACCOUNT, Name="pol")["Established"]
    assert status == {"IsPublic": True}
    bad = control.put_multi_region_access_point_policy(
        AccountId=ACCOUNT, Details={"Name": "pol", "Policy": "{"}
    )
    assert outcome(control, bad["RequestTokenARN"])["ResponseDetails"]["ErrorDetails"] == {
        "Code": "MalformedPolicy",
        "Message": "The specified policy syntax is not valid.",
        "RequestId": outcome(control, bad["RequestTokenARN"])["ResponseDetails"]["ErrorDetails"]["RequestId"],
    }
    control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicPolicy": True}
    )
    refused = control.put_multi_region_access_point_policy(
        AccountId=ACCOUNT, Details={"Name": "pol", "Policy": public}
    )
    assert (
        outcome(control, refused["RequestTokenARN"])["ResponseDetails"]["ErrorDetails"]["Code"]
        == "AccessDenied"
    )
