"""The chunked blob store under the S3 API (in-process, looking at the tables): bodies are
chunked, completing a multipart upload links the parts' chunks without copying them, copies
share chunks, and deleting the last reference frees them."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import func, select

from awsmock.models.s3 import S3Blob, S3BlobChunk, S3Chunk
from awsmock.services.s3.storage import CHUNK_SIZE
from awsmock.state.store import Store

MIB = 1024 * 1024


def _counts(store: Store) -> tuple[int, int, int]:
    with store.session(write=False) as s:
        return (
            s.execute(select(func.count()).select_from(S3Chunk)).scalar_one(),
            s.execute(select(func.count()).select_from(S3BlobChunk)).scalar_one(),
            s.execute(select(func.count()).select_from(S3Blob)).scalar_one(),
        )


def test_chunks_are_linked_shared_and_freed(inprocess_client: Any, store: Store) -> None:
    s3 = inprocess_client("s3")
    s3.create_bucket(Bucket="chunky")
    parts = [os.urandom(5 * MIB + 10), os.urandom(3 * MIB)]
    up = s3.create_multipart_upload(Bucket="chunky", Key="mp")["UploadId"]
    done = [
        {
            "PartNumber": i,
            "ETag": s3.upload_part(Bucket="chunky", Key="mp", UploadId=up, PartNumber=i, Body=data)["ETag"],
        }
        for i, data in enumerate(parts, 1)
    ]
    chunks_before, _, _ = _counts(store)
    assert chunks_before == 6 + 3  # 1 MiB chunks per part
    s3.complete_multipart_upload(Bucket="chunky", Key="mp", UploadId=up, MultipartUpload={"Parts": done})
    chunks, links, blobs = _counts(store)
    assert (chunks, links, blobs) == (chunks_before, chunks_before, 1)  # linked, not copied
    assert s3.get_object(Bucket="chunky", Key="mp")["Body"].read() == b"".join(parts)

    s3.copy_object(Bucket="chunky", Key="copy", CopySource={"Bucket": "chunky", "Key": "mp"})
    assert _counts(store) == (chunks, links, blobs)  # a whole-object copy shares the blob
    s3.delete_object(Bucket="chunky", Key="mp")
    assert _counts(store)[0] == chunks
    assert s3.get_object(Bucket="chunky", Key="copy")["Body"].read() == b"".join(parts)
    s3.delete_object(Bucket="chunky", Key="copy")
    assert _counts(store) == (0, 0, 0)

    s3.put_object(Bucket="chunky", Key="k", Body=b"x" * (2 * CHUNK_SIZE + 1))
    assert _counts(store)[0] == 3
    s3.put_object(Bucket="chunky", Key="k", Body=b"small")  # overwrite frees the old chunks
    assert _counts(store) == (1, 1, 1)
    up = s3.create_multipart_upload(Bucket="chunky", Key="gone")["UploadId"]
    s3.upload_part(Bucket="chunky", Key="gone", UploadId=up, PartNumber=1, Body=b"y" * 100)
    s3.abort_multipart_upload(Bucket="chunky", Key="gone", UploadId=up)
    assert _counts(store) == (1, 1, 1)
