"""Browser-based uploads (presigned POST): a ``multipart/form-data`` POST to a bucket.

botocore models no operation for it; the rest-xml protocol hands such a request to
``PutObject`` with the params :func:`parse_post_form` builds from the form (the file, the key
with ``${filename}`` replaced, standard headers, ``x-amz-meta-*``, ACL, tagging...) plus a
``PostForm`` member that :func:`check_policy` uses to enforce the signed policy document
(expiration, ``eq`` / ``starts-with`` / exact-match conditions, ``content-length-range``,
no extra fields) before the object is stored.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any
from urllib.parse import quote, unquote, urlencode

import xmltodict

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest
from awsmock.engine.xmltext import XmlError, parse_xml

from .errors import AccessDenied, EntityTooSmall, InvalidArgument, MalformedXML

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


def is_post_form(req: WireRequest, path: str) -> bool:
    """A multipart/form-data POST to a bucket (``/bucket`` or ``/bucket/``)?"""
    if req.method != "POST" or not req.headers.get("content-type", "").lower().startswith(
        "multipart/form-data"
    ):
        return False
    parts = path.strip("/").split("/")
    return len(parts) == 1 and bool(parts[0]) and not req.query_string


def _boundary(ctype: str) -> bytes:
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    if not m:
        raise MalformedXML("The body of your POST request is not well-formed multipart/form-data.")
    return m.group(1).encode("latin-1")


def _parts(body: bytes, boundary: bytes) -> list[tuple[dict[str, str], bytes]]:
    out = []
    delimiter = b"--" + boundary
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        out.append((headers, content.removesuffix(b"\r\n")))
    return out


def _disposition(value: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for piece in value.split(";")[1:]:
        k, _, v = piece.strip().partition("=")
        params[k.lower()] = v.strip('"')
    return params


def parse_post_form(req: WireRequest, path: str) -> dict[str, Any]:
    """PutObject params for a POST form upload (see the module doc)."""
    bucket = unquote(path.strip("/"))
    fields: dict[str, str] = {}
    body: bytes | None = None
    filename = ""
    for headers, content in _parts(req.body, _boundary(req.headers.get("content-type", ""))):
        disp = _disposition(headers.get("content-disposition", ""))
        name = disp.get("name", "")
        if name.lower() == "file":
            body = content
            filename = disp.get("filename", "")
            break  # S3 ignores fields after the file
        fields[name.lower()] = content.decode("utf-8")
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
    params["PostForm"] = {"fields": fields, "key": key, "size": len(body)}
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


def _deny(detail: str) -> AccessDenied:
    return AccessDenied(f"Invalid according to Policy: {detail}")


def check_policy(ctx: RequestContext, bucket_name: str, form: dict[str, Any]) -> None:
    """Enforce the form's policy document (expiry, conditions, extra fields, size range)."""
    fields: dict[str, str] = dict(form["fields"])
    fields["bucket"] = bucket_name
    fields["key"] = form["key"]
    encoded = fields.get("policy")
    if not encoded:
        return
    try:
        policy = json.loads(base64.b64decode(encoded))
        expiration = dt.datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
        conditions = policy.get("conditions") or []
    except (ValueError, KeyError, TypeError) as exc:
        raise AwsError("Invalid Policy: Invalid JSON.", code="InvalidPolicyDocument") from exc
    if expiration.tzinfo is None:
        expiration = expiration.replace(tzinfo=dt.UTC)
    if ctx.now > expiration:
        raise _deny("Policy expired.")
    covered = set()
    size = int(form["size"])
    for cond in conditions:
        if isinstance(cond, dict):
            for name, value in cond.items():
                covered.add(name.lower())
                if fields.get(name.lower()) != value:
                    raise _deny(f'Policy Condition failed: ["eq", "${name}", "{value}"]')
        elif isinstance(cond, list) and cond:
            op = str(cond[0]).lower()
            if op == "content-length-range" and len(cond) == 3:
                low, high = int(cond[1]), int(cond[2])
                if size > high:
                    raise AwsError(
                        "Your proposed upload exceeds the maximum allowed size",
                        code="EntityTooLarge",
                        ProposedSize=str(size),
                        MaxSizeAllowed=str(high),
                    )
                if size < low:
                    raise EntityTooSmall(ProposedSize=str(size), MinSizeAllowed=str(low))
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
