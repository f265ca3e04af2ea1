"""How S3's wire differs from what its model says (read by the rest-xml protocol, through the
facts S3 declares in ``__init__``):

* **virtual-hosted addressing**: ``<bucket>.s3.amazonaws.com``, ``<bucket>.s3.<region>.amazonaws.com``
  (also ``s3-<region>``, dualstack, fips), ``<bucket>.s3.localhost[:port]``,
  ``<bucket>.localhost[:port]`` are routed as the path-style ``/<bucket>/...``;
* **POST uploads** (presigned POST, which botocore models no operation for) are ``PutObject``
  (:mod:`.post_form`);
* the root element of each answer (``ListBucketResult``...), S3's namespace,
  ``GetBucketLocation``'s unwrapped ``<LocationConstraint>`` document;
* **EncodingType=url** listings: keys, prefixes, delimiters and markers percent-encoded as S3
  does when the result echoes ``EncodingType: "url"`` (boto3 asks for it on every listing);
* errors as a bare ``<Error>`` document ending in ``<RequestId>`` and ``<HostId>``, the
  ``x-amz-request-id`` / ``x-amz-id-2`` headers, 204 for a DELETE without a body;
* S3's codes for input that breaks the model (``MissingRequestBodyError``, ``InvalidRequest`` for
  a missing header, ``MalformedXML``, ``InvalidArgument``), with no enum or range checks.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any
from urllib.parse import quote

from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest

from .errors import InvalidArgument, InvalidRequest, MalformedXML
from .post_form import is_post_form, parse_post_form

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"

_HOSTS = (
    re.compile(
        r"^(?P<bucket>.+)\.s3(?:[.-](?:dualstack|fips|external-1|[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+))*"
        r"\.amazonaws\.com(?:\.cn)?$"
    ),
    # a directory bucket at its zonal endpoint: NAME--ZONE--x-s3.s3express-ZONE.REGION.amazonaws.com
    re.compile(r"^(?P<bucket>[a-z0-9-]+--x-s3)\.s3express-[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$"),
    re.compile(r"^(?P<bucket>.+)\.s3\.localhost(?:\.localstack\.cloud)?$"),
    # an access point by its ARN: NAME-ACCOUNT (see access_points.bucket_behind)
    re.compile(
        r"^(?P<bucket>[a-z0-9-]+-\d{12})\.s3-accesspoint(?:-fips)?(?:\.dualstack)?"
        r"\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$"
    ),
    re.compile(r"^(?P<bucket>.+)\.localhost(?:\.localstack\.cloud)?$"),
)

ROOTS = {
    "ListBuckets": "ListAllMyBucketsResult",
    "ListDirectoryBuckets": "ListAllMyDirectoryBucketsResult",
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "ListObjectVersions": "ListVersionsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult",
    "ListParts": "ListPartsResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "DeleteObjects": "DeleteResult",
    "GetBucketAcl": "AccessControlPolicy",
    "GetObjectAcl": "AccessControlPolicy",
    "GetBucketTagging": "Tagging",
    "GetObjectTagging": "Tagging",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketCors": "CORSConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketWebsite": "WebsiteConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetBucketReplication": "ReplicationConfiguration",
    "GetBucketEncryption": "ServerSideEncryptionConfiguration",
    "GetObjectAttributes": "GetObjectAttributesResponse",
}

#: EncodingType=url: (top-level members, (list member, item member) pairs) S3 percent-encodes
URL_ENCODED = {
    "ListObjects": (
        ("Delimiter", "Marker", "NextMarker", "Prefix"),
        (("Contents", "Key"), ("CommonPrefixes", "Prefix")),
    ),
    "ListObjectsV2": (
        ("Delimiter", "Prefix", "StartAfter"),
        (("Contents", "Key"), ("CommonPrefixes", "Prefix")),
    ),
    "ListObjectVersions": (
        ("KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"),
        (("Versions", "Key"), ("DeleteMarkers", "Key"), ("CommonPrefixes", "Prefix")),
    ),
    "ListMultipartUploads": (
        ("Delimiter", "KeyMarker", "NextKeyMarker", "Prefix"),
        (("Uploads", "Key"), ("CommonPrefixes", "Prefix")),
    ),
}

MALFORMED_XML = MalformedXML.default_message

#: host -> the path-style prefix its virtual-hosted bucket makes ("/bucket", percent-encoded),
#: or None (path style); a client talks to a few hosts, so the answer is remembered per host
_prefix_of_host: dict[str, str | None] = {}


def bucket_of_host(host: str) -> str | None:
    """The bucket a virtual-hosted S3 host name names, or None (path style)."""
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return None
    host = host.rsplit(":", 1)[0] if ":" in host else host
    for rx in _HOSTS:
        m = rx.match(host)
        if m:
            bucket = m.group("bucket")
            if bucket in ("s3", "www") or bucket.startswith("s3.") or bucket.startswith("s3-"):
                return None
            return bucket
    return None


def _bucket_prefix(host: str) -> str | None:
    try:
        return _prefix_of_host[host]
    except KeyError:
        pass
    bucket = bucket_of_host(host)
    prefix = None if bucket is None else "/" + quote(bucket, safe="")
    if len(_prefix_of_host) >= 4096:
        _prefix_of_host.clear()
    _prefix_of_host[host] = prefix
    return prefix


def path_style(req: WireRequest) -> str:
    """``req``'s percent-encoded path in S3 path style (virtual-hosted bucket moved into it)."""
    prefix = _bucket_prefix(req.host or req.headers.get("host", ""))
    path = req.path or "/"
    if prefix is None:
        return path
    return prefix if path == "/" else prefix + path


