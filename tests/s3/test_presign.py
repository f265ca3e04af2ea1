"""Presigned URLs (GET, PUT, expiry) and presigned POST form uploads, fetched with requests
against a real server."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
from botocore.config import Config

from tests.helpers import ServerProcess
from tests.s3.conftest import unique


@pytest.fixture
def srv_s3(server: ServerProcess) -> tuple[ServerProcess, Any, str]:
    client = server.client("s3")
    name = unique("pre")
    client.create_bucket(Bucket=name)
    return server, client, name


def test_presigned_get_and_put(srv_s3: tuple[ServerProcess, Any, str]) -> None:
    _, s3, bucket = srv_s3
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "p.txt"}, ExpiresIn=300
    )
    r = requests.put(put_url, data=b"via presigned put", timeout=30)
    assert r.status_code == 200, r.text
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "p.txt"}, ExpiresIn=300
    )
    r = requests.get(get_url, timeout=30)
    assert r.status_code == 200
    assert r.content == b"via presigned put"
    r = requests.get(get_url, headers={"Range": "bytes=4-12"}, timeout=30)
    assert (r.status_code, r.content) == (206, b"presigned")
    missing = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "nope"})
    r = requests.get(missing, timeout=30)
    assert r.status_code == 404 and "<Code>NoSuchKey</Code>" in r.text


def test_presigned_url_expired(srv_s3: tuple[ServerProcess, Any, str]) -> None:
    server, s3, bucket = srv_s3
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    v4 = server.client("s3", config=Config(signature_version="s3v4"))
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    assert "X-Amz-Expires=60" in url
    assert requests.get(url, timeout=30).status_code == 200
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    expired = re.sub(r"X-Amz-Date=\d{8}T\d{6}Z", f"X-Amz-Date={past}", url)
    r = requests.get(expired, timeout=30)
    assert r.status_code == 403
    assert "<Code>AccessDenied</Code>" in r.text
    assert "<Message>Request has expired</Message>" in r.text
    assert "<X-Amz-Expires>60</X-Amz-Expires>" in r.text
    v2_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    assert requests.get(v2_url, timeout=30).status_code == 200
    stale = re.sub(r"Expires=\d+", f"Expires={int(dt.datetime.now(dt.UTC).timestamp()) - 5}", v2_url)
    r = requests.get(stale, timeout=30)
    assert r.status_code == 403 and "<Message>Request has expired</Message>" in r.text


def test_presigned_post(srv_s3: tuple[ServerProcess, Any, str]) -> None:
    _, s3, bucket = srv_s3
    post = s3.generate_presigned_post(
        bucket,
        "uploads/${filename}",
        Fields={"Content-Type": "text/plain", "x-amz-meta-owner": "me"},
        Conditions=[
            {"Content-Type": "text/plain"},
            {"x-amz-meta-owner": "me"},
            ["content-length-range", 1, 100],
            ["starts-with", "$key", "uploads/"],
        ],
        ExpiresIn=300,
    )
    r = requests.post(
        post["url"], data=post["fields"], files={"file": ("hello.txt", b"hello form")}, timeout=30
    )
    assert r.status_code == 204, r.text
    got = s3.get_object(Bucket=bucket, Key="uploads/hello.txt")
    assert got["Body"].read() == b"hello form"
    assert got["ContentType"] == "text/plain" and got["Metadata"] == {"owner": "me"}
    too_big = requests.post(
        post["url"], data=post["fields"], files={"file": ("big.txt", b"x" * 101)}, timeout=30
    )
    assert too_big.status_code == 400 and "<Code>EntityTooLarge</Code>" in too_big.text
    bad = dict(post["fields"], **{"Content-Type": "image/png"})
    r = requests.post(post["url"], data=bad, files={"file": ("a.txt", b"abc")}, timeout=30)
    assert r.status_code == 403 and "Invalid according to Policy" in r.text
    extra = dict(post["fields"], **{"x-amz-meta-extra": "1"})
    r = requests.post(post["url"], data=extra, files={"file": ("a.txt", b"abc")}, timeout=30)
    assert r.status_code == 403 and "Extra input fields: x-amz-meta-extra" in r.text
    created = s3.generate_presigned_post(
        bucket,
        "dir/c & d.txt",
        Fields={"success_action_status": "201"},
        Conditions=[{"success_action_status": "201"}],
    )
    r = requests.post(created["url"], data=created["fields"], files={"file": ("c.txt", b"c")}, timeout=30)
    assert r.status_code == 201 and r.headers["Content-Type"] == "application/xml"
    doc = ElementTree.fromstring(r.content)
    location = f"/{bucket}/dir%2Fc%20%26%20d.txt"
    assert doc.tag == "PostResponse" and [e.tag for e in doc] == ["Location", "Bucket", "Key", "ETag"]
    assert doc.findtext("Location", "").endswith(location) and r.headers["Location"] == doc.findtext(
        "Location"
    )
    assert (doc.findtext("Bucket"), doc.findtext("Key")) == (bucket, "dir/c & d.txt")
    assert (
        doc.findtext("ETag")
        == s3.head_object(Bucket=bucket, Key="dir/c & d.txt")["ETag"]
        == r.headers["ETag"]
    )
    expired = s3.generate_presigned_post(bucket, "late.txt", ExpiresIn=-10)
    r = requests.post(expired["url"], data=expired["fields"], files={"file": ("x", b"x")}, timeout=30)
    assert r.status_code == 403 and "Policy expired" in r.text
