"""With access control on (``INITIAL_NO_AUTH_ACTION_COUNT``), no unsigned or badly signed
request changes state: a real server, every protocol family, each forgery refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from tests.helpers import BOTO_CONFIG, ServerProcess, server_client

pytestmark = pytest.mark.server
FREE_ACTIONS = 7


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, dict[str, str]]]:
    """A server whose first 7 actions are free: they create an admin user with a key, a bucket,
    a queue and a table; every later request must be signed by a known key."""
    srv = ServerProcess(
        tmp_path_factory.mktemp("guarded"), env={"INITIAL_NO_AUTH_ACTION_COUNT": str(FREE_ACTIONS)}
    ).start()
    iam = srv.client("iam")
    iam.create_user(UserName="admin")
    iam.put_user_policy(
        UserName="admin",
        PolicyName="all",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    srv.client("s3").create_bucket(Bucket="guarded")
    srv.client("sqs").create_queue(QueueName="guarded")
    srv.client("dynamodb").create_table(
        TableName="guarded",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    srv.client("sts").get_caller_identity()  # the 7th free action
    try:
        yield srv, {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
    finally:
        srv.stop()


def _writes(client: Callable[[str], Any], url: str) -> list[Callable[[], Any]]:
    """One state-changing call per service/protocol family."""
    queue = f"{url}/123456789012/guarded"
    return [
        lambda: client("s3").put_object(Bucket="guarded", Key="forged", Body=b"x"),
        lambda: client("s3").delete_bucket(Bucket="guarded"),
        lambda: client("sqs").send_message(QueueUrl=queue, MessageBody="forged"),
        lambda: client("sqs").delete_queue(QueueUrl=queue),
        lambda: client("dynamodb").put_item(TableName="guarded", Item={"pk": {"S": "forged"}}),
        lambda: client("dynamodb").delete_table(TableName="guarded"),
        lambda: client("iam").create_user(UserName="forged"),
        lambda: client("iam").delete_access_key(UserName="admin", AccessKeyId="AKIAFORGEDFORGED0000"),
    ]


def _tamper_body(request: Any, **_: Any) -> None:
    """Append to the body after signing (the signed payload hash no longer matches)."""
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    if isinstance(body, bytes):
        request.body = body + b" "
        request.headers["Content-Length"] = str(len(request.body))


def _forgers(srv: ServerProcess, good: dict[str, str]) -> dict[str, Callable[[str], Any]]:
    def unsigned(service: str) -> Any:
        return server_client(
            srv.url, service, config=BotoConfig(signature_version=UNSIGNED, retries={"max_attempts": 1})
        )

    def wrong_secret(service: str) -> Any:
        return server_client(
            srv.url,
            service,
            aws_access_key_id=good["aws_access_key_id"],
            aws_secret_access_key="not-the-secret",
        )

    def unknown_key(service: str) -> Any:
        return server_client(
            srv.url, service, aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="whatever"
        )

    def tampered(service: str) -> Any:
        client = server_client(srv.url, service, **good)
        client.meta.events.register_last("before-send", _tamper_body)
        return client

    def altered_signature(service: str) -> Any:
        client = server_client(srv.url, service, **good)

        def alter(request: Any, **_: Any) -> None:
            auth = request.headers.get("Authorization", "")
            auth = auth.decode() if isinstance(auth, bytes) else auth
            request.headers["Authorization"] = auth[:-1] + ("0" if auth[-1:] != "0" else "1")

        client.meta.events.register_last("before-send", alter)
        return client

    return {
        "unsigned": unsigned,
        "wrong secret": wrong_secret,
        "unknown key": unknown_key,
        "body tampered after signing": tampered,
        "signature altered": altered_signature,
    }


def _state(srv: ServerProcess, good: dict[str, str]) -> dict[str, Any]:
    s3, sqs = server_client(srv.url, "s3", **good), server_client(srv.url, "sqs", **good)
    ddb, iam = server_client(srv.url, "dynamodb", **good), server_client(srv.url, "iam", **good)
    queue = sqs.get_queue_url(QueueName="guarded")["QueueUrl"]
    return {
        "objects": [o["Key"] for o in s3.list_objects_v2(Bucket="guarded").get("Contents", [])],
        "messages": sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])[
            "Attributes"
        ]["ApproximateNumberOfMessages"],
        "items": ddb.scan(TableName="guarded")["Count"],
        "tables": ddb.list_tables()["TableNames"],
        "users": sorted(u["UserName"] for u in iam.list_users()["Users"]),
        "keys": len(iam.list_access_keys(UserName="admin")["AccessKeyMetadata"]),
    }


def test_unsigned_and_badly_signed_requests_change_nothing(
    guarded: tuple[ServerProcess, dict[str, str]],
) -> None:
    srv, good = guarded
    before = _state(srv, good)
    refused = 0
    for name, make in _forgers(srv, good).items():
        for i, write in enumerate(_writes(make, srv.url)):
            if name == "body tampered after signing" and i == 1:
                continue  # DeleteBucket has no body: appending one changes nothing the signer authorized
            with pytest.raises(ClientError) as err:
                write()
                pytest.fail(f"{name}: write {i} was accepted")
            status = err.value.response["ResponseMetadata"]["HTTPStatusCode"]
            assert status in (400, 401, 403), (name, err.value.response)
            refused += 1
    assert _state(srv, good) == before
    assert refused == 5 * 8 - 1


def test_raw_http_without_credentials_changes_nothing(guarded: tuple[ServerProcess, dict[str, str]]) -> None:
    """Plain HTTP, no SDK: form posts, JSON targets, S3 PUTs with junk or missing auth headers."""
    srv, good = guarded
    before = _state(srv, good)
    junk_auth = [
        None,
        "",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=/",
        "Bearer x",
        "AWS AKIAUNKNOWNUNKNOWN00:c2lnbmF0dXJl",
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=" + "0" * 64,
    ]
    sends = [
        ("PUT", "/guarded/raw", {}, b"x"),
        ("DELETE", "/guarded", {}, b""),
        (
            "POST",
            "/",
            {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.PutItem"},
            b'{"TableName": "guarded", "Item": {"pk": {"S": "raw"}}}',
        ),
        (
            "POST",
            "/",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"Action=CreateUser&Version=2010-05-08&UserName=raw",
        ),
        (
            "POST",
            "/",
            {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"},
            json.dumps({"QueueUrl": f"{srv.url}/123456789012/guarded", "MessageBody": "raw"}).encode(),
        ),
    ]
    for auth in junk_auth:
        for method, path, headers, body in sends:
            hdrs = dict(headers)
            if auth is not None:
                hdrs["Authorization"] = auth
            resp = requests.request(method, srv.url + path, headers=hdrs, data=body, timeout=30)
            assert resp.status_code in (400, 401, 403), (auth, path, resp.status_code, resp.text[:300])
    assert _state(srv, good) == before


def test_presigned_url_tampering_and_expiry_change_nothing(
    guarded: tuple[ServerProcess, dict[str, str]],
) -> None:
    srv, good = guarded
    before = _state(srv, good)
    s3 = server_client(srv.url, "s3", config=BotoConfig(signature_version="s3v4"), **good)
    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "guarded", "Key": "presigned"}, ExpiresIn=60
    )
    for forged in (
        url.replace("presigned", "other"),
        url[:-2] + ("00" if not url.endswith("00") else "11"),
        url.replace("X-Amz-Expires=60", "X-Amz-Expires=604800"),
    ):
        assert requests.put(forged, data=b"x", timeout=30).status_code == 403
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    with mock.patch("botocore.auth.get_current_datetime", return_value=past.replace(tzinfo=None)):
        expired = s3.generate_presigned_url(
            "put_object", Params={"Bucket": "guarded", "Key": "presigned"}, ExpiresIn=60
        )
    assert requests.put(expired, data=b"x", timeout=30).status_code == 403
    assert _state(srv, good) == before


def test_a_valid_signature_still_works(guarded: tuple[ServerProcess, dict[str, str]]) -> None:
    """The control: the admin's key writes (and the write is undone)."""
    srv, good = guarded
    s3 = boto3.client("s3", endpoint_url=srv.url, region_name="us-east-1", config=BOTO_CONFIG, **good)
    s3.put_object(Bucket="guarded", Key="real", Body=b"x")
    s3.delete_object(Bucket="guarded", Key="real")