def is_s3_host(labels: list[str]) -> bool:
    """Whether a host (its labels) is an S3 endpoint: ``s3``, ``s3-<region>``, ``s3-external-1``,
    the directory buckets' ``s3express-control`` and ``s3express-<zone>``..."""
    return any(label == "s3" or label.startswith(("s3-", "s3express-")) for label in labels)


def prefer(req: WireRequest, operations: list[str]) -> str | None:
    """``GET /`` at the directory buckets' control endpoint (``s3express-control.<region>``), or
    with ListDirectoryBuckets' own ``max-directory-buckets``, lists directory buckets, not
    general purpose ones. (At another endpoint, a plain ``GET /`` cannot tell the two apart: it
    is ListBuckets.)"""
    if "ListDirectoryBuckets" in operations and (
        (req.host or "").lower().startswith("s3express-control.") or "max-directory-buckets" in req.query_dict
    ):
        return "ListDirectoryBuckets"
    return None


def unrouted(req: WireRequest) -> str | None:
    """A POST upload (multipart/form-data to a bucket) is served as PutObject."""
    if req.method == "POST" and is_post_form(req, path_style(req)):
        return "PutObject"
    return None


def decode_unrouted(req: WireRequest) -> dict[str, Any]:
    return parse_post_form(req, path_style(req))


def url_encoded(operation: str, result: dict[str, Any]) -> dict[str, Any]:
    """A listing's result as S3 writes it when the request asked for ``EncodingType=url``."""
    spec = URL_ENCODED.get(operation)
    if spec is None or result.get("EncodingType") != "url":
        return result
    top, nested = spec
    out = dict(result)
    for key in top:
        if isinstance(out.get(key), str):
            out[key] = quote(out[key], safe="/")
    for list_key, item_key in nested:
        items = out.get(list_key)
        if isinstance(items, list):
            out[list_key] = [
                {**item, item_key: quote(item[item_key], safe="/")}
                if isinstance(item, dict) and isinstance(item.get(item_key), str)
                else item
                for item in items
            ]
    return out


def host_id(request_id: str) -> str:
    """The ``x-amz-id-2`` S3 sends beside a request id."""
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest()).decode()


def request_id_headers(request_id: str) -> dict[str, str]:
    return {"x-amz-request-id": request_id, "x-amz-id-2": host_id(request_id)}


def error_tail(request_id: str) -> list[tuple[str, str]]:
    """The elements that close an S3 error document."""
    return [("RequestId", request_id), ("HostId", host_id(request_id))]


def violation_error(shape: Any, violations: list[Any]) -> AwsError:
    """S3's error for input that breaks the model (the first violation decides)."""
    v = violations[0]
    top = v.path[0] if v.path else ""
    if (
        v.kind == "required"
        and len(v.path) == 1
        and top == shape.serialization.get("payload")
        and shape.members[top].type_name == "structure"
    ):
        return AwsError("Request Body is empty", code="MissingRequestBodyError", status=400)
    if v.kind == "required" and isinstance(top, str) and top in shape.members:
        ser = shape.members[top].serialization
        if ser.get("location") == "header":
            return InvalidRequest(f"Missing required header for this request: {ser.get('name', top)}")
        if ser.get("location") is None or len(v.path) > 1:
            return MalformedXML()
    return InvalidArgument(v.message)


def is_unsigned_request(req: WireRequest) -> bool:
    """An unsigned request with no query ``Action``: S3's (a browser, ``curl``, a public object)."""
    if "Action" in req.query_dict:
        return False
    return not (req.method == "POST" and "Action" in req.form)
