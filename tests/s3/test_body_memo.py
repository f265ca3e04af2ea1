"""An in-memory state remembers which small bodies an overwrite may write in place
(the store's ``s3.bodies`` memo): whatever comes to share such a body, or replaces or resizes it,
the next overwrite keeps what others read and what the key's readers expect."""

from __future__ import annotations

from typing import Any

import boto3

from awsmock import mock_aws
from awsmock.mocking import active_mock


def _s3() -> Any:
    return boto3.client("s3", region_name="us-east-1")


def _body(s3: Any, key: str, **kw: Any) -> bytes:
    return s3.get_object(Bucket="memo-bucket", Key=key, **kw)["Body"].read()  # type: ignore[no-any-return]


def _remembered() -> dict[Any, Any]:
    mock = active_mock()
    assert mock is not None and mock.store.memos is not None
    return mock.store.memos["s3.bodies"]


def _overwritten_twice(s3: Any, key: str = "k") -> None:
    """``key`` holds b"two", and its chunk is remembered as claimable."""
    s3.put_object(Bucket="memo-bucket", Key=key, Body=b"one")
    s3.put_object(Bucket="memo-bucket", Key=key, Body=b"two")  # claimed in place: remembered
    assert len(_remembered()) == 1


@mock_aws
def test_a_remembered_body_is_forgotten_once_a_copy_shares_it() -> None:
    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    _overwritten_twice(s3)
    s3.copy_object(Bucket="memo-bucket", Key="copy", CopySource={"Bucket": "memo-bucket", "Key": "k"})
    assert _remembered() == {}
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"three")
    assert (_body(s3, "copy"), _body(s3, "k")) == (b"two", b"three")
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"four")  # unshared again: remembered
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"five")
    assert (_body(s3, "copy"), _body(s3, "k")) == (b"two", b"five")


@mock_aws
def test_a_remembered_body_copied_onto_itself_or_into_a_part_is_not_written_over() -> None:
    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    _overwritten_twice(s3)
    up = s3.create_multipart_upload(Bucket="memo-bucket", Key="dst")["UploadId"]
    part = s3.upload_part_copy(
        Bucket="memo-bucket",
        Key="dst",
        UploadId=up,
        PartNumber=1,
        CopySource={"Bucket": "memo-bucket", "Key": "k"},
    )
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"changed")
    s3.complete_multipart_upload(
        Bucket="memo-bucket",
        Key="dst",
        UploadId=up,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]},
    )
    assert (_body(s3, "dst"), _body(s3, "k")) == (b"two", b"changed")

    _overwritten_twice(s3, "self")
    s3.copy_object(
        Bucket="memo-bucket",
        Key="self",
        CopySource={"Bucket": "memo-bucket", "Key": "self"},
        MetadataDirective="REPLACE",
        Metadata={"m": "1"},
    )
    s3.put_object(Bucket="memo-bucket", Key="self", Body=b"after the copy")
    got = s3.get_object(Bucket="memo-bucket", Key="self")
    assert (got["Body"].read(), got["Metadata"]) == (b"after the copy", {})


@mock_aws
def test_remembered_bodies_resize_and_deleted_keys_start_over() -> None:
    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    _overwritten_twice(s3)
    for body in (b"a longer body", b"short", b"", b"x" * 3000, b"ok"):
        s3.put_object(Bucket="memo-bucket", Key="k", Body=body)
        assert _body(s3, "k") == body
        assert s3.head_object(Bucket="memo-bucket", Key="k")["ContentLength"] == len(body)
    assert _body(s3, "k", Range="bytes=1-") == b"k"
    s3.delete_object(Bucket="memo-bucket", Key="k")
    assert _remembered() == {}
    _overwritten_twice(s3)
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"three")
    listed = s3.list_objects_v2(Bucket="memo-bucket")["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("k", 5)]
    assert _body(s3, "k") == b"three"


@mock_aws
def test_a_restored_snapshot_forgets_what_was_remembered() -> None:
    import awsmock

    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"in the snapshot")
    awsmock.snapshot("before")
    s3.copy_object(Bucket="memo-bucket", Key="copy", CopySource={"Bucket": "memo-bucket", "Key": "k"})
    s3.delete_object(Bucket="memo-bucket", Key="k")
    _overwritten_twice(s3)  # a new blob for k, remembered
    awsmock.restore("before")  # k shares nothing, but its blob is not the remembered one
    assert _remembered() == {}
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"after")
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"after again")
    assert _body(s3, "k") == b"after again"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="memo-bucket")["Contents"]] == ["k"]


@mock_aws
def test_any_change_to_the_rows_a_claim_rests_on_forgets_it_and_nothing_else_does() -> None:
    """Each column that decides whether a body is shared (the version's row: which key,
    version and blob; any column of the links, parts and chunk rows), changed in place,
    empties the section (a handler that shares a body some new way is covered too); the
    columns an overwrite rewrites, and the chunk's bytes, do not."""
    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    up = s3.create_multipart_upload(Bucket="memo-bucket", Key="mp")["UploadId"]
    s3.upload_part(Bucket="memo-bucket", Key="mp", UploadId=up, PartNumber=1, Body=b"a part")
    _overwritten_twice(s3)
    store = active_mock().store  # type: ignore[union-attr]
    changes = [
        ("s3_object", c)
        for c in ("id", "bucket_id", "key", "version_id", "is_latest", "delete_marker", "blob_id")
    ]
    changes += [(t, c) for t in ("s3_blob_chunk", "s3_part") for c in _columns(store, t)] + [
        ("s3_chunk", "id")
    ]
    unwatched = [("s3_object", "etag"), ("s3_object", "info"), ("s3_object", "size"), ("s3_chunk", "data")]
    for table, column in changes + unwatched:
        _remembered()["probe"] = True
        with store.transaction(write=True) as tx:
            assert tx.dbapi.execute(f'UPDATE {table} SET "{column}" = "{column}"').rowcount > 0
        assert ("probe" in _remembered()) == ((table, column) in unwatched), (table, column)
    assert _body(s3, "k") == b"two"


def _columns(store: Any, table: str) -> list[str]:
    with store.transaction() as tx:
        return [row[1] for row in tx.dbapi.execute(f"PRAGMA table_info({table})")]
