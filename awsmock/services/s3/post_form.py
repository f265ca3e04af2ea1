"""Browser-based uploads (presigned POST): a ``multipart/form-data`` POST to a bucket.

botocore models no operation for it; the rest-xml protocol hands such a request to
``PutObject`` with the params :func:`parse_post_form` builds from the form (the file, the key
with ``${filename}`` replaced, standard headers, ``x-amz-meta-*``, ACL, tagging...) plus a
``PostForm`` member: :func:`check_policy` enforces the signed policy document with it
(expiration, ``eq`` / ``starts-with`` / exact-match conditions, no extra fields) before the file
is read, and :func:`check_size` the policy's ``content-length-range`` once the file is stored.

The form is read as a stream, by Falcon's multipart parser (``falcon.media.MultipartFormHandler``),
never as a whole body: the fields before the file are read as text, within S3's 20 KB limit on
them; the ``file`` part becomes PutObject's ``Body``, an :class:`UploadBody` that reads the part
from the request as the blob store asks for it (a chunk at a time, up to S3's 5 GB for a POST
upload and no further than the policy's maximum); what follows the file is never read, as S3
ignores it.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from typing import Any
from urllib.parse import quote, unquote, urlencode

import falcon
import xmltodict
from falcon.errors import DelimiterError
from falcon.media import MultipartFormHandler
from falcon.media.multipart import MultipartParseOptions

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest
from awsmock.engine.xmltext import XmlError, parse_xml
from awsmock.state import jsontext

from .errors import AccessDenied, EntityTooSmall, InvalidArgument, MalformedXML

#: the form data and boundaries before the file (S3: "cannot exceed 20 KB")
MAX_PRE_DATA = 20 * 1024
#: the largest object a POST upload stores (S3: 5 GB)
MAX_UPLOAD = 5 * 1024**3
#: the request body read when a chunked request announces no length: the largest form S3 takes
_MAX_FORM = MAX_UPLOAD + MAX_PRE_DATA + 64 * 1024

#: form fields that need no policy condition
_UNCHECKED = {"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"}
_FIELD_PARAMS = {
    "content-type": "ContentType",
    "cache-control": "CacheControl",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "content-language": "ContentLanguage",
    "acl": "ACL",
    "x-amz-storage-class": "StorageClass",
    "x-amz-server-side-encryption": "ServerSideEncryption",
    "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
    "content-md5": "ContentMD5",
}


def _options() -> MultipartParseOptions:
    options = MultipartParseOptions()
    options.max_body_part_count = 0  # the 20 KB before the file bounds the parts that are read
    return options


_HANDLER = MultipartFormHandler(_options())


def is_post_form(req: WireRequest, path: str) -> bool:
    """A multipart/form-data POST to a bucket (``/bucket`` or ``/bucket/``)?"""
    if req.method != "POST" or not req.headers.get("content-type", "").lower().startswith(
        "multipart/form-data"
    ):
        return False
    parts = path.strip("/").split("/")
    return len(parts) == 1 and bool(parts[0]) and not req.query_string


def _malformed() -> AwsError:
    return AwsError(
        "The body of your POST request is not well-formed multipart/form-data.", code="MalformedPOSTRequest"
    )


def _too_much_before_file() -> AwsError:
    # the code and the text (typo included) of S3's answer; its error list writes the code
    # MaxPostPreDataLengthExceededError
    return AwsError(
        "Your POST request fields preceeding the upload file was too large.",
        code="MaxPostPreDataLengthExceeded",
        MaxPostPreDataLengthBytes=str(MAX_PRE_DATA),
    )


def _entity_too_large(size: int, limit: int) -> AwsError:
    return AwsError(
        "Your proposed upload exceeds the maximum allowed size",
        code="EntityTooLarge",
        ProposedSize=str(size),
        MaxSizeAllowed=str(limit),
    )


def _source(req: WireRequest) -> tuple[Any, int]:
    """``(read, length)`` of the request body, read as a stream (a body something already read
    whole is served from memory)."""
    if req._body is not None:
        return io.BytesIO(req._body).read, len(req._body)
    if req.content_length is not None:
        return req.stream.read, req.content_length
    if req.headers.get("transfer-encoding", "").lower() == "chunked":
        return req.stream.read, _MAX_FORM
    return io.BytesIO(b"").read, 0


class UploadBody:
    """The form's ``file`` part as PutObject's ``Body``: a read-only file that reads the part's
    bytes from the request as the blob store asks for them.

    A read refuses as soon as more than :attr:`max_size` bytes were read (``EntityTooLarge``,
    with the bytes read so far as the proposed size), and at the end of a part that no boundary
    closes (a truncated body). :attr:`size` counts the bytes read; :attr:`min_size` is the
    policy's minimum, which :func:`check_size` holds once the body is stored."""

    def __init__(self, part: Any, outer: Any, delimiter: bytes) -> None:
        self._part = part  # Falcon's reader of this part (it stops at the delimiter)
        self._outer = outer  # the reader of the whole form
        self._delimiter = delimiter
        self._ended = False
        self.size = 0
        self.min_size = 0
        self.max_size = MAX_UPLOAD

    def read(self, n: int | None = -1) -> bytes:
        if self._ended:
            return b""
        whole = n is None or n < 0
        data: bytes = self._part.read(-1 if whole else n)
        self.size += len(data)
        if self.size > self.max_size:
            raise _entity_too_large(self.size, self.max_size)
        if whole or (n and not data):
            self._ended = True
            if self._outer.peek(len(self._delimiter)) != self._delimiter:
                raise _malformed()  # the body ended before the form's closing boundary
        return data


