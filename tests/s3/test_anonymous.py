"""Anonymous requests to S3 (issue #24, point 6): an unsigned request (plain ``requests``, an
``UNSIGNED`` boto3 client) is refused what nothing makes public, even while awsmock's
authentication is off, and let in where ACLs, the bucket policy and the public access settings
make it public, as S3 decides. Presigned URLs check what they signed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
import requests
import time_machine
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from awsmock import mock_aws
from tests.helpers import ServerProcess
from tests.s3.conftest import unique

ACCOUNT = "123456789012"


def _url(bucket: str, key: str = "") -> str:
    return f"https://{bucket}.s3.amazonaws.com/{key}"


def _code(resp: requests.Response) -> tuple[int, str]:
    text = resp.text
    code = text.split("<Code>", 1)[1].split("</Code>", 1)[0] if "<Code>" in text else ""
    return resp.status_code, code


def _anonymous() -> Any:
    return boto3.client("s3", region_name="us-east-1", config=Config(signature_version=UNSIGNED))


def _policy(bucket: str, effect: str, action: str, resource: str) -> str:
    statement = {"Effect": effect, "Principal": "*", "Action": action, "Resource": f"arn:aws:s3:::{resource}"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@mock_aws
def test_unsigned_requests_to_private_buckets_and_objects_are_refused() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="private-bucket")
    s3.put_object(Bucket="private-bucket", Key="secret", Body=b"secret")

    resp = requests.get(_url("private-bucket", "secret"), timeout=10)
    assert _code(resp) == (403, "AccessDenied")
    assert "<Message>Access Denied</Message>" in resp.text and resp.text.startswith("<?xml")
    assert requests.head(_url("private-bucket", "secret"), timeout=10).status_code == 403
    assert _code(requests.get(_url("private-bucket", "missing"), timeout=10)) == (403, "AccessDenied")
    assert _code(requests.put(_url("private-bucket", "new"), data=b"x", timeout=10)) == (403, "AccessDenied")
    assert _code(requests.delete(_url("private-bucket", "secret"), timeout=10)) == (403, "AccessDenied")
    assert _code(requests.get("https://s3.amazonaws.com/", timeout=10)) == (403, "AccessDenied")
    assert _code(requests.get(_url("no-such-bucket-here", "k"), timeout=10)) == (404, "NoSuchBucket")
    anonymous = _anonymous()
    for call in (
        lambda: anonymous.get_object(Bucket="private-bucket", Key="secret"),
        lambda: anonymous.list_objects_v2(Bucket="private-bucket"),
        lambda: anonymous.get_bucket_acl(Bucket="private-bucket"),
    ):
        with pytest.raises(ClientError) as err:
            call()
        assert err.value.response["Error"]["Code"] == "AccessDenied"
    # nothing changed; the owner's signed requests go on as before
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="private-bucket")["Contents"]] == ["secret"]
    assert s3.get_object(Bucket="private-bucket", Key="secret")["Body"].read() == b"secret"


@mock_aws
def test_public_acls_let_anonymous_callers_in() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="acl-bucket")
    s3.put_object(Bucket="acl-bucket", Key="public", Body=b"hello", ACL="public-read")
    s3.put_object(Bucket="acl-bucket", Key="members", Body=b"m", ACL="authenticated-read")
    s3.put_object(Bucket="acl-bucket", Key="private", Body=b"p")
    grant = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'
    s3.put_object(Bucket="acl-bucket", Key="granted", Body=b"g", GrantRead=grant)

    assert requests.get(_url("acl-bucket", "public"), timeout=10).content == b"hello"
    assert requests.get(_url("acl-bucket", "granted"), timeout=10).content == b"g"
    # every AWS user is not everyone: an unsigned request is no AWS user's
    assert _code(requests.get(_url("acl-bucket", "members"), timeout=10)) == (403, "AccessDenied")
    assert _code(requests.get(_url("acl-bucket", "private"), timeout=10)) == (403, "AccessDenied")
    anonymous = _anonymous()
    with pytest.raises(ClientError):
        anonymous.list_objects_v2(Bucket="acl-bucket")

    s3.put_bucket_acl(Bucket="acl-bucket", ACL="public-read")  # anyone may list the bucket
    assert [o["Key"] for o in anonymous.list_objects_v2(Bucket="acl-bucket")["Contents"]] == [
        "granted",
        "members",
        "private",
        "public",
    ]
    assert _code(requests.get(_url("acl-bucket", "missing"), timeout=10)) == (404, "NoSuchKey")
    assert _code(requests.get(_url("acl-bucket", "private"), timeout=10)) == (403, "AccessDenied")
    assert _code(requests.put(_url("acl-bucket", "new"), data=b"x", timeout=10)) == (403, "AccessDenied")

    s3.put_bucket_acl(Bucket="acl-bucket", ACL="public-read-write")  # anyone may write in it
    assert requests.put(_url("acl-bucket", "new"), data=b"from anyone", timeout=10).status_code == 200
    assert s3.get_object(Bucket="acl-bucket", Key="new")["Body"].read() == b"from anyone"


@mock_aws
def test_a_bucket_policy_for_everyone_allows_and_denies() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="policy-bucket")
    s3.put_object(Bucket="policy-bucket", Key="docs/a", Body=b"a")
    s3.put_object(Bucket="policy-bucket", Key="hidden/b", Body=b"b", ACL="public-read")
    s3.put_bucket_policy(
        Bucket="policy-bucket",
        Policy=_policy("policy-bucket", "Allow", "s3:GetObject", "policy-bucket/docs/*"),
    )
    assert requests.get(_url("policy-bucket", "docs/a"), timeout=10).content == b"a"
    assert requests.get(_url("policy-bucket", "hidden/b"), timeout=10).content == b"b"  # its ACL
    assert _code(requests.put(_url("policy-bucket", "docs/c"), data=b"c", timeout=10)) == (
        403,
        "AccessDenied",
    )

    # an explicit deny wins over a public ACL
    s3.put_bucket_policy(
        Bucket="policy-bucket",
        Policy=_policy("policy-bucket", "Deny", "s3:GetObject", "policy-bucket/hidden/*"),
    )
    assert _code(requests.get(_url("policy-bucket", "hidden/b"), timeout=10)) == (403, "AccessDenied")


@mock_aws
def test_public_access_settings_and_disabled_acls_make_it_private() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    control = boto3.client("s3control", region_name="us-east-1")
    s3.create_bucket(Bucket="block-acls", ObjectOwnership="ObjectWriter")
    s3.put_object(Bucket="block-acls", Key="k", Body=b"k", ACL="public-read")
    s3.create_bucket(Bucket="block-policy")
    s3.put_object(Bucket="block-policy", Key="k", Body=b"k")
    s3.put_bucket_policy(
        Bucket="block-policy", Policy=_policy("block-policy", "Allow", "s3:GetObject", "block-policy/*")
    )
    assert requests.get(_url("block-acls", "k"), timeout=10).status_code == 200
    assert requests.get(_url("block-policy", "k"), timeout=10).status_code == 200

    s3.put_public_access_block(Bucket="block-acls", PublicAccessBlockConfiguration={"IgnorePublicAcls": True})
    s3.put_public_access_block(
        Bucket="block-policy", PublicAccessBlockConfiguration={"RestrictPublicBuckets": True}
    )
    assert _code(requests.get(_url("block-acls", "k"), timeout=10)) == (403, "AccessDenied")
    assert _code(requests.get(_url("block-policy", "k"), timeout=10)) == (403, "AccessDenied")

    s3.delete_public_access_block(Bucket="block-acls")
    assert requests.get(_url("block-acls", "k"), timeout=10).status_code == 200
    control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"IgnorePublicAcls": True}
    )
    assert _code(requests.get(_url("block-acls", "k"), timeout=10)) == (403, "AccessDenied")
    control.delete_public_access_block(AccountId=ACCOUNT)
    assert requests.get(_url("block-acls", "k"), timeout=10).status_code == 200

    # the bucket owner enforced: ACLs are disabled, the object's public-read grants nothing
    s3.put_bucket_ownership_controls(
        Bucket="block-acls", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    assert _code(requests.get(_url("block-acls", "k"), timeout=10)) == (403, "AccessDenied")


@mock_aws
def test_presigned_urls_check_the_headers_they_signed_and_their_expiry() -> None:
    s3 = boto3.client("s3", region_name="eu-west-1", config=Config(signature_version="s3v4"))
    s3.create_bucket(Bucket="signed-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    put = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "signed-bucket", "Key": "doc", "ContentType": "text/plain"}
    )
    assert "X-Amz-SignedHeaders=content-type%3Bhost" in put
    wrong = requests.put(put, data=b"x", headers={"Content-Type": "image/png"}, timeout=10)
    assert _code(wrong) == (403, "SignatureDoesNotMatch")
    assert "<Message>The request signature we calculated does not match" in wrong.text
    with pytest.raises(ClientError):
        s3.head_object(Bucket="signed-bucket", Key="doc")  # nothing was written
    ok = requests.put(put, data=b"text", headers={"Content-Type": "text/plain"}, timeout=10)
    assert ok.status_code == 200
    legacy = boto3.client("s3", region_name="us-east-1")  # SigV2 query signing: Content-Type too
    put_v2 = legacy.generate_presigned_url(
        "put_object", Params={"Bucket": "signed-bucket", "Key": "doc2", "ContentType": "text/plain"}
    )
    assert _code(requests.put(put_v2, data=b"x", headers={"Content-Type": "image/png"}, timeout=10)) == (
        403,
        "SignatureDoesNotMatch",
    )

    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as traveller:
        get = s3.generate_presigned_url(
            "get_object", Params={"Bucket": "signed-bucket", "Key": "doc"}, ExpiresIn=60
        )
        assert requests.get(get, timeout=10).content == b"text"
        traveller.shift(61)
        late = requests.get(get, timeout=10)
        assert _code(late) == (403, "AccessDenied")
        assert "<Message>Request has expired</Message>" in late.text


@pytest.mark.server
def test_the_server_refuses_unsigned_requests_to_private_objects(server: ServerProcess) -> None:
    s3 = server.client("s3")
    bucket = unique("anon")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="private", Body=b"p")
    s3.put_object(Bucket=bucket, Key="public", Body=b"hello", ACL="public-read")
    assert _code(requests.get(f"{server.url}/{bucket}/private", timeout=10)) == (403, "AccessDenied")
    assert requests.get(f"{server.url}/{bucket}/public", timeout=10).content == b"hello"
