"""SigV4 (and S3's SigV2) verification against requests signed by botocore's own signers."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import (
    HmacV1Auth,
    HmacV1QueryAuth,
    S3SigV4Auth,
    S3SigV4QueryAuth,
    SigV4Auth,
    SigV4QueryAuth,
)
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from awsmock.auth import sigv4
from awsmock.engine.wire import WireRequest
from awsmock.services.s3 import sigv2

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDS = Credentials(KEY, SECRET)
TOKEN_CREDS = Credentials("ASIAIOSFODNN7EXAMPLE", SECRET, "session-token/with+odd=chars")


def wire(request: Any) -> WireRequest:
    """The prepared botocore request as our server sees it."""
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in prepared.headers.items()}
    headers.setdefault("host", parts.netloc)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    if hasattr(body, "read"):
        body = body.read()
    if body:
        headers["content-length"] = str(len(body))
    return WireRequest(
        method=prepared.method,
        path=parts.path or "/",
        query_string=parts.query,
        headers=headers,
        stream=io.BytesIO(body),
        content_length=len(body) or None,
        host=parts.netloc,
    )


def aws_request(
    method: str, url: str, body: bytes | str = b"", headers: dict[str, str] | None = None
) -> AWSRequest:
    return AWSRequest(method=method, url=url, data=body, headers=headers or {})


def check(req: WireRequest, *, s3: bool = False, secret: str = SECRET) -> bool:
    sig = sigv4.parse(req)
    assert sig is not None
    return sigv4.verify(req, sig, secret, raw_path=s3, unsigned_presigned=s3)


QUERY_BODY = "Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fa%20b%2F"


@pytest.mark.parametrize("creds", [CREDS, TOKEN_CREDS], ids=["long-term", "session"])
def test_header_signature_query_protocol(creds: Credentials) -> None:
    r = aws_request(
        "POST",
        "https://iam.amazonaws.com/",
        QUERY_BODY,
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(creds, "iam", "us-east-1").add_auth(r)
    req = wire(r)
    sig = sigv4.parse(req)
    assert sig is not None
    assert (sig.access_key_id, sig.region, sig.service) == (creds.access_key, "us-east-1", "iam")
    assert sig.security_token == creds.token
    assert sigv4.verify(req, sig, SECRET, raw_path=False)
    assert not sigv4.verify(req, sig, "wrong-secret", raw_path=False)


def test_json_protocol_with_path_needing_encoding() -> None:
    r = aws_request(
        "POST",
        "https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/my%3Afn/invocations",
        b'{"a": 1}',
        {"Content-Type": "application/json"},
    )
    SigV4Auth(CREDS, "lambda", "us-west-2").add_auth(r)
    assert check(wire(r))


def test_get_with_query_parameters() -> None:
    r = aws_request(
        "GET", "https://sqs.us-east-1.amazonaws.com/?Action=ListQueues&QueueNamePrefix=a%20b&Version=1"
    )
    SigV4Auth(CREDS, "sqs", "us-east-1").add_auth(r)
    assert check(wire(r))


def test_tampered_request_fails() -> None:
    r = aws_request(
        "POST",
        "https://iam.amazonaws.com/",
        QUERY_BODY,
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(CREDS, "iam", "us-east-1").add_auth(r)
    req = wire(r)
    tampered = WireRequest(
        method=req.method,
        path=req.path,
        query_string=req.query_string,
        headers=req.headers,
        stream=io.BytesIO(QUERY_BODY.replace("ListUsers", "CreateUser").encode()),
        content_length=req.content_length,
        host=req.host,
    )
    assert check(req)
    assert not check(tampered)
    moved = WireRequest(
        method="PUT",
        path=req.path,
        query_string=req.query_string,
        headers=req.headers,
        stream=io.BytesIO(QUERY_BODY.encode()),
        content_length=req.content_length,
        host=req.host,
    )
    assert not check(moved)


def test_missing_signed_header_fails() -> None:
    r = aws_request("POST", "https://iam.amazonaws.com/", QUERY_BODY, {"X-Amz-Meta-Thing": "v"})
    SigV4Auth(CREDS, "iam", "us-east-1").add_auth(r)
    req = wire(r)
    del req.headers["x-amz-meta-thing"]
    assert not check(req)


def test_s3_header_signature_signed_payload() -> None:
    r = aws_request("PUT", "https://bucket.s3.amazonaws.com/a%20key/with%2Fslash%C3%A9", b"hello")
    S3SigV4Auth(CREDS, "s3", "us-east-1").add_auth(r)
    req = wire(r)
    assert req.headers["x-amz-content-sha256"] != "UNSIGNED-PAYLOAD"
    assert check(req, s3=True)
    assert not check(req, s3=True, secret="nope")


def test_s3_unsigned_payload() -> None:
    r = aws_request("PUT", "https://s3.amazonaws.com/bucket/key", b"hello")
    r.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    S3SigV4Auth(CREDS, "s3", "us-east-1").add_auth(r)
    req = wire(r)
    assert req.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert check(req, s3=True)


@pytest.mark.parametrize(
    "declared", ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]
)
def test_s3_streaming_seed_signature_covers_declared_hash(declared: str) -> None:
    r = aws_request(
        "PUT",
        "https://s3.amazonaws.com/bucket/key",
        b"5;chunk-signature=abc\r\nhello\r\n0\r\n\r\n",
        {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": "5"},
    )
    signer = S3SigV4Auth(CREDS, "s3", "us-east-1")
    signer.payload = lambda request: declared  # type: ignore[method-assign]
    signer.add_auth(r)
    req = wire(r)
    assert req.headers["x-amz-content-sha256"] == declared
    assert check(req, s3=True)


def test_presigned_query_s3() -> None:
    r = aws_request("GET", "https://bucket.s3.us-west-2.amazonaws.com/some/key%20x?versionId=3")
    S3SigV4QueryAuth(CREDS, "s3", "us-west-2", expires=60).add_auth(r)
    req = wire(r)
    sig = sigv4.parse(req)
    assert sig is not None and sig.presigned and sig.expires == 60
    assert sigv4.verify(req, sig, SECRET, raw_path=True, unsigned_presigned=True)
    assert not sigv4.verify(req, sig, "bad", raw_path=True, unsigned_presigned=True)
    issued = sig.issued_at()
    assert issued is not None
    assert not sigv4.presigned_expired(sig, issued + dt.timedelta(seconds=30))
    assert sigv4.presigned_expired(sig, issued + dt.timedelta(seconds=61))


def test_an_upper_cased_signature_does_not_match() -> None:
    """AWS's signatures are lower-case hex; the same digits upper-cased are another signature."""
    r = aws_request("GET", "https://bucket.s3.us-west-2.amazonaws.com/key")
    S3SigV4QueryAuth(CREDS, "s3", "us-west-2", expires=60).add_auth(r)
    url = wire(r)
    signature = dict(url.query)["X-Amz-Signature"]
    shouted = WireRequest(
        "GET",
        url.path,
        url.query_string.replace(signature, signature.upper()),
        url.headers,
        io.BytesIO(b""),
        0,
        host=url.host,
    )
    sig = sigv4.parse(shouted)
    assert sig is not None and not sigv4.verify(shouted, sig, SECRET, raw_path=True, unsigned_presigned=True)