def parse_post_form(req: WireRequest, path: str) -> dict[str, Any]:
    """PutObject params for a POST form upload (see the module doc)."""
    bucket = unquote(path.strip("/"))
    ctype = req.headers.get("content-type", "")
    _, options = falcon.parse_header(ctype)
    boundary = options.get("boundary", "").rstrip()
    if not 1 <= len(boundary) <= 70:
        raise _malformed()
    delimiter = b"\r\n--" + boundary.encode()
    read, length = _source(req)
    outer = falcon.BufferedReader(read, length)
    fields: dict[str, str] = {}
    body: UploadBody | None = None
    filename = ""
    left = MAX_PRE_DATA
    try:
        for part in _HANDLER.deserialize(outer, ctype, length):
            name = (part.name or "").lower()
            if name == "file":
                body = UploadBody(part.stream, outer, delimiter)
                filename = part.filename or ""
                break  # S3 ignores fields after the file
            left -= len(delimiter) + len(name)
            value = part.stream.read(max(left, 0) + 1)
            left -= len(value)
            if left < 0:
                raise _too_much_before_file()
            fields[name] = value.decode("utf-8")
    except (falcon.HTTPError, DelimiterError, UnicodeDecodeError):
        raise _malformed() from None
    if "key" not in fields:
        raise InvalidArgument(
            "Bucket POST must contain a field named 'key'.  If it is specified, please check the "
            "order of the fields.",
            ArgumentName="key",
            ArgumentValue="",
        )
    if body is None:
        raise InvalidArgument(
            "POST requires exactly one file upload per request.", ArgumentName="file", ArgumentValue="0"
        )
    key = fields["key"].replace("${filename}", filename)
    params: dict[str, Any] = {"Bucket": bucket, "Key": key, "Body": body}
    for field, param in _FIELD_PARAMS.items():
        if fields.get(field):
            params[param] = fields[field]
    meta = {k.removeprefix("x-amz-meta-"): v for k, v in fields.items() if k.startswith("x-amz-meta-")}
    if meta:
        params["Metadata"] = meta
    if fields.get("tagging"):
        params["Tagging"] = _tagging_from_xml(fields["tagging"])
    params["PostForm"] = {"fields": fields, "key": key, "file": body}
    return params


def _tagging_from_xml(text: str) -> str:
    """The form's ``tagging`` document (``<Tagging><TagSet><Tag><Key/><Value/>...``) as the
    query-string form PutObject's ``Tagging`` takes."""
    try:
        root = parse_xml(text)
    except XmlError:
        raise MalformedXML() from None
    tag_set = root.find("TagSet")
    pairs = []
    for tag in tag_set.children if tag_set is not None else []:
        key, value = tag.find("Key"), tag.find("Value")
        if tag.tag == "Tag" and key is not None:
            pairs.append((key.text, value.text if value is not None else ""))
    return urlencode(pairs)


def _invalid_policy(detail: str) -> AwsError:
    return AwsError(f"Invalid Policy: {detail}", code="InvalidPolicyDocument")


def _deny(detail: str) -> AccessDenied:
    return AccessDenied(f"Invalid according to Policy: {detail}")


