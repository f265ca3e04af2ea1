"""GetWebIdentityToken: a JSON Web Token that asserts the caller's AWS identity to an outside
service, signed with a key of the account's issuer (IAM's outbound web identity federation) and
verifiable with the keys that issuer publishes (its JWKS)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from awsmock.auth.identity import Identity, tag_dict
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.services.iam.internal import issuer

from .errors import StsError, validation
from .tokens import _caller

#: how long a token lasts when the request does not say
DEFAULT_SECONDS = 300
#: the claims AWS adds about the caller are under this key
NAMESPACE = "https://sts.amazonaws.com/"
ALGORITHMS = ("RS256", "ES384")


class FederationDisabled(StsError, shape="OutboundWebIdentityFederationDisabledException"):
    pass


class SessionDurationEscalation(StsError, shape="SessionDurationEscalationException"):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _sign(alg: str, pem: str, message: bytes) -> bytes:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if alg == "RS256":
        assert isinstance(key, rsa.RSAPrivateKey)
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA384())))
    return r.to_bytes(48, "big") + s.to_bytes(48, "big")  # JWS: r || s, not DER


def encode(alg: str, kid: str, pem: str, claims: dict[str, Any]) -> str:
    """A compact JWS of ``claims``."""
    header = {"alg": alg, "kid": kid, "typ": "JWT"}
    signing_input = ".".join(
        _b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    return f"{signing_input}.{_b64(_sign(alg, pem, signing_input.encode()))}"


def _subject(ctx: RequestContext, caller: Identity) -> str:
    """The principal a token speaks for: the user, the role of a session, or the account."""
    if caller.kind == "assumed-role" and caller.source_arn:
        return caller.source_arn
    if caller.kind == "user" and caller.source_arn:
        return caller.source_arn
    return caller.arn


@handler("sts", "GetWebIdentityToken")
def get_web_identity_token(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    alg = params["SigningAlgorithm"]
    if alg not in ALGORITHMS:
        raise validation(
            alg, "signingAlgorithm", f"Member must satisfy enum value set: [{', '.join(ALGORITHMS)}]"
        )
    caller = _caller(ctx)
    found = issuer(ctx)
    if found is None:
        raise FederationDisabled(
            "The outbound web identity federation feature is not enabled for this account. To use this "
            "feature, you must first enable it through the Amazon Web Services Management Console or API."
        )
    seconds = int(params.get("DurationSeconds") or DEFAULT_SECONDS)
    expiration = ctx.now.replace(microsecond=0) + dt.timedelta(seconds=seconds)
    if caller.temporary and caller.expiration is not None and expiration > caller.expiration:
        raise SessionDurationEscalation(
            "The requested token duration would extend the session beyond its original expiration time."
        )
    audience = list(params["Audience"])
    aws: dict[str, Any] = {
        "aws_account": caller.account_id,
        "source_region": ctx.region,
        "principal_id": _subject(ctx, caller),
    }
    if caller.tags:
        aws["principal_tags"] = dict(caller.tags)
    if params.get("Tags"):
        aws["request_tags"] = tag_dict(params["Tags"])
    issued = int(ctx.now.timestamp())
    claims = {
        "iss": found.url,
        "aud": audience[0] if len(audience) == 1 else audience,
        "sub": _subject(ctx, caller),
        "iat": issued,
        "nbf": issued,
        "exp": int(expiration.timestamp()),
        "jti": str(uuid.uuid4()),
        NAMESPACE: aws,
    }
    kid, pem = found.keys[alg]
    return {"WebIdentityToken": encode(alg, kid, pem, claims), "Expiration": expiration}
