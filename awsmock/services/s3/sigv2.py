"""S3's legacy signature (HMAC-SHA1, "SigV2"): the ``Authorization: AWS key:signature`` header
and the presigned ``AWSAccessKeyId``/``Signature``/``Expires`` query form, which boto3 still
produces for ``generate_presigned_url`` on S3 unless SigV4 is configured.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import unquote

from awsmock.engine.facts import LegacySignature
from awsmock.engine.wire import WireRequest

#: query arguments that are part of the signed resource
SUBRESOURCES = frozenset(
    {
        "accelerate",
        "acl",
        "cors",
        "defaultObjectAcl",
        "location",
        "logging",
        "partNumber",
        "policy",
        "requestPayment",
        "torrent",
        "versioning",
        "versionId",
        "versions",
        "website",
        "uploads",
        "uploadId",
        "response-content-type",
        "response-content-language",
        "response-expires",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "delete",
        "lifecycle",
        "tagging",
        "restore",
        "storageClass",
        "notification",
        "replication",
        "analytics",
        "metrics",
        "inventory",
        "select",
        "select-type",
        "object-lock",
    }
)
_VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+?)\.s3[.-]")


@dataclass(frozen=True)
class Signature:
    access_key_id: str
    signature: str
    expires: int | None = None  # presigned: the epoch second the URL stops working
    security_token: str | None = None
    presigned: bool = False


def parse(req: WireRequest) -> Signature | None:
    auth = req.headers.get("authorization", "")
    if auth.startswith("AWS ") and ":" in auth:
        akid, _, sig = auth[4:].strip().rpartition(":")
        return Signature(akid, sig, security_token=req.headers.get("x-amz-security-token"))
    q = req.query_dict
    if "AWSAccessKeyId" in q and "Signature" in q:
        try:
            expires = int(q.get("Expires", "0"))
        except ValueError:
            expires = 0
        token = q.get("x-amz-security-token") or req.headers.get("x-amz-security-token")
        return Signature(q["AWSAccessKeyId"], q["Signature"], expires, token, presigned=True)
    return None


def _resources(req: WireRequest) -> list[str]:
    paths = [req.path or "/"]
    host = req.host.rsplit(":", 1)[0].lower() if not req.host.startswith("[") else req.host
    m = _VIRTUAL_HOST.match(host)
    if m:
        paths.insert(0, f"/{m.group('bucket')}{req.path or '/'}")
    subs = []
    for piece in req.query_string.split("&") if req.query_string else []:
        key, eq, value = piece.partition("=")
        if key in SUBRESOURCES:
            subs.append((key, unquote(value) if eq else None))
    subs.sort(key=lambda kv: kv[0])
    suffix = ""
    if subs:
        suffix = "?" + "&".join(k if v is None else f"{k}={v}" for k, v in subs)
    return [p + suffix for p in paths]


def string_to_sign(req: WireRequest, sig: Signature, resource: str) -> str:
    h = req.headers
    date = str(sig.expires) if sig.presigned else h.get("date", "")
    amz = {k: v.strip() for k, v in h.items() if k.startswith("x-amz-")}
    if sig.presigned and sig.security_token and "x-amz-security-token" not in amz:
        amz["x-amz-security-token"] = sig.security_token
    lines = [req.method, h.get("content-md5", "").strip(), h.get("content-type", "").strip(), date]
    lines += [f"{k}:{amz[k]}" for k in sorted(amz)]
    return "\n".join([*lines, resource])


def verify(req: WireRequest, sig: Signature, secret: str) -> bool:
    for resource in _resources(req):
        digest = hmac.new(
            secret.encode(), string_to_sign(req, sig, resource).encode("utf-8"), hashlib.sha1
        ).digest()
        if hmac.compare_digest(base64.b64encode(digest).decode(), sig.signature):
            return True
    return False


def signed_at(req: WireRequest, sig: Signature) -> dt.datetime | None:
    """When a header-signed request says it was signed (``x-amz-date``, else ``Date``), or
    None (a presigned URL, or no readable date)."""
    if sig.presigned:
        return None
    text = req.headers.get("x-amz-date") or req.headers.get("date")
    try:
        when = email.utils.parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError):
        return None
    return when.astimezone(dt.UTC) if when is not None and when.tzinfo is not None else None


def expired(sig: Signature, now: dt.datetime) -> bool:
    return sig.presigned and sig.expires is not None and now.timestamp() > sig.expires


def access_key(req: WireRequest) -> str | None:
    """The access key id a SigV2 request is signed with (header or presigned), or None."""
    auth = req.headers.get("authorization", "")
    if auth.startswith("AWS "):
        return auth[4:].split(":", 1)[0]
    if "AWSAccessKeyId" in req.query_string:
        return req.query_dict.get("AWSAccessKeyId")
    return None


def security_token(sig: Signature) -> str | None:
    return sig.security_token


SCHEME = LegacySignature(
    access_key=access_key,
    parse=parse,
    verify=verify,
    signed_at=signed_at,
    expired=expired,
    security_token=security_token,
)
