"""Browser-based POST uploads (presigned POST) read as a stream: a large file goes into the
object store with bounded memory, the form's limits hold while it is read, and a refused upload
stores nothing. In-process through the WSGI app; one large upload against a real server."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
import urllib3

from awsmock.engine.wire import WireRequest
from awsmock.inprocess import wsgi_call
from awsmock.services.s3 import wire
from tests.helpers import ServerProcess
from tests.reliability.hostile import fingerprint
from tests.s3.conftest import unique
from tests.s3.helpers import client_error

MiB = 1024 * 1024
Field = tuple[str, Any]


class TrackedStream(io.RawIOBase):
    """A request body that remembers the largest read asked of it."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self._data.read(-1 if size is None else size)
        self.largest_read = max(self.largest_read, len(data))
        return data


def encode(fields: list[Field]) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser (or requests) sends it: (body, content type)."""
    return urllib3.encode_multipart_formdata(fields)  # type: ignore[no-any-return]


def upload(app: Any, url: str, body: bytes, ctype: str) -> tuple[int, dict[str, str], bytes, TrackedStream]:
    stream = TrackedStream(body)
    headers = {"Content-Type": ctype, "Content-Length": str(len(body))}
    status, hdrs, answer = wsgi_call(app, "POST", url, headers, stream)
    return status, {k.lower(): v for k, v in hdrs}, answer.read(), stream


def error_of(answer: bytes) -> dict[str, str]:
    return {e.tag: e.text or "" for e in ElementTree.fromstring(answer)}


@pytest.fixture
def s3(inprocess_client: Callable[..., Any]) -> Any:
    return inprocess_client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = unique("post")
    s3.create_bucket(Bucket=name)
    return name


def presigned(s3: Any, bucket: str, key: str, conditions: list[Any] | None = None, **fields: str) -> Any:
    conds: list[Any] = [{k: v} for k, v in fields.items()]
    return s3.generate_presigned_post(bucket, key, Fields=fields, Conditions=conds + (conditions or []))


def test_a_large_upload_streams_into_the_store_with_bounded_memory(app: Any, s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "big/${filename}", [["content-length-range", 1, 64 * MiB]])
    payload = os.urandom(20 * MiB)
    body, ctype = encode([*form["fields"].items(), ("file", ("large.bin", payload))])
    assert upload(app, form["url"], *encode([*form["fields"].items(), ("file", ("warm", b"up"))]))[0] == 204
    tracemalloc.start()
    try:
        status, _, answer, stream = upload(app, form["url"], body, ctype)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 204, answer
    assert peak < 8 * MiB, f"{peak / MiB:.1f} MiB held for a 20 MiB upload"
    assert stream.largest_read < MiB  # the request body was never read whole
    got = s3.get_object(Bucket=bucket, Key="big/large.bin")
    assert got["ContentLength"] == len(payload)
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(payload).digest()


class StreamOnlyRequest(WireRequest):
    """A request whose whole body must never be asked for."""

    @property
    def body(self) -> bytes:
        raise AssertionError("the POST form parser read the whole request body")


def test_the_form_parser_hands_the_file_over_unread(bucket: str) -> None:
    payload = os.urandom(3 * MiB + 17)
    body, ctype = encode(
        [("key", "k/${filename}"), ("Content-Type", "image/png"), ("file", ("p.bin", payload))]
    )
    req = StreamOnlyRequest(
        method="POST",
        path=f"/{bucket}",
        query_string="",
        headers={"content-type": ctype, "content-length": str(len(body)), "host": "localhost"},
        stream=io.BytesIO(body),
        content_length=len(body),
    )
    params = wire.decode_unrouted(req)
    assert (params["Key"], params["ContentType"]) == ("k/p.bin", "image/png")
    file = params["Body"]
    assert not isinstance(file, bytes)
    pieces = iter(lambda: file.read(MiB), b"")
    assert b"".join(pieces) == payload


def test_fields_before_the_file_are_limited_to_20_kb(app: Any, store: Any, s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "padded", [["starts-with", "$x-ignore-padding", ""]])
    fields = list(form["fields"].items())
    ok, ctype = encode([*fields, ("x-ignore-padding", "p" * 10_000), ("file", ("f", b"fits"))])
    assert upload(app, form["url"], ok, ctype)[0] == 204
    before = fingerprint(store)
    big, ctype = encode([*fields, ("x-ignore-padding", "p" * 21_000), ("file", ("f", b"too much"))])
    status, _, answer, _ = upload(app, form["url"], big, ctype)
    assert status == 400
    assert error_of(answer) | {"RequestId": "", "HostId": ""} == {
        "Code": "MaxPostPreDataLengthExceeded",
        "Message": "Your POST request fields preceeding the upload file was too large.",
        "MaxPostPreDataLengthBytes": "20480",
        "RequestId": "",
        "HostId": "",
    }
    assert fingerprint(store) == before
    assert s3.get_object(Bucket=bucket, Key="padded")["Body"].read() == b"fits"


def test_the_size_range_holds_while_the_file_is_read(app: Any, store: Any, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="sized", Body=b"kept")
    before = fingerprint(store)
    form = presigned(s3, bucket, "sized", [["content-length-range", 10, 3 * MiB]])
    fields = list(form["fields"].items())
    status, _, answer, _ = upload(app, form["url"], *encode([*fields, ("file", ("f", b"x" * (6 * MiB)))]))
    err = error_of(answer)
    assert (status, err["Code"], err["MaxSizeAllowed"]) == (400, "EntityTooLarge", str(3 * MiB))
    assert 3 * MiB < int(err["ProposedSize"]) <= 6 * MiB
    status, _, answer, _ = upload(app, form["url"], *encode([*fields, ("file", ("f", b"tiny"))]))
    err = error_of(answer)
    assert (status, err["Code"], err["ProposedSize"]) == (400, "EntityTooSmall", "4")
    assert err["MinSizeAllowed"] == "10"
    assert fingerprint(store) == before  # nothing stored, the object written over is intact
    assert s3.get_object(Bucket=bucket, Key="sized")["Body"].read() == b"kept"
    status, _, _, _ = upload(app, form["url"], *encode([*fields, ("file", ("f", b"y" * (3 * MiB)))]))
    assert status == 204 and s3.head_object(Bucket=bucket, Key="sized")["ContentLength"] == 3 * MiB


def test_a_malformed_form_is_refused_and_stores_nothing(app: Any, store: Any, s3: Any, bucket: str) -> None:
    form = presigned(s3, bucket, "broken")
    fields = list(form["fields"].items())
    body, ctype = encode([*fields, ("file", ("f", b"z" * 100_000))])
    before = fingerprint(store)
    refusals = [
        (body[: len(body) - 60], ctype),  # cut before the closing boundary
        (body, "multipart/form-data"),  # no boundary
        encode([("key", b"\xff\xfe"), ("file", ("f", b"z"))]),  # a field that is not UTF-8
    ]
    for data, content_type in refusals:
        status, _, answer, _ = upload(app, form["url"], data, content_type)
        err = error_of(answer)
        assert (status, err["Code"]) == (400, "MalformedPOSTRequest"), answer
        assert err["Message"] == "The body of your POST request is not well-formed multipart/form-data."
    assert fingerprint(store) == before
    assert client_error(s3.head_object, Bucket=bucket, Key="broken")["Status"] == 404


def test_form_fields_become_the_object_and_fields_after_the_file_are_ignored(
    app: Any, s3: Any, bucket: str
) -> None:
    tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>red</Value></Tag></TagSet></Tagging>"
    form = presigned(
        s3,
        bucket,
        "docs/${filename}",
        **{
            "Content-Type": "text/csv",
            "x-amz-meta-owner": "me",
            "tagging": tagging,
            "success_action_redirect": "https://example.com/done?x=1",
        },
    )
    after = [("x-amz-meta-late", "no"), ("Content-Type", "image/png")]
    status, headers, _, _ = upload(
        app, form["url"], *encode([*form["fields"].items(), ("file", ("a b.csv", b"1,2\n")), *after])
    )
    assert status == 303
    head = s3.head_object(Bucket=bucket, Key="docs/a b.csv")
    assert headers["location"] == (
        f"https://example.com/done?x=1&bucket={bucket}&key=docs%2Fa+b.csv&etag=%22{head['ETag'].strip(chr(34))}%22"
    )
    assert (head["ContentType"], head["Metadata"], head["ContentLength"]) == ("text/csv", {"owner": "me"}, 4)
    tags = s3.get_object_tagging(Bucket=bucket, Key="docs/a b.csv")["TagSet"]
    assert tags == [{"Key": "team", "Value": "red"}]


def test_a_20_mb_post_upload_is_stored_intact_by_a_server(server: ServerProcess) -> None:
    s3 = server.client("s3")
    name = unique("post")
    s3.create_bucket(Bucket=name)
    form = s3.generate_presigned_post(
        name, "up/${filename}", Conditions=[["content-length-range", 1, 32 * MiB]], ExpiresIn=300
    )
    payload = os.urandom(20 * MiB)
    r = requests.post(form["url"], data=form["fields"], files={"file": ("big.bin", payload)}, timeout=120)
    assert r.status_code == 204, r.text
    got = s3.get_object(Bucket=name, Key="up/big.bin")
    assert got["ContentLength"] == len(payload)
    assert got["ETag"] == f'"{hashlib.md5(payload).hexdigest()}"'
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(payload).digest()
