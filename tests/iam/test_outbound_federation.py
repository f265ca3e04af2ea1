"""Outbound web identity federation (IAM) and GetWebIdentityToken (STS): signed JWTs verifiable
with the issuer's published keys; Organizations features of an account in no organization."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import falcon.testing
import pytest
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.iam.helpers import ACCOUNT, TRUST_ACCOUNT, allow, doc, error

T0 = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)
ISSUER = re.compile(r"^https://[0-9a-f-]{36}\.tokens\.sts\.global\.api\.aws$")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _number(text: str) -> int:
    return int.from_bytes(_b64d(text), "big")


def _published(app: Any, issuer: str, document: str) -> tuple[int, Any]:
    issuer_id = issuer.removeprefix("https://").split(".", 1)[0]
    answer = falcon.testing.TestClient(app).simulate_get(f"/_awsmock/public/iam/{issuer_id}.{document}")
    return answer.status_code, answer.json if answer.status_code == 200 else None


def _verify(app: Any, token: str, issuer: str) -> dict[str, Any]:
    """The token's claims, once its signature checks out with a key of the issuer's JWKS."""
    head, body, signature = token.split(".")
    header = json.loads(_b64d(head))
    status, jwks = _published(app, issuer, "jwks.json")
    assert status == 200
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    assert jwk["alg"] == header["alg"]
    signed, raw = f"{head}.{body}".encode(), _b64d(signature)
    if jwk["kty"] == "RSA":
        public = rsa.RSAPublicNumbers(_number(jwk["e"]), _number(jwk["n"])).public_key()
        public.verify(raw, signed, padding.PKCS1v15(), hashes.SHA256())
    else:
        point = ec.EllipticCurvePublicNumbers(_number(jwk["x"]), _number(jwk["y"]), ec.SECP384R1())
        der = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
        point.public_key().verify(der, signed, ec.ECDSA(hashes.SHA384()))
    claims: dict[str, Any] = json.loads(_b64d(body))
    return claims


def test_enable_get_disable_outbound_federation(inprocess_client: Callable[..., Any], app: Any) -> None:
    iam = inprocess_client("iam")
    assert error(iam.get_outbound_web_identity_federation_info)[0] == "FeatureDisabled"
    assert error(iam.disable_outbound_web_identity_federation)[0] == "FeatureDisabled"
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    assert ISSUER.match(issuer)
    info = iam.get_outbound_web_identity_federation_info()
    assert info["IssuerIdentifier"] == issuer and info["JwtVendingEnabled"] is True
    code, message = error(iam.enable_outbound_web_identity_federation)
    assert code == "FeatureEnabled" and "already enabled" in message
    status, config = _published(app, issuer, "openid-configuration")
    assert status == 200
    assert config["issuer"] == issuer and config["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    iam.disable_outbound_web_identity_federation()
    assert error(iam.get_outbound_web_identity_federation_info)[0] == "FeatureDisabled"
    assert _published(app, issuer, "jwks.json")[0] == 404
    # enabled again: the same issuer, and the same keys
    assert iam.enable_outbound_web_identity_federation()["IssuerIdentifier"] == issuer


@pytest.mark.parametrize("algorithm", ["RS256", "ES384"])
def test_web_identity_tokens_are_signed_by_the_accounts_issuer(
    clients: Callable[..., Any], app: Any, algorithm: str
) -> None:
    iam = clients("iam")
    iam.create_user(UserName="dev", Tags=[{"Key": "team", "Value": "blue"}])
    iam.put_user_policy(UserName="dev", PolicyName="p", PolicyDocument=doc(allow("sts:GetWebIdentityToken")))
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    clients.on()  # type: ignore[attr-defined]
    sts = clients("sts", key)
    with time_machine.travel(T0, tick=False):
        out = sts.get_web_identity_token(
            Audience=["https://api.example.com"],
            SigningAlgorithm=algorithm,
            Tags=[{"Key": "job", "Value": "42"}],
        )
    assert out["Expiration"] == T0 + dt.timedelta(seconds=300)
    claims = _verify(app, out["WebIdentityToken"], issuer)
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/dev"
    assert claims["iss"] == issuer and claims["aud"] == "https://api.example.com"
    assert claims["sub"] == user_arn
    assert claims["iat"] == int(T0.timestamp()) and claims["exp"] == int(T0.timestamp()) + 300
    aws = claims["https://sts.amazonaws.com/"]
    assert aws["aws_account"] == ACCOUNT and aws["source_region"] == "us-east-1"
    assert aws["principal_tags"] == {"team": "blue"} and aws["request_tags"] == {"job": "42"}


def test_web_identity_token_refusals(clients: Callable[..., Any]) -> None:
    iam = clients("iam")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST_ACCOUNT)
    iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=doc(allow("*")))
    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="p", PolicyDocument=doc(allow("*")))
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    sts = clients("sts", key)
    request = {"Audience": ["aud"], "SigningAlgorithm": "RS256"}
    code, message = error(lambda: sts.get_web_identity_token(**request))
    assert code == "OutboundWebIdentityFederationDisabledException"
    assert message.startswith("The outbound web identity federation feature is not enabled for this account.")
    iam.enable_outbound_web_identity_federation()
    assert error(lambda: sts.get_web_identity_token(Audience=["aud"], SigningAlgorithm="HS256"))[0] == (
        "ValidationError"
    )
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/app", RoleSessionName="short", DurationSeconds=900
    )["Credentials"]
    role_sts = clients(
        "sts", {"AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"]}
    )
    role_sts.meta.events.register(
        "before-sign.sts.*",
        lambda request, **_: request.headers.__setitem__("X-Amz-Security-Token", creds["SessionToken"]),
    )
    clients.on()  # type: ignore[attr-defined]
    token = role_sts.get_web_identity_token(**request, DurationSeconds=600)["WebIdentityToken"]
    claims = json.loads(_b64d(token.split(".")[1]))
    assert claims["sub"] == f"arn:aws:iam::{ACCOUNT}:role/app"
    assert error(lambda: role_sts.get_web_identity_token(**request, DurationSeconds=3600))[0] == (
        "SessionDurationEscalationException"
    )


def test_organizations_features_answer_as_to_an_account_in_no_organization(
    inprocess_client: Callable[..., Any],
) -> None:
    iam = inprocess_client("iam")
    for call in (
        iam.list_organizations_features,
        iam.enable_organizations_root_sessions,
        iam.disable_organizations_root_sessions,
        iam.enable_organizations_root_credentials_management,
        iam.disable_organizations_root_credentials_management,
    ):
        assert error(call) == (
            "OrganizationNotFoundException",
            "The request was rejected because no organization is associated with your account.",
        )
