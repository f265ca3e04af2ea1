"""The in-process transport: an SDK request becomes the WireRequest the server would build."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zlib
from urllib.parse import urlsplit

import pytest
from botocore.awsrequest import AWSRequest, HeadersDict
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum, Sha256Checksum

from awsmock.api.protocols.aws_chunked import AwsChunkedReader
from awsmock.inprocess import WHOLE_BODY, _split_url, wire_request


@pytest.mark.parametrize(
    "url",
    [
        "https://b.s3.amazonaws.com/k",
        "https://s3.amazonaws.com/b/k?x-id=PutObject&a=b",
        "http://localhost:4566",
        "http://localhost:4566?Action=X",
        "http://h?a=/b",
        "https://x.amazonaws.com/a/b/c?q=1/2",
        "https://host/?a",
        "https://host/p#frag",
        "https://u:p@host/p",
        "https://[::1]:80/p?x",
        "https://HOST:443/P%20Q?a=%2F",
        "noscheme/path",
        "HTTPS://h/p",
        "https://h/p?a=1?b",
        "https://h//a//b?",
        "https://h/p?",
        "s3+x://h/p;x?y#",
    ],
)
def test_url_split_agrees_with_urlsplit(url: str) -> None:
    parts = urlsplit(url)
    assert _split_url(url) == (parts.scheme, parts.netloc, parts.path, parts.query)


def _prepared(body: object, headers: dict[str, str]) -> AWSRequest:
    return AWSRequest(
        method="PUT", url="https://b.s3.amazonaws.com/k?x=1", data=body, headers=headers
    ).prepare()


def test_bytes_body_is_handed_over_whole() -> None:
    req = _prepared(b"hello", {"X-Amz-Meta-A": "1"})
    wire = wire_request(req.method, req.url, req.headers, req.body)
    assert (wire.path, wire.query_string, wire.host) == ("/k", "x=1", "b.s3.amazonaws.com")
    assert wire.headers["x-amz-meta-a"] == "1" and wire.headers["content-length"] == "5"
    assert wire.body == b"hello" and wire._body == b"hello"


def test_small_chunked_body_is_read_whole_and_a_large_one_streams() -> None:
    framed = b"5\r\nhello\r\n0\r\n\r\n"
    small = wire_request(
        "PUT",
        "https://b.s3.amazonaws.com/k",
        {
            "Transfer-Encoding": "chunked",
            "Content-Encoding": "aws-chunked",
            "X-Amz-Decoded-Content-Length": "5",
        },
        io.BytesIO(framed),
    )
    assert small._body == framed and small.content_length == len(framed)
    assert "transfer-encoding" not in small.headers
    big = io.BytesIO(framed)
    large = wire_request(
        "PUT",
        "https://b.s3.amazonaws.com/k",
        {"Transfer-Encoding": "chunked", "X-Amz-Decoded-Content-Length": str(WHOLE_BODY + 1)},
        big,
    )
    assert large._body is None and large.stream is big and large.content_length is None
    assert large.headers["transfer-encoding"] == "chunked"


@pytest.mark.parametrize("size", [0, 1, 1024, 3000])
@pytest.mark.parametrize("algorithm", ["crc32", "sha256", None])
def test_botocores_chunked_encoder_is_handed_over_unframed(size: int, algorithm: str | None) -> None:
    # botocore's aws-chunked encoder is read as the payload it wraps: the framed body the
    # server sees is what the encoder would have sent, and decoding it or taking the payload
    # handed over give the same bytes and trailers
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    cls = {"crc32": Crc32Checksum, "sha256": Sha256Checksum, None: None}[algorithm]
    name = f"x-amz-checksum-{algorithm}"

    def encoder() -> AwsChunkedWrapper:  # 1 KiB chunks: a 3000-byte payload frames as three
        return AwsChunkedWrapper(io.BytesIO(data), checksum_cls=cls, checksum_name=name, chunk_size=1024)

    headers = {
        "Transfer-Encoding": "chunked",
        "Content-Encoding": "aws-chunked",
        "X-Amz-Decoded-Content-Length": str(size),
    }
    sent = encoder()
    wire = wire_request("PUT", "https://b.s3.amazonaws.com/k", headers, sent)
    assert wire._body == encoder().read() and wire.content_length == len(wire._body)
    assert "transfer-encoding" not in wire.headers
    expected = {} if cls is None else {name: base64.b64encode(_digest(algorithm, data)).decode()}
    assert wire.unframed == (data, expected)
    assert sent.read() == b""  # left as botocore leaves it once read (a retry seeks back)
    sent.seek(0)
    assert sent.read() == wire._body
    for hint in (wire.unframed, None):  # the payload handed over, or the framing decoded
        reader = AwsChunkedReader(io.BytesIO(b""), size, whole=wire._body, unframed=hint)
        assert reader.read() == data and reader.trailers == expected and reader.done


def _digest(algorithm: str | None, data: bytes) -> bytes:
    if algorithm == "sha256":
        return hashlib.sha256(data).digest()
    return zlib.crc32(data).to_bytes(4, "big")


def test_an_encoder_already_read_from_or_too_large_is_read_as_on_the_wire() -> None:
    headers = {"Transfer-Encoding": "chunked", "Content-Encoding": "aws-chunked"}
    started = AwsChunkedWrapper(
        io.BytesIO(b"hello"), checksum_cls=Crc32Checksum, checksum_name="x-amz-checksum-crc32"
    )
    first = started.read(3)
    wire = wire_request("PUT", "https://b/k", {**headers, "X-Amz-Decoded-Content-Length": "5"}, started)
    assert (
        wire.unframed is None
        and first + wire._body == b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"
    )
    big = AwsChunkedWrapper(io.BytesIO(b"hello"))
    wire = wire_request(
        "PUT", "https://b/k", {**headers, "X-Amz-Decoded-Content-Length": str(WHOLE_BODY + 1)}, big
    )
    assert wire.unframed is None and wire._body is None and wire.stream is big


def test_prepared_headers_are_read_lower_cased_with_their_values() -> None:
    headers = {"X-Amz-Meta-Caf\u00e9": "1", "Content-MD5": "abc==", "x-amz-tagging": "a=b&c=d"}
    req = _prepared(b"", headers)
    req.headers["X-Raw"] = b"\xe9t\xe9"  # a value botocore keeps as bytes
    wire = wire_request(req.method, req.url, req.headers, req.body)
    expected = {k.lower(): v for k, v in headers.items()} | {"x-raw": "\xe9t\xe9"}
    assert {k: wire.headers[k] for k in expected} == expected
    req.headers["X-Number"] = 7  # neither text nor bytes: as str() gives it
    wire = wire_request(req.method, req.url, req.headers, req.body)
    expected |= {"x-number": "7"}
    assert {k: wire.headers[k] for k in expected} == expected
    assert set(wire.headers) == {name.lower() for name in req.headers} | {"host"}
    # all bytes, as botocore prepares them for rest-xml services
    raw = HeadersDict({"X-Amz-Date": b"20260101T000000Z", "X-Meta": b"caf\xe9", "Host": b"h"})
    wire = wire_request("GET", "https://h/k", raw, b"")
    assert wire.headers == {"x-amz-date": "20260101T000000Z", "x-meta": "caf\xe9", "host": "h"}
    # all text
    wire = wire_request("GET", "https://h/k", HeadersDict({"X-A": "1", "Host": "h"}), b"")
    assert wire.headers == {"x-a": "1", "host": "h"}


def test_stored_json_reads_as_the_orm_reads_it() -> None:
    from sqlalchemy.dialects import sqlite

    from awsmock.state.rawvalues import Conversions

    conv = Conversions(sqlite.dialect())
    for text in ('{"a": [1, "\\u00e9", null, 2.5, true]}', "null", "[]", ' {"x": 1} ', "3", '"s"'):
        assert conv.json_out(text) == json.loads(text)
    assert conv.json_out(None) is None and conv.json_out(7) == 7
    with pytest.raises(ValueError):
        conv.json_out('{"a": 1} trailing')


def test_answer_headers_behave_as_botocores_headers_dict() -> None:
    from awsmock.inprocess import AnswerHeaders

    wire = {"etag": '"abc"', "x-amz-meta-a": "1", "content-length": "5"}
    ours, theirs = AnswerHeaders(dict(wire)), HeadersDict(wire)
    assert isinstance(ours, HeadersDict)

    def same() -> None:
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
        assert dict(ours.items()) == dict(theirs.items()) and ours == theirs
        for name in ("ETag", "etag", "X-Amz-Meta-A", "Content-Length", "missing", "Date"):
            assert (name in ours) == (name in theirs)
            assert ours.get(name) == theirs.get(name) and ours.get(name, 7) == theirs.get(name, 7)
            if name in theirs:
                assert ours[name] == theirs[name]
            else:
                with pytest.raises(KeyError):
                    ours[name]

    same()
    for headers in (ours, theirs):  # a name set in another case is shown as set, found in any case
        headers["X-Amz-Request-Id"] = "r1"
        headers["ETAG"] = '"def"'
        del headers["Content-LENGTH"]
    same()
    assert list(ours) == ["etag", "x-amz-meta-a", "X-Amz-Request-Id"]  # a name set again keeps its spelling
    for headers in (ours, theirs):
        headers["x-amz-request-id"] = "r2"
    same()
    copied = ours.copy()
    copied["new"] = "1"
    assert "new" not in ours and copied["ETag"] == '"def"' and isinstance(copied, HeadersDict)
    with pytest.raises(KeyError):
        del ours["missing"]


def test_answer_body_reads_and_streams_as_a_raw_stream() -> None:
    from awsmock.inprocess import _Body

    pieces = [b"abc", b"", b"defghij", b"k"]
    whole = b"".join(pieces)
    assert b"".join(_Body(iter(pieces)).stream()) == whole
    assert list(_Body(iter(pieces)).stream(3)) == [b"abc", b"def", b"ghi", b"j", b"k"]
    body = _Body(iter(pieces))
    assert [body.read(4), body.read(4), body.read(), body.read(2)] == [b"abcd", b"efgh", b"ijk", b""]
    assert body.closed
    body = _Body(iter(pieces))
    assert body.read(2) == b"ab" and b"".join(body.stream(4)) == b"cdefghijk" and body.closed

    closed: list[bool] = []

    class Source(list[bytes]):
        def close(self) -> None:
            closed.append(True)

    list(_Body(Source(pieces)).stream())
    assert closed == [True]


@pytest.mark.parametrize(
    "query",
    [
        "x-id=GetObject",
        "a",
        "a=",
        "=b",
        "a=b=c",
        "a&&b=1&",
        "&",
        "a=1&a=2",
        "%41=%42",
        "a+b=c",
        "a=b;c=d",
        "\u00e9=\u00fc",
    ],
)
def test_query_pairs_are_parse_qsl_with_blank_values(query: str) -> None:
    from urllib.parse import parse_qsl

    from awsmock.engine.wire import WireRequest

    req = WireRequest("GET", "/", query, {}, io.BytesIO(b""), 0)
    assert req.query == parse_qsl(query, keep_blank_values=True)
    assert req.query_dict == dict(parse_qsl(query, keep_blank_values=True))
