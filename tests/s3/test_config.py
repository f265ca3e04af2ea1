"""Bucket sub-resources: stored and returned faithfully, defaults or NoSuch… when absent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.s3.helpers import client_error


def public_read(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


@pytest.mark.parametrize(
    ("getter", "code", "message"),
    [
        ("get_bucket_tagging", "NoSuchTagSet", "The TagSet does not exist"),
        ("get_bucket_policy", "NoSuchBucketPolicy", "The bucket policy does not exist"),
        ("get_bucket_policy_status", "NoSuchBucketPolicy", "The bucket policy does not exist"),
        ("get_bucket_cors", "NoSuchCORSConfiguration", "The CORS configuration does not exist"),
        (
            "get_bucket_lifecycle_configuration",
            "NoSuchLifecycleConfiguration",
            "The lifecycle configuration does not exist",
        ),
        (
            "get_bucket_website",
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
        ),
        (
            "get_public_access_block",
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found",
        ),
        (
            "get_bucket_ownership_controls",
            "OwnershipControlsNotFoundError",
            "The bucket ownership controls were not found",
        ),
        (
            "get_object_lock_configuration",
            "ObjectLockConfigurationNotFoundError",
            "Object Lock configuration does not exist for this bucket",
        ),
    ],
)
def test_absent_configuration_errors(s3: Any, bucket: str, getter: str, code: str, message: str) -> None:
    err = client_error(getattr(s3, getter), Bucket=bucket)
    assert (err["Code"], err["Message"], err["Status"]) == (code, message, 404)


def test_defaults(s3: Any, bucket: str) -> None:
    enc = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert enc["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=bucket)
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    notif = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert "QueueConfigurations" not in notif
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Grants"] == [
        {
            "Grantee": {
                "Type": "CanonicalUser",
                "ID": acl["Owner"]["ID"],
                "DisplayName": acl["Owner"]["DisplayName"],
            },
            "Permission": "FULL_CONTROL",
        }
    ]


def test_tagging_policy_cors_lifecycle(s3: Any, bucket: str) -> None:
    tags = [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "s3"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    s3.delete_bucket_tagging(Bucket=bucket)
    assert client_error(s3.get_bucket_tagging, Bucket=bucket)["Code"] == "NoSuchTagSet"

    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read(bucket)))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == public_read(bucket)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    assert client_error(s3.put_bucket_policy, Bucket=bucket, Policy="not json")["Code"] == "MalformedPolicy"
    s3.delete_bucket_policy(Bucket=bucket)
    assert client_error(s3.get_bucket_policy, Bucket=bucket)["Code"] == "NoSuchBucketPolicy"

    cors = [
        {
            "AllowedMethods": ["GET", "PUT"],
            "AllowedOrigins": ["*"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 300,
            "ID": "r1",
        }
    ]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": cors})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == cors
    err = client_error(
        s3.put_bucket_cors,
        Bucket=bucket,
        CORSConfiguration={"CORSRules": [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]},
    )
    assert err["Code"] == "InvalidRequest"
    s3.delete_bucket_cors(Bucket=bucket)
    assert client_error(s3.get_bucket_cors, Bucket=bucket)["Code"] == "NoSuchCORSConfiguration"

    rules = [
        {
            "ID": "expire",
            "Filter": {"Prefix": "logs/"},
            "Status": "Enabled",
            "Expiration": {"Days": 30},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 7},
        },
        {
            "ID": "glacier",
            "Filter": {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}},
            "Status": "Disabled",
            "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
        },
    ]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert (
        client_error(s3.get_bucket_lifecycle_configuration, Bucket=bucket)["Code"]
        == "NoSuchLifecycleConfiguration"
    )


def test_encryption_website_logging_notification(s3: Any, bucket: str) -> None:
    enc = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k1"},
                "BucketKeyEnabled": True,
            }
        ]
    }
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=enc)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == enc
    s3.delete_bucket_encryption(Bucket=bucket)
    default = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert default["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"

    site = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "err.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/"}}
        ],
    }
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=site)
    got = s3.get_bucket_website(Bucket=bucket)
    assert {k: got[k] for k in site} == site
    s3.delete_bucket_website(Bucket=bucket)
    assert client_error(s3.get_bucket_website, Bucket=bucket)["Code"] == "NoSuchWebsiteConfiguration"

    logging = {"LoggingEnabled": {"TargetBucket": bucket, "TargetPrefix": "logs/"}}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus=logging)
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == logging["LoggingEnabled"]
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)

    queue = {
        "Id": "q1",
        "QueueArn": "arn:aws:sqs:us-east-1:123456789012:q",
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "in/"}]}},
    }
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [queue]},
        SkipDestinationValidation=True,
    )
    got_n = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got_n["QueueConfigurations"] == [queue]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "TopicConfigurations": [
                {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Events": ["s3:ObjectRemoved:*"]}
            ]
        },
        SkipDestinationValidation=True,  # (no such queue or topic: see test_notifications.py)
    )
    topic = s3.get_bucket_notification_configuration(Bucket=bucket)["TopicConfigurations"][0]
    assert topic["Id"]


def test_access_block_ownership_accelerate_payment(s3: Any, bucket: str) -> None:
    pab = {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False,
    }
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=pab)
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == pab
    s3.delete_public_access_block(Bucket=bucket)
    assert (
        client_error(s3.get_public_access_block, Bucket=bucket)["Code"]
        == "NoSuchPublicAccessBlockConfiguration"
    )

    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "ObjectWriter"}
    ]
    s3.delete_bucket_ownership_controls(Bucket=bucket)

    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"


def test_bucket_acl_canned_and_grants(s3: Any, bucket: str) -> None:
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    perms = sorted(g["Permission"] for g in s3.get_bucket_acl(Bucket=bucket)["Grants"])
    assert perms == ["FULL_CONTROL", "READ", "WRITE"]
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    s3.put_bucket_acl(
        Bucket=bucket,
        AccessControlPolicy={
            "Owner": owner,
            "Grants": [
                {
                    "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
                    "Permission": "WRITE",
                },
                {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
            ],
        },
    )
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert grants[0] == {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
        "Permission": "WRITE",
    }
    s3.put_bucket_acl(
        Bucket=bucket,
        GrantFullControl=f'id="{owner["ID"]}"',
        GrantRead='uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"',
    )
    assert len(s3.get_bucket_acl(Bucket=bucket)["Grants"]) == 2


def test_object_lock(s3: Any) -> None:
    from tests.s3.conftest import unique

    name = unique()
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    assert (
        s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]["ObjectLockEnabled"]
        == "Enabled"
    )
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=conf)
    assert s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"] == conf
    version = s3.put_object(Bucket=name, Key="k", Body=b"x")["VersionId"]
    head = s3.head_object(Bucket=name, Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    err = client_error(s3.delete_object, Bucket=name, Key="k", VersionId=version)
    assert err["Code"] == "AccessDenied"
    s3.delete_object(Bucket=name, Key="k", VersionId=version, BypassGovernanceRetention=True)
    s3.put_object(Bucket=name, Key="held", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert s3.get_object_legal_hold(Bucket=name, Key="held")["LegalHold"]["Status"] == "ON"
    plain = unique()
    s3.create_bucket(Bucket=plain)
    err = client_error(s3.put_object_lock_configuration, Bucket=plain, ObjectLockConfiguration=conf)
    assert err["Code"] == "InvalidBucketState"
