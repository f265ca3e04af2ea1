"""Decoding S3 ``aws-chunked`` request bodies: both variants, trailers, tiny and large chunks,
bounded reads, malformed framing, and the S3 PutObject path end to end through the protocol."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

from awsmock.api.protocols import get
from awsmock.api.protocols.aws_chunked import AwsChunkedReader, BoundedReader, request_body_stream
from awsmock.engine import specs
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest


def _unsigned_trailer(data: bytes, chunk_size: int) -> bytes:
    """What botocore sends for STREAMING-UNSIGNED-PAYLOAD-TRAILER."""
    wrapper = AwsChunkedWrapper(
        io.BytesIO(data),
        checksum_cls=Crc32Checksum,
        checksum_name="x-amz-checksum-crc32",
        chunk_size=chunk_size,
    )
    return wrapper.read()


def _signed(data: bytes, chunk_size: int) -> bytes:
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD framing (signatures are not checked)."""
    out = bytearray()
    for i in range(0, len(data), chunk_size):
        chunk = data[i : i + chunk_size]
        out += b"%x;chunk-signature=%s\r\n%s\r\n" % (len(chunk), b"a" * 64, chunk)
    out += b"0;chunk-signature=" + b"b" * 64 + b"\r\n\r\n"
    return bytes(out)


def _crc32_b64(data: bytes) -> str:
    c = Crc32Checksum()
    c.update(data)
    return c.b64digest()


@pytest.mark.parametrize("chunk_size", [1, 7, 8192, 1 << 20])
@pytest.mark.parametrize("read_size", [1, 100, 65536, -1])
def test_unsigned_trailer(chunk_size: int, read_size: int) -> None:
    data = os.urandom(3000) if chunk_size < 8192 else os.urandom(300_000)
    if chunk_size == 1 and read_size == 1:
        data = data[:300]
    reader = AwsChunkedReader(io.BytesIO(_unsigned_trailer(data, chunk_size)))
    got = bytearray()
    while True:
        piece = reader.read(read_size)
        if not piece:
            break
        assert read_size < 0 or len(piece) <= read_size
        got += piece
        if read_size < 0:
            break
    assert bytes(got) == data
    assert reader.read(10) == b""
    assert reader.trailers == {"x-amz-checksum-crc32": _crc32_b64(data)}


@pytest.mark.parametrize("chunk_size", [1, 10, 65536])
def test_signed_payload(chunk_size: int) -> None:
    data = os.urandom(200_000 if chunk_size > 10 else 500)
    reader = AwsChunkedReader(io.BytesIO(_signed(data, chunk_size)), decoded_length=len(data))
    assert b"".join(iter(reader)) == data
    assert reader.done and reader.trailers == {}


def test_empty_body_and_readinto() -> None:
    reader = AwsChunkedReader(io.BytesIO(_unsigned_trailer(b"", 1024)))
    buf = bytearray(16)
    assert reader.readinto(buf) == 0
    assert reader.trailers["x-amz-checksum-crc32"] == _crc32_b64(b"")


def test_bounded_memory() -> None:
    """A 64 MiB body read in 64 KiB pieces never holds more than a small buffer."""

    class Source(io.RawIOBase):
        def __init__(self) -> None:
            self.left = 64 * 1024 * 1024
            self.header_sent = False

        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:  # type: ignore[override]
            if not self.header_sent:
                head = b"%x\r\n" % self.left
                b[: len(head)] = head
                self.header_sent = True
                return len(head)
            if self.left == 0:
                tail = b"\r\n0\r\n\r\n"
                b[: len(tail)] = tail
                self.left = -1
                return len(tail)
            if self.left < 0:
                return 0
            n = min(len(b), self.left)
            b[:n] = b"x" * n
            self.left -= n
            return n

    reader = AwsChunkedReader(io.BufferedReader(Source(), 65536))  # type: ignore[type-var]
    total = 0
    while True:
        piece = reader.read(65536)
        if not piece:
            break
        total += len(piece)
        assert len(reader._buf) <= 2 * 65536
    assert total == 64 * 1024 * 1024


@pytest.mark.parametrize(
    "raw",
    [
        b"zz\r\nabc\r\n0\r\n\r\n",  # bad size
        b"5\r\nabc",  # truncated data
        b"3\r\nabcXX0\r\n\r\n",  # no CRLF after data
        b"3\r\nabc\r\n",  # no final chunk
    ],
)
def test_malformed(raw: bytes) -> None:
    with pytest.raises(AwsError) as info:
        AwsChunkedReader(io.BytesIO(raw)).read()
    assert info.value.code in ("IncompleteBody", "InvalidRequest") and info.value.status == 400


