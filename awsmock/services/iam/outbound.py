"""Outbound web identity federation: the account's issuer of JSON Web Tokens (STS's
GetWebIdentityToken signs them), its signing keys, and the OpenID Connect documents that publish
them. Organizations features (root credentials management, root sessions) answer as AWS does to
an account that belongs to no organization: awsmock has no organizations.

The issuer is ``https://<id>.tokens.sts.global.api.aws``, as AWS forms it. Its discovery documents
are served at ``/_awsmock/public/iam/<id>.openid-configuration`` and
``/_awsmock/public/iam/<id>.jwks.json`` (``/.well-known/openid-configuration`` and
``/.well-known/jwks.json`` of the issuer, in AWS). Each account has one RSA key (RS256) and one
P-384 key (ES384), made when the feature is first enabled and kept when it is disabled.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from .common import iam_arn
from .errors import IamError

#: the issuer's domain: ``https://<id>.tokens.sts.global.api.aws``
ISSUER_DOMAIN = "tokens.sts.global.api.aws"
#: the JWS algorithms GetWebIdentityToken signs with
ALGORITHMS = ("RS256", "ES384")


class FeatureEnabled(IamError, shape="FeatureEnabledException"):
    pass


class FeatureDisabled(IamError, shape="FeatureDisabledException"):
    pass


class OrganizationNotFound(IamError, shape="OrganizationNotFoundException"):
    pass


ISSUERS = resources.Kind(
    "iam",
    "outbound-web-identity-federation",
    arn=lambda ctx, rid: iam_arn(ctx, "outbound-web-identity-federation"),
    not_found=lambda rid: FeatureDisabled(_DISABLED),
    regional=False,
    title="Web identity token issuers",
)

_ENABLED = (
    "Outbound identity federation is already enabled for this account. "
    "Use GetOutboundWebIdentityFederationInfo to get the issuer URL."
)
_DISABLED = "Outbound identity federation is disabled for this account."


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _kid(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:32]


def _new_keys() -> dict[str, dict[str, str]]:
    keys: dict[str, dict[str, str]] = {}
    for alg, key in (
        ("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        ("ES384", ec.generate_private_key(ec.SECP384R1())),
    ):
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        keys[alg] = {"kid": _kid(public), "pem": _pem(key)}
    return keys


def issuer_url(issuer_id: str) -> str:
    return f"https://{issuer_id}.{ISSUER_DOMAIN}"


@dataclass(frozen=True)
class Issuer:
    """An account's token issuer while outbound federation is enabled: its URL, and per
    algorithm the key id and private key (PEM) that sign tokens."""

    url: str
    keys: dict[str, tuple[str, str]]


def issuer(ctx: RequestContext) -> Issuer | None:
    """The account's issuer, or None while outbound web identity federation is disabled."""
    row = ISSUERS.find(ctx, ctx.account_id)
    if row is None or not row.document.get("Enabled"):
        return None
    keys = {alg: (k["kid"], k["pem"]) for alg, k in row.document["Keys"].items()}
    return Issuer(issuer_url(row.document["IssuerId"]), keys)


@handler("iam", "EnableOutboundWebIdentityFederation")
def enable_outbound_web_identity_federation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ISSUERS.find(ctx, ctx.account_id)
    if row is None:
        issuer_id = str(uuid.uuid4())
        document = {"IssuerId": issuer_id, "Enabled": True, "Keys": _new_keys()}
        ISSUERS.create(ctx, rid=ctx.account_id, name=issuer_id, document=document)
        return {"IssuerIdentifier": issuer_url(issuer_id)}
    if row.document.get("Enabled"):
        raise FeatureEnabled(_ENABLED)
    ISSUERS.update(ctx, row, document={**row.document, "Enabled": True})
    return {"IssuerIdentifier": issuer_url(row.document["IssuerId"])}


def _enabled(ctx: RequestContext) -> Resource:
    row = ISSUERS.find(ctx, ctx.account_id)
    if row is None or not row.document.get("Enabled"):
        raise FeatureDisabled(_DISABLED)
    return row


@handler("iam", "DisableOutboundWebIdentityFederation")
def disable_outbound_web_identity_federation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _enabled(ctx)
    ISSUERS.update(ctx, row, document={**row.document, "Enabled": False})
    return {}


@handler("iam", "GetOutboundWebIdentityFederationInfo")
def get_outbound_web_identity_federation_info(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _enabled(ctx)
    return {"IssuerIdentifier": issuer_url(row.document["IssuerId"]), "JwtVendingEnabled": True}


# -- the published documents ----------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(value: int, size: int | None = None) -> str:
    return _b64(value.to_bytes(size or (value.bit_length() + 7) // 8, "big"))


def jwk(alg: str, kid: str, pem: str) -> dict[str, str]:
    """The public JSON Web Key of a signing key."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": alg,
            "kid": kid,
            "n": _int(numbers.n),
            "e": _int(numbers.e),
        }
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    point = key.public_key().public_numbers()
    return {
        "kty": "EC",
        "use": "sig",
        "alg": alg,
        "kid": kid,
        "crv": "P-384",
        "x": _int(point.x, 48),
        "y": _int(point.y, 48),
    }


def public_file(session: Session, name: str) -> tuple[bytes, str] | None:
    """An issuer's ``<id>.jwks.json`` or ``<id>.openid-configuration`` (while it is enabled)."""
    issuer_id, dot, kind = name.partition(".")
    if not dot or kind not in ("jwks.json", "openid-configuration"):
        return None
    row = session.scalars(
        select(Resource).where(
            Resource.service == ISSUERS.service, Resource.kind == ISSUERS.kind, Resource.name == issuer_id
        )
    ).first()
    if row is None or not row.document.get("Enabled"):
        return None
    url = issuer_url(issuer_id)
    if kind == "jwks.json":
        keys = [jwk(alg, k["kid"], k["pem"]) for alg, k in sorted(row.document["Keys"].items())]
        body: dict[str, Any] = {"keys": keys}
    else:
        body = {
            "issuer": url,
            "jwks_uri": f"{url}/.well-known/jwks.json",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": list(ALGORITHMS),
        }
    return json.dumps(body).encode(), "application/json"


# -- Organizations features -----------------------------------------------------------------

_NO_ORGANIZATION = "The request was rejected because no organization is associated with your account."


def _no_organization(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Centralized root access needs an organization, and awsmock's accounts belong to none:
    AWS's answer to a standalone account."""
    raise OrganizationNotFound(_NO_ORGANIZATION)


for _operation in (
    "ListOrganizationsFeatures",
    "EnableOrganizationsRootCredentialsManagement",
    "DisableOrganizationsRootCredentialsManagement",
    "EnableOrganizationsRootSessions",
    "DisableOrganizationsRootSessions",
):
    handler("iam", _operation)(_no_organization)
