"""Function and layer code: zip archives kept once by SHA-256 in chunks (``lambda_code``,
``lambda_code_chunk``), checked as Lambda checks them (a readable zip, the unzipped size),
taken inline (``ZipFile``) or from S3 (``S3Bucket``/``S3Key``/``S3ObjectVersion``), and served
back at the URL GetFunction and GetLayerVersion give as ``Code.Location``/``Content.Location``."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.lambda_ import LambdaCode, LambdaCodeChunk

from .errors import InvalidParameterValueException, RequestTooLargeException

CHUNK = 1024 * 1024
#: the deployment package limits AWS documents: 50 MB zipped (direct upload), 250 MB unzipped
MAX_ZIPPED = 50 * 1024 * 1024
MAX_UNZIPPED = 262144000
#: the request size limit Lambda words for CreateFunction's inline zip
MAX_REQUEST = 70167211
PUBLIC_PREFIX = "code-"


def digest_b64(sha_hex: str) -> str:
    return base64.b64encode(bytes.fromhex(sha_hex)).decode()


def check_zip(data: bytes) -> None:
    """A zip Lambda can unpack, within the unzipped size limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from exc
    if size > MAX_UNZIPPED:
        raise InvalidParameterValueException(f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes")


def read_source(ctx: RequestContext, code: dict[str, Any], operation: str) -> bytes:
    """The zip a ``Code``/``Content`` structure (or UpdateFunctionCode's members) gives."""
    inline = code.get("ZipFile")
    bucket, key = code.get("S3Bucket"), code.get("S3Key")
    if inline is not None and (bucket or key):
        raise InvalidParameterValueException(
            "Please provide a source for function code, either ZipFile or S3Bucket and S3Key, not both."
        )
    if inline is not None:
        data = bytes(inline)
        if len(data) > MAX_ZIPPED:
            raise RequestTooLargeException(
                f"Request must be smaller than {MAX_REQUEST} bytes for the {operation} operation"
            )
        return data
    if bucket and key:
        return _from_s3(ctx, str(bucket), str(key), code.get("S3ObjectVersion"))
    raise InvalidParameterValueException("Please provide a source for function code.")


def _from_s3(ctx: RequestContext, bucket: str, key: str, version: str | None) -> bytes:
    from awsmock.services.s3 import internal as s3

    try:
        data = s3.read_object(ctx, bucket, key, version)
    except AwsError as err:
        code = err.code
        message = {
            "NoSuchBucket": "The specified bucket does not exist",
            "NoSuchKey": "The specified key does not exist.",
            "NoSuchVersion": "The specified version does not exist.",
        }.get(code, err.message)
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: {code}. S3 Error Message: {message}"
        ) from err
    if len(data) > MAX_UNZIPPED:
        raise InvalidParameterValueException(f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes")
    return data


def store(ctx: RequestContext, data: bytes) -> tuple[str, int]:
    """Keep ``data`` (once per digest) and count one more user of it; (sha256 hex, size)."""
    sha = hashlib.sha256(data).hexdigest()
    row = ctx.session.get(LambdaCode, sha)
    if row is None:
        row = LambdaCode(sha256=sha, size=len(data), refs=0, created=ctx.now)
        ctx.session.add(row)
        for seq, start in enumerate(range(0, max(len(data), 1), CHUNK)):
            ctx.session.add(LambdaCodeChunk(sha256=sha, seq=seq, data=data[start : start + CHUNK]))
    row.refs += 1
    ctx.session.flush()
    return sha, len(data)


def retain(ctx: RequestContext, sha: str | None) -> None:
    """One more user (a published version) of code already kept."""
    if sha:
        row = ctx.session.get(LambdaCode, sha)
        if row is not None:
            row.refs += 1


def release(ctx: RequestContext, sha: str | None) -> None:
    """One user fewer; the code goes with its last user."""
    if not sha:
        return
    row = ctx.session.get(LambdaCode, sha)
    if row is None:
        return
    row.refs -= 1
    if row.refs <= 0:
        ctx.session.execute(delete(LambdaCodeChunk).where(LambdaCodeChunk.sha256 == sha))
        ctx.session.delete(row)
    ctx.session.flush()


def load(session: Session, sha: str) -> bytes | None:
    """The archive's bytes, or None when it is gone."""
    if session.get(LambdaCode, sha) is None:
        return None
    parts = session.scalars(
        select(LambdaCodeChunk.data).where(LambdaCodeChunk.sha256 == sha).order_by(LambdaCodeChunk.seq)
    )
    return b"".join(parts)


def location(ctx: RequestContext, sha: str) -> str:
    """The URL that serves the archive (GetFunction's Code.Location)."""
    return f"{ctx.endpoint.rstrip('/')}/_awsmock/public/lambda/{PUBLIC_PREFIX}{sha}.zip"


def public_file(session: Session, name: str) -> tuple[bytes, str] | None:
    """``/_awsmock/public/lambda/code-<sha256>.zip``: an archive, named by its digest."""
    if not (name.startswith(PUBLIC_PREFIX) and name.endswith(".zip")):
        return None
    sha = name[len(PUBLIC_PREFIX) : -4]
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        return None
    data = load(session, sha)
    return None if data is None else (data, "application/zip")
