"""How an object is encrypted: the server-side encryption a write asks for or the bucket's
default gives (``sse_fields``), the customer key a read of an SSE-C object must bring, and
UpdateObjectEncryption (an object re-encrypted under SSE-KMS in place)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Object

from .buckets import AnyBucket, BucketRow, get_config
from .errors import AccessDenied, InvalidArgument, InvalidRequest, MalformedXML
from .versioning import ObjectRow

_KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_-]+$")

#: the request members that choose an object's encryption
_SSE_INPUTS = frozenset(
    {
        "SSECustomerAlgorithm",
        "ServerSideEncryption",
        "SSEKMSKeyId",
        "BucketKeyEnabled",
        "SSEKMSEncryptionContext",
    }
)


def sse_fields(ctx: RequestContext, bucket: AnyBucket, params: dict[str, Any]) -> dict[str, Any]:
    """The encryption an object is stored with (explicit headers, else the bucket default)."""
    if isinstance(bucket, BucketRow) and bucket.encryption is None and _SSE_INPUTS.isdisjoint(params):
        return {"ServerSideEncryption": "AES256"}  # no choice made, no bucket default: S3's own
    out: dict[str, Any] = {}
    if params.get("SSECustomerAlgorithm"):
        if params["SSECustomerAlgorithm"] != "AES256":
            raise InvalidArgument(
                "The encryption algorithm specified is not supported",
                ArgumentName="x-amz-server-side-encryption-customer-algorithm",
                ArgumentValue=params["SSECustomerAlgorithm"],
            )
        out["SSECustomerAlgorithm"] = "AES256"
        out["SSECustomerKeyMD5"] = sse_c_key_md5(params)
        return out
    alg = params.get("ServerSideEncryption")
    kms_key = params.get("SSEKMSKeyId")
    bucket_key = params.get("BucketKeyEnabled")
    if alg is None:
        default = (get_config(ctx, bucket, "encryption") or {}).get("Rules") or [{}]
        by_default = default[0].get("ApplyServerSideEncryptionByDefault") or {}
        alg = by_default.get("SSEAlgorithm", "AES256")
        kms_key = kms_key or by_default.get("KMSMasterKeyID")
        if bucket_key is None and default[0].get("BucketKeyEnabled"):
            bucket_key = True
    if alg not in ("AES256", "aws:kms", "aws:kms:dsse", "aws:fsx"):
        raise InvalidArgument(
            "Server Side Encryption with unsupported algorithm",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue=alg,
        )
    if kms_key and not alg.startswith("aws:kms"):
        raise InvalidArgument(
            "Server Side Encryption with AWS KMS managed key requires HTTP header "
            "x-amz-server-side-encryption : aws:kms",
            ArgumentName="x-amz-server-side-encryption-aws-kms-key-id",
        )
    out["ServerSideEncryption"] = alg
    if alg.startswith("aws:kms"):
        if not kms_key:
            kms_key = ctx.arn("kms", "alias/aws/s3")
        elif not kms_key.startswith("arn:"):
            kms_key = ctx.arn("kms", kms_key if kms_key.startswith("alias/") else f"key/{kms_key}")
        out["SSEKMSKeyId"] = kms_key
        if params.get("SSEKMSEncryptionContext"):
            out["SSEKMSEncryptionContext"] = params["SSEKMSEncryptionContext"]
        if bucket_key:
            out["BucketKeyEnabled"] = True
    return out


def sse_c_key_md5(params: dict[str, Any], prefix: str = "SSECustomer") -> str:
    key_b64 = params.get(f"{prefix}Key")
    given = params.get(f"{prefix}KeyMD5")
    if not key_b64:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must "
            "provide an appropriate secret key.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    try:
        key = base64.b64decode(key_b64, validate=True)
    except (binascii.Error, ValueError):
        key = key_b64.encode() if isinstance(key_b64, str) else bytes(key_b64)
    if len(key) != 32:
        raise InvalidArgument(
            "The secret key was invalid for the specified algorithm.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    if given and given != md5:
        raise InvalidArgument(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    return md5


def check_sse_c_read(obj: S3Object | ObjectRow, params: dict[str, Any], prefix: str = "SSECustomer") -> None:
    stored = (obj.info or {}).get("sse", {}).get("SSECustomerKeyMD5")
    if stored is None:
        if params.get(f"{prefix}Algorithm"):
            raise InvalidRequest("The encryption parameters are not applicable to this object.")
        return
    if not params.get(f"{prefix}Algorithm"):
        raise InvalidRequest(
            "The object was stored using a form of Server Side Encryption. The correct "
            "parameters must be provided to retrieve the object."
        )
    if sse_c_key_md5(params, prefix) != stored:
        raise AccessDenied()


@handler("s3", "UpdateObjectEncryption")
def update_object_encryption(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Re-encrypt an existing object (a version) under SSE-KMS without touching its bytes or
    its other properties (ETag, last-modified date, storage class, metadata, tags)."""
    from .buckets import get_bucket
    from .reading import object_for_read

    bucket = get_bucket(ctx, params["Bucket"])
    obj = object_for_read(ctx, bucket, params["Key"], params.get("VersionId"))
    kms = (params.get("ObjectEncryption") or {}).get("SSEKMS")
    if not kms or not kms.get("KMSKeyArn"):
        raise MalformedXML()
    current = dict((obj.info or {}).get("sse") or {})
    if current.get("SSECustomerAlgorithm"):
        raise InvalidRequest("The encryption parameters are not applicable to this object.")
    key = str(kms["KMSKeyArn"])
    if not _KMS_KEY_ARN.match(key):
        raise InvalidArgument(
            "Invalid arn", ArgumentName="x-amz-server-side-encryption-aws-kms-key-id", ArgumentValue=key
        )
    sse: dict[str, Any] = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key}
    if current.get("SSEKMSEncryptionContext"):
        sse["SSEKMSEncryptionContext"] = current["SSEKMSEncryptionContext"]
    if kms.get("BucketKeyEnabled"):
        sse["BucketKeyEnabled"] = True
    obj.info = {**(obj.info or {}), "sse": sse}
    return {}
