"""AWS Signature Version 4 verification, for the ``Authorization`` header form and the
presigned-query form (``X-Amz-Signature``).

:func:`parse` reads the signature's parts from a request; :func:`verify` recomputes the
signature with a secret key and compares. The payload hash is the declared
``x-amz-content-sha256`` when the request carries one (``UNSIGNED-PAYLOAD`` and the
``STREAMING-…`` aws-chunked forms: the seed signature covers the declared value), else the
SHA-256 of the body (with ``UNSIGNED-PAYLOAD`` as a fallback for clients that skip payload
signing). A service that signs its paths as sent declares so (``raw_path``); every other
service's path is normalised and encoded once more, as the SigV4 specification says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote

from awsmock.engine.wire import WireRequest

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
TIMESTAMP = "%Y%m%dT%H%M%SZ"

_HEADER = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+)\s*,\s*SignedHeaders=(?P<headers>[^,\s]+)\s*,\s*"
    r"Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


class MalformedSignature(ValueError):
    """The request claims SigV4 but its signature parts are unreadable."""


@dataclass(frozen=True)
class Signature:
    access_key_id: str
    date: str  # YYYYMMDD of the credential scope
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str  # the request's x-amz-date (ISO basic format)
    presigned: bool = False
    expires: int | None = None  # presigned: X-Amz-Expires seconds
    expires_text: str | None = None  # presigned: X-Amz-Expires as sent
    security_token: str | None = None

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"

    def issued_at(self) -> dt.datetime | None:
        try:
            return dt.datetime.strptime(self.timestamp, TIMESTAMP).replace(tzinfo=dt.UTC)
        except ValueError:
            return None


def _split_credential(cred: str) -> tuple[str, str, str, str]:
    parts = cred.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise MalformedSignature(cred)
    return parts[0], parts[1], parts[2], parts[3]


def is_signed(req: WireRequest) -> bool:
    auth = req.headers.get("authorization", "")
    return auth.startswith(ALGORITHM) or "x-amz-signature" in req.query_string.lower()


def parse(req: WireRequest) -> Signature | None:
    """The SigV4 signature of ``req``: None when the request is not SigV4-signed."""
    auth = req.headers.get("authorization", "")
    if auth.startswith(ALGORITHM):
        m = _HEADER.match(auth.strip())
        if m is None:
            raise MalformedSignature(auth)
        akid, date, region, service = _split_credential(m.group("cred"))
        stamp = req.headers.get("x-amz-date")
        if not stamp:
            raw = req.headers.get("date")
            if not raw:
                raise MalformedSignature("no date")
            try:
                stamp = parsedate_to_datetime(raw).astimezone(dt.UTC).strftime(TIMESTAMP)
            except (TypeError, ValueError) as exc:
                raise MalformedSignature(raw) from exc
        return Signature(
            akid,
            date,
            region,
            service,
            tuple(m.group("headers").lower().split(";")),
            m.group("sig"),  # lower-case hex, as AWS computes it: an upper-cased one does not match
            stamp,
            security_token=req.headers.get("x-amz-security-token"),
        )
    q = {k.lower(): (k, v) for k, v in req.query}
    if "x-amz-signature" in q and "x-amz-credential" in q:
        if q.get("x-amz-algorithm", ("", ""))[1] != ALGORITHM:
            raise MalformedSignature("X-Amz-Algorithm")
        akid, date, region, service = _split_credential(q["x-amz-credential"][1])
        expires_text = q["x-amz-expires"][1] if "x-amz-expires" in q else None
        try:
            expires = int(expires_text) if expires_text is not None else None
        except ValueError:
            expires = None
        signed = q.get("x-amz-signedheaders", ("", "host"))[1]
        return Signature(
            akid,
            date,
            region,
            service,
            tuple(signed.lower().split(";")),
            q["x-amz-signature"][1],
            q.get("x-amz-date", ("", ""))[1],
            presigned=True,
            expires=expires,
            expires_text=expires_text,
            security_token=q.get("x-amz-security-token", ("", None))[1],
        )
    return None


# -- canonical request ----------------------------------------------------------------------


def _remove_dot_segments(path: str) -> str:
    if not path:
        return "/"
    out: list[str] = []
    for seg in path.split("/"):
        if seg == ".":
            continue
        if seg == "..":
            if out and out[-1] != "":
                out.pop()
            continue
        out.append(seg)
    result = "/".join(out)
    if not result.startswith("/"):
        result = "/" + result
    if path.endswith(("/", "/.", "/..")) and not result.endswith("/"):
        result += "/"
    return result


def canonical_uri(path: str, *, raw_path: bool) -> str:
    """The canonical URI: the path as sent (services that sign it so), else normalised and
    encoded once."""
    if raw_path:
        return path or "/"
    return quote(_remove_dot_segments(path), safe="/~")


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_query_strings(query_string: str, *, drop_signature: bool) -> list[str]:
    """Candidate canonical query strings: the spec's (decode, re-encode) and the raw pairs as sent
    (botocore signs the already-encoded pairs)."""
    pairs = []
    for piece in query_string.split("&") if query_string else []:
        if not piece:
            continue
        key, _, value = piece.partition("=")
        if drop_signature and key.lower() == "x-amz-signature":
            continue
        pairs.append((key, value))
    spec = "&".join(
        f"{k}={v}" for k, v in sorted((_encode(unquote(k)), _encode(unquote(v))) for k, v in pairs)
    )
    raw = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    return [spec] if spec == raw else [spec, raw]


def canonical_headers(req: WireRequest, names: Iterable[str]) -> str | None:
    lines = []
    for name in names:
        value = req.headers.get(name)
        if value is None:
            if name == "host":
                value = req.host
            elif name == "content-length":
                value = "0" if not req.content_length else str(req.content_length)
            else:
                return None
        lines.append(f"{name}:{' '.join(value.split())}")
    return "\n".join(lines) + "\n"


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = hmac.new(f"AWS4{secret}".encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def string_to_sign(sig: Signature, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{sig.timestamp}\n{sig.scope}\n{digest}"


def compute(key: bytes, to_sign: str) -> str:
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def payload_hashes(
    req: WireRequest, sig: Signature, *, unsigned_presigned: bool, body_hash: Callable[[], str | None]
) -> list[str]:
    if sig.presigned:
        declared = next((v for k, v in req.query if k.lower() == "x-amz-content-sha256"), None)
        if declared:
            return [declared]
        if unsigned_presigned:
            return [UNSIGNED_PAYLOAD]
    declared = req.headers.get("x-amz-content-sha256")
    if declared:
        return [declared]
    out = []
    computed = body_hash()
    if computed is not None:
        out.append(computed)
    out.append(UNSIGNED_PAYLOAD)
    if EMPTY_SHA256 not in out and sig.presigned:
        out.append(EMPTY_SHA256)
    return out


def verify(
    req: WireRequest,
    sig: Signature,
    secret: str,
    *,
    raw_path: bool = False,
    unsigned_presigned: bool = False,
    body_hash: Callable[[], str | None] | None = None,
) -> bool:
    """Whether ``sig`` is the signature of ``req`` under ``secret``. ``raw_path``: the service
    signs the path as sent; ``unsigned_presigned``: its presigned URLs sign no payload."""
    if body_hash is None:

        def body_hash() -> str | None:
            return hashlib.sha256(req.body).hexdigest()

    headers = canonical_headers(req, sig.signed_headers)
    if headers is None:
        return False
    key = signing_key(secret, sig.date, sig.region, sig.service)
    uri = canonical_uri(req.path, raw_path=raw_path)
    signed = ";".join(sig.signed_headers)
    for query in canonical_query_strings(req.query_string, drop_signature=sig.presigned):
        for payload in payload_hashes(req, sig, unsigned_presigned=unsigned_presigned, body_hash=body_hash):
            creq = "\n".join([req.method, uri, query, headers, signed, payload])
            if hmac.compare_digest(compute(key, string_to_sign(sig, creq)), sig.signature):
                return True
    return False


#: the longest a SigV4 presigned URL may stay valid (its signing key lives a week)
MAX_PRESIGNED_EXPIRY = 604800

_QUERY_PARAMETERS = (
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
)


#: what AWS says of a presigned URL's X-Amz-Expires and X-Amz-Date (AuthorizationQueryParametersError)
EXPIRES_NOT_A_NUMBER = "X-Amz-Expires should be a number"
EXPIRES_NEGATIVE = "X-Amz-Expires must be non-negative"
EXPIRES_TOO_LONG = (
    "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must "
    f"be less than {MAX_PRESIGNED_EXPIRY} seconds"
)
DATE_NOT_ISO8601 = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""


def presigned_problem(sig: Signature) -> str | None:
    """What is wrong with a presigned URL's parameters, in the words of the query-authentication
    error, or None."""
    if sig.expires_text is None or not sig.timestamp:
        return _QUERY_PARAMETERS
    if sig.expires is None:
        return EXPIRES_NOT_A_NUMBER
    if sig.expires < 0:
        return EXPIRES_NEGATIVE
    if sig.expires > MAX_PRESIGNED_EXPIRY:
        return EXPIRES_TOO_LONG
    if sig.issued_at() is None:
        return DATE_NOT_ISO8601
    return None


def presigned_expired(sig: Signature, now: dt.datetime) -> bool:
    issued = sig.issued_at()
    if not sig.presigned or issued is None or sig.expires is None:
        return False
    return now > issued + dt.timedelta(seconds=sig.expires)