def test_decoded_length_mismatch() -> None:
    with pytest.raises(AwsError):
        AwsChunkedReader(io.BytesIO(_signed(b"abc", 2)), decoded_length=5).read()


def test_bounded_reader_stops_at_content_length() -> None:
    r = BoundedReader(io.BytesIO(b"hello world"), 5)
    assert r.read() == b"hello" and r.read(3) == b""


def test_put_object_aws_chunked_through_the_protocol() -> None:
    data = os.urandom(100_000)
    body = _unsigned_trailer(data, 8192)
    headers = {
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": str(len(data)),
        "x-amz-trailer": "x-amz-checksum-crc32",
        "content-length": str(len(body)),
        "x-amz-meta-color": "red",
    }
    req = WireRequest(
        "PUT", "/bk/dir/a%20b%2Bc", "", headers, io.BytesIO(body), len(body), host="localhost:4566"
    )
    proto = get("rest-xml")
    service = specs.service_model("s3")
    assert proto.operation_name(req, service) == "PutObject"
    params = proto.parse(req, service.operation_model("PutObject"))
    assert params["Bucket"] == "bk" and params["Key"] == "dir/a b+c"
    assert params["Metadata"] == {"color": "red"}
    assert "ContentEncoding" not in params  # aws-chunked is transport framing, not the object's encoding
    stream = params["Body"]
    assert stream.read(10) + stream.read() == data
    assert stream.trailers["x-amz-checksum-crc32"] == _crc32_b64(data)


def test_plain_body_is_streamed_not_buffered() -> None:
    req = WireRequest("PUT", "/b/k", "", {"content-length": "5"}, io.BytesIO(b"helloEXTRA"), 5)
    stream = request_body_stream(req)
    assert stream.read() == b"hello"


def _outcome(make: Any) -> tuple[Any, ...]:
    """(payload, trailers) of a reader, or the error code and message it raises."""
    reader = make()
    try:
        got = bytearray()
        while piece := reader.read(1000):
            got += piece
        return bytes(got), dict(reader.trailers), reader.done
    except AwsError as err:
        return err.code, err.message


@pytest.mark.parametrize(
    "raw",
    [
        _unsigned_trailer(b"x" * 3000, 1024),
        _unsigned_trailer(b"", 1024),
        _signed(b"abcdefg", 3),
        b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32: AAAA\r\nx-amz-other:1\r\n\r\n",
        b"3\nabc\n0\n\n",  # bare LF line ends
        b"3\r\nabc\r\n0",  # final chunk without its line end
        b"3\r\nabc\r\n0\r\nno-colon\r\n\r\n",  # bad trailer
        b"zz\r\nabc\r\n0\r\n\r\n",
        b"5\r\nabc",
        b"3\r\nabcXX0\r\n\r\n",
        b"3\r\nabc\r",
        b"3\r\nabc\r\n",
        b"",
        b"1" * 9000,  # a size line with no end, longer than a line may be
        b"A\r\n0123456789\r\n0\r\n\r\n",  # upper-case hex
        b"0x3\r\nabc\r\n0\r\n\r\n",  # a size int() reads but the SDKs never send
        b"3\r\nabc\r\n0\r\n\r\ntrailing bytes",
        b"3\r\nabc\r\n0\r\n \r\nx:1\r\n\r\n",  # a blank-ish line ends the trailers
        b"3;chunk-signature=ab\r\nabc\r\n0;chunk-signature=cd\r\nx-amz-checksum-crc32:AAAA\r\n\r\n",
        b"fffffffffff\r\nabc\r\n0\r\n\r\n",  # larger than a chunk may be
    ],
)
@pytest.mark.parametrize("decoded_length", [None, 3])
def test_whole_body_decodes_as_the_stream_does(raw: bytes, decoded_length: int | None) -> None:
    # an in-memory body (in-process mode) is decoded in one pass; it must agree with the
    # streaming decoder on the payload, the trailers and every error
    streamed = _outcome(lambda: AwsChunkedReader(io.BytesIO(raw), decoded_length))
    whole = _outcome(lambda: AwsChunkedReader(io.BytesIO(b""), decoded_length, whole=raw))
    assert whole == streamed


def test_in_process_put_of_small_and_large_aws_chunked_bodies() -> None:
    import boto3

    from awsmock import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="chunky")
        for size in (0, 1, 1 << 20, (1 << 20) + 1):  # around the whole-body limit
            data = os.urandom(size)
            s3.put_object(Bucket="chunky", Key=f"k{size}", Body=data, ChecksumAlgorithm="CRC32")
            got = s3.get_object(Bucket="chunky", Key=f"k{size}", ChecksumMode="ENABLED")
            assert got["Body"].read() == data
            if size:
                assert got["ChecksumCRC32"] == _crc32_b64(data)