def check_policy(ctx: RequestContext, bucket_name: str, form: dict[str, Any]) -> None:
    """Enforce the form's policy document (expiry, conditions, extra fields) before the file is
    read; its ``content-length-range`` bounds the file as it is read (the maximum) and once it
    is stored (the minimum, :func:`check_size`)."""
    fields: dict[str, str] = dict(form["fields"])
    fields["bucket"] = bucket_name
    fields["key"] = form["key"]
    encoded = fields.get("policy")
    if not encoded:
        return
    try:
        policy = jsontext.guarded_loads(base64.b64decode(encoded))
    except ValueError as exc:  # not base64, not JSON, or nested too deeply
        raise _invalid_policy("Invalid JSON.") from exc
    if not isinstance(policy, dict) or "expiration" not in policy:
        raise _invalid_policy("Invalid JSON.")
    stamp = policy["expiration"]
    try:
        if not isinstance(stamp, str):
            raise ValueError("the expiration is not a string")
        expiration = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError as exc:
        shown = stamp if isinstance(stamp, str) else json.dumps(stamp)
        raise _invalid_policy(f"Invalid 'expiration' value: '{shown}'") from exc
    conditions = policy.get("conditions")
    if conditions is None:
        conditions = []
    elif not isinstance(conditions, list):
        raise _invalid_policy("Invalid 'conditions' value: must be a List.")
    if expiration.tzinfo is None:
        expiration = expiration.replace(tzinfo=dt.UTC)
    if ctx.now > expiration:
        raise _deny("Policy expired.")
    covered = set()
    body: UploadBody = form["file"]
    for cond in conditions:
        if isinstance(cond, dict):
            for name, value in cond.items():
                covered.add(name.lower())
                if fields.get(name.lower()) != value:
                    raise _deny(f'Policy Condition failed: ["eq", "${name}", "{value}"]')
        elif isinstance(cond, list) and cond:
            op = str(cond[0]).lower()
            if op == "content-length-range" and len(cond) == 3:
                try:
                    body.min_size, body.max_size = int(cond[1]), min(int(cond[2]), MAX_UPLOAD)
                except (TypeError, ValueError, OverflowError):  # OverflowError: a bound of 1e400
                    raise AwsError(
                        "Invalid Policy: Invalid Condition.", code="InvalidPolicyDocument"
                    ) from None
                continue
            if len(cond) != 3 or not str(cond[1]).startswith("$"):
                raise AwsError("Invalid Policy: Invalid Condition.", code="InvalidPolicyDocument")
            name = str(cond[1])[1:].lower()
            covered.add(name)
            actual = fields.get(name, "")
            if op == "eq" and actual != cond[2]:
                raise _deny(f'Policy Condition failed: ["eq", "${name}", "{cond[2]}"]')
            if op == "starts-with" and not actual.startswith(str(cond[2])):
                raise _deny(f'Policy Condition failed: ["starts-with", "${name}", "{cond[2]}"]')
    lenient = {"success_action_status", "success_action_redirect", "redirect"}
    extra = [
        n
        for n in form["fields"]
        if n not in covered and n not in _UNCHECKED and n not in lenient and not n.startswith("x-ignore-")
    ]
    if extra:
        raise _deny(f"Extra input fields: {extra[0]}")


def check_size(form: dict[str, Any], size: int) -> None:
    """The policy's ``content-length-range`` minimum, held once the file is stored (its maximum
    was held while the file was read)."""
    body: UploadBody = form["file"]
    if size > body.max_size:
        raise _entity_too_large(size, body.max_size)
    if size < body.min_size:
        raise EntityTooSmall(ProposedSize=str(size), MinSizeAllowed=str(body.min_size))


def finish(ctx: RequestContext, bucket_name: str, form: dict[str, Any], etag: str) -> None:
    """The success status (204 by default, ``success_action_status``) or a 303 redirect; a
    201 carries a ``PostResponse`` document, as S3 sends it."""
    fields = form["fields"]
    key = form["key"]
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        sep = "&" if "?" in redirect else "?"
        query = urlencode({"bucket": bucket_name, "key": key, "etag": etag})
        ctx.response_status = 303
        ctx.response_headers["Location"] = f"{redirect}{sep}{query}"
        return
    status = fields.get("success_action_status")
    ctx.response_status = int(status) if status in ("200", "201") else 204
    location = ctx.response_headers["Location"] = f"{ctx.endpoint}/{bucket_name}/{quote(key, safe='')}"
    if ctx.response_status == 201:
        answer = {"Location": location, "Bucket": bucket_name, "Key": key, "ETag": etag}
        document = xmltodict.unparse({"PostResponse": answer}, encoding="UTF-8")
        ctx.response_body = (document.encode(), "application/xml")