def test_presigned_query_with_session_token() -> None:
    r = aws_request("GET", "https://bucket.s3.amazonaws.com/k")
    S3SigV4QueryAuth(TOKEN_CREDS, "s3", "us-east-1").add_auth(r)
    req = wire(r)
    sig = sigv4.parse(req)
    assert sig is not None and sig.security_token == TOKEN_CREDS.token
    assert sigv4.verify(req, sig, SECRET, raw_path=True, unsigned_presigned=True)


def test_presigned_query_other_service() -> None:
    r = aws_request("GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15")
    SigV4QueryAuth(CREDS, "sts", "us-east-1").add_auth(r)
    assert check(wire(r))


def test_unsigned_request_parses_to_none() -> None:
    req = wire(aws_request("GET", "https://s3.amazonaws.com/bucket/key"))
    assert sigv4.parse(req) is None
    assert not sigv4.is_signed(req)


def test_malformed_authorization_header() -> None:
    req = wire(
        aws_request("GET", "https://iam.amazonaws.com/", headers={"Authorization": "AWS4-HMAC-SHA256 junk"})
    )
    with pytest.raises(sigv4.MalformedSignature):
        sigv4.parse(req)


# -- S3 SigV2 ---------------------------------------------------------------------------------------


def test_s3_sigv2_header() -> None:
    r = aws_request(
        "PUT",
        "https://s3.amazonaws.com/bucket/key?acl",
        b"data",
        {"Content-Type": "text/plain", "x-amz-meta-a": "b"},
    )
    HmacV1Auth(CREDS).add_auth(r)
    req = wire(r)
    sig = sigv2.parse(req)
    assert sig is not None and sig.access_key_id == KEY
    assert sigv2.verify(req, sig, SECRET)
    assert not sigv2.verify(req, sig, "other")


def test_s3_sigv2_presigned_virtual_host() -> None:
    r = aws_request("GET", "https://bucket.s3.amazonaws.com/k%C3%A9y")
    r.auth_path = "/bucket/k%C3%A9y"
    HmacV1QueryAuth(CREDS, expires=100).add_auth(r)
    req = wire(r)
    sig = sigv2.parse(req)
    assert sig is not None and sig.presigned
    assert sigv2.verify(req, sig, SECRET)
    assert not sigv2.expired(sig, dt.datetime.now(dt.UTC))
    assert sigv2.expired(sig, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=200))
