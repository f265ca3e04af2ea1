"""The STS operations: caller identity, assumed roles (with trust policies, web identities and
SAML), session and federation tokens, access key info, authorization messages."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any

from awsmock.auth import directory, enforcement, policy
from awsmock.auth.identity import Identity, looks_like_key, root_identity
from awsmock.auth.keys import access_key_id, account_of_access_key, secret_access_key, session_token
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.sts import StsCredential
from awsmock.services.iam.internal import access_key_account, named_by, role_by_arn
from awsmock.state import jsontext

from .credentials import role_account
from .errors import (
    InvalidAuthorizationMessage,
    InvalidIdentityToken,
    MalformedPolicyDocument,
    PackedPolicyTooLarge,
    StsAccessDenied,
    StsValidationError,
    validation,
)

MIN_DURATION = 900
ROLE_DEFAULT = 3600
TOKEN_DEFAULT = 43200
TOKEN_MAX = 129600
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
MAX_SESSION_POLICY = 2048


def _duration(params: dict[str, Any], default: int, maximum: int) -> int:
    value = params.get("DurationSeconds")
    if value is None:
        return min(default, maximum) if default <= maximum else default
    if value < MIN_DURATION:
        raise validation(
            value, "durationSeconds", f"Member must have value greater than or equal to {MIN_DURATION}"
        )
    if value > maximum:
        raise validation(value, "durationSeconds", f"Member must have value less than or equal to {maximum}")
    return int(value)


def _session_name(name: str, member: str = "roleSessionName") -> str:
    if not _SESSION_NAME.match(name or ""):
        raise validation(name, member, r"Member must satisfy regular expression pattern: [\w+=,.@-]*")
    return name


def _session_policy(params: dict[str, Any]) -> str | None:
    policy = params.get("Policy")
    if policy is None:
        return None
    try:
        doc = jsontext.guarded_loads(policy)
    except jsontext.JsonLimitExceeded as exc:  # nested far deeper than the policy grammar goes
        raise MalformedPolicyDocument("Syntax errors in policy.") from exc
    except ValueError as exc:
        raise MalformedPolicyDocument("The policy is not in the valid JSON format.") from exc
    if not isinstance(doc, dict) or "Statement" not in doc:
        raise MalformedPolicyDocument("Syntax errors in policy.")
    if len(re.sub(r"\s", "", policy)) > MAX_SESSION_POLICY:
        raise PackedPolicyTooLarge("Packed size of policy exceeds maximum allowed size.")
    return str(policy)


def _issue(
    ctx: RequestContext,
    *,
    account_id: str,
    kind: str,
    arn: str,
    user_id: str,
    source_arn: str | None,
    seconds: int,
    params: dict[str, Any],
) -> StsCredential:
    now = ctx.now
    cred = StsCredential(
        access_key_id=access_key_id(account_id, "ASIA"),
        account_id=account_id,
        secret=secret_access_key(),
        session_token=session_token(),
        expiration=now + dt.timedelta(seconds=seconds),
        create_date=now,
        kind=kind,
        arn=arn,
        user_id=user_id,
        source_arn=source_arn,
        session_policy=_session_policy(params),
        session_policy_arns=[p["arn"] for p in params.get("PolicyArns") or []],
        tags=list(params.get("Tags") or []),
        source_identity=params.get("SourceIdentity"),
    )
    ctx.session.add(cred)
    return cred


def _credentials(cred: StsCredential) -> dict[str, Any]:
    return {
        "AccessKeyId": cred.access_key_id,
        "SecretAccessKey": cred.secret,
        "SessionToken": cred.session_token,
        "Expiration": cred.expiration,
    }


def _packed(params: dict[str, Any]) -> int:
    size = (
        len(params.get("Policy") or "")
        + 40 * len(params.get("PolicyArns") or [])
        + 20 * len(params.get("Tags") or [])
    )
    return min(100, size * 100 // 2048) if size else 0


def _caller(ctx: RequestContext) -> Identity:
    ident = (
        directory.resolve_in(ctx.tx, ctx.access_key_id)
        if looks_like_key(ctx.access_key_id)
        else None
    )
    return ident if ident is not None else root_identity(ctx.account_id, ctx.partition)


def _assume(ctx: RequestContext, params: dict[str, Any], session_name: str, kind: str) -> dict[str, Any]:
    role_arn = params["RoleArn"]
    found = named_by(role_arn, "role")
    if found is None:
        raise validation(role_arn, "roleArn", "Member must have length greater than or equal to 20")
    account, role_name = found
    role = role_by_arn(ctx.session, role_arn)
    maximum = role.max_session_duration if role is not None else 43200
    value = params.get("DurationSeconds")
    if value is not None and value > maximum and value >= MIN_DURATION:
        raise StsValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    seconds = _duration(params, ROLE_DEFAULT, maximum)
    role_id = role.unique_id if role is not None else "AROA" + _role_id_for(role_arn)
    if role is not None:
        role.last_used_date = ctx.now
        role.last_used_region = ctx.region
    session_arn = ctx.arn("sts", f"assumed-role/{role_name}/{session_name}", region="", account=account)
    cred = _issue(
        ctx,
        account_id=account,
        kind=kind,
        arn=session_arn,
        user_id=f"{role_id}:{session_name}",
        source_arn=role.arn if role is not None else role_arn,
        seconds=seconds,
        params=params,
    )
    out: dict[str, Any] = {
        "Credentials": _credentials(cred),
        "AssumedRoleUser": {"AssumedRoleId": f"{role_id}:{session_name}", "Arn": session_arn},
        "PackedPolicySize": _packed(params),
    }
    if params.get("SourceIdentity"):
        out["SourceIdentity"] = params["SourceIdentity"]
    return out


def _federated_trust(
    ctx: RequestContext,
    params: dict[str, Any],
    action: str,
    federated: tuple[str, ...],
    context: dict[str, policy.ContextValue],
) -> None:
    """With authentication on, the role's trust policy must let the identity provider in."""
    if not enforcement.is_enforced(ctx):
        return
    role = role_by_arn(ctx.session, params["RoleArn"])
    principal = policy.Principal(role_account(ctx, params["RoleArn"]), federated, kind="Federated")
    request = policy.Request(action, (params["RoleArn"],), principal, context)
    if (
        role is None
        or policy.evaluate([role.assume_role_policy], request, resource_policy=True).decision != policy.ALLOW
    ):
        raise StsAccessDenied(f"Not authorized to perform {action}")


def _role_id_for(arn: str) -> str:
    """A stable role id for a role awsmock does not know (assumed while authentication is off)."""
    import hashlib

    digest = hashlib.sha256(arn.encode()).digest()
    return base64.b32encode(digest).decode("ascii")[:17]


@handler("sts", "GetCallerIdentity")
def get_caller_identity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ident = _caller(ctx)
    return {"UserId": ident.user_id, "Account": ident.account_id, "Arn": ident.arn}


@handler("sts", "AssumeRole")
def assume_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _session_name(params["RoleSessionName"])
    if params.get("ExternalId") is not None and not re.fullmatch(
        r"[\w+=,.@:/-]{2,1224}", params["ExternalId"]
    ):
        raise validation(
            params["ExternalId"],
            "externalId",
            r"Member must satisfy regular expression pattern: [\w+=,.@:\/-]*",
        )
    return _assume(ctx, params, name, "assumed-role")


def _jwt_claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) < 2:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = jsontext.guarded_loads(payload)
    except (ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


@handler("sts", "AssumeRoleWithWebIdentity")
def assume_role_with_web_identity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _session_name(params["RoleSessionName"])
    token = params["WebIdentityToken"]
    if not token or len(token) < 4:
        raise InvalidIdentityToken(
            "Couldn't retrieve verification key from your identity provider, please "
            "reference AssumeRoleWithWebIdentity documentation for requirements"
        )
    claims = _jwt_claims(token)
    aud = claims.get("aud")
    issuer_host = (
        str(claims.get("iss") or params.get("ProviderId") or "").removeprefix("https://").rstrip("/")
    )
    account = role_account(ctx, params["RoleArn"])
    federated = tuple(
        p
        for p in (
            arns.build("iam", f"oidc-provider/{issuer_host}", account=account),
            issuer_host,
            params.get("ProviderId"),
        )
        if p
    )
    context: dict[str, policy.ContextValue] = {}
    if issuer_host:
        if claims.get("sub") is not None:
            context[f"{issuer_host}:sub"] = str(claims["sub"])
        if aud is not None:
            context[f"{issuer_host}:aud"] = [str(a) for a in aud] if isinstance(aud, list) else str(aud)
    _federated_trust(ctx, params, "sts:AssumeRoleWithWebIdentity", federated, context)
    out = _assume(ctx, params, name, "assumed-role")
    out["SubjectFromWebIdentityToken"] = str(
        claims.get("sub") or "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A"
    )
    out["Audience"] = str(
        aud[0] if isinstance(aud, list) and aud else aud or "client.5498841531868486423.1548@apps"
    )
    issuer = str(claims.get("iss") or params.get("ProviderId") or "www.amazon.com")
    out["Provider"] = issuer.removeprefix("https://")
    return out


_SAML_ATTR = re.compile(
    r'<(?:\w+:)?Attribute[^>]*Name="([^"]+)"[^>]*>\s*(?:<(?:\w+:)?AttributeValue[^>]*>([^<]*)</(?:\w+:)?AttributeValue>)',
    re.S,
)
_SAML_TAG = {
    "issuer": re.compile(r"<(?:\w+:)?Issuer[^>]*>([^<]+)</", re.S),
    "subject": re.compile(r"<(?:\w+:)?NameID[^>]*>([^<]+)</", re.S),
    "subject_type": re.compile(r'<(?:\w+:)?NameID[^>]*Format="([^"]+)"', re.S),
    "audience": re.compile(r"<(?:\w+:)?Audience>([^<]+)</", re.S),
}


@handler("sts", "AssumeRoleWithSAML")
def assume_role_with_saml(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        assertion = base64.b64decode(params["SAMLAssertion"]).decode("utf-8", "replace")
    except (ValueError, binascii.Error) as exc:
        raise MalformedPolicyDocument("Invalid base64 SAML authentication response") from exc
    attrs = dict(_SAML_ATTR.findall(assertion))
    found = {k: (m.group(1).strip() if (m := rx.search(assertion)) else "") for k, rx in _SAML_TAG.items()}
    name = (
        attrs.get("https://aws.amazon.com/SAML/Attributes/RoleSessionName") or found["subject"] or "saml-user"
    )
    duration = attrs.get("https://aws.amazon.com/SAML/Attributes/SessionDuration")
    if duration and params.get("DurationSeconds") is None and duration.isdigit():
        params = {**params, "DurationSeconds": int(duration)}
    saml_context: dict[str, policy.ContextValue] = {
        "SAML:aud": found["audience"] or "https://signin.aws.amazon.com/saml",
        "SAML:sub": found["subject"],
        "SAML:iss": found["issuer"],
    }
    _federated_trust(ctx, params, "sts:AssumeRoleWithSAML", (params["PrincipalArn"],), saml_context)
    out = _assume(ctx, params, name, "assumed-role")
    subject_type = found["subject_type"].rsplit(":", 1)[-1] if found["subject_type"] else "persistent"
    out.update(
        Subject=found["subject"] or name,
        SubjectType=subject_type,
        Issuer=found["issuer"],
        Audience=found["audience"] or "https://signin.aws.amazon.com/saml",
        NameQualifier=base64.b64encode(
            (found["issuer"] + ctx.account_id + _provider_name(params["PrincipalArn"])).encode()
        ).decode()[:28],
    )
    return out


def _provider_name(arn: str) -> str:
    """The name of the identity provider ``arn`` (``saml-provider/<name>``) names."""
    parsed = arns.parse(arn)
    return parsed.resource_id if parsed is not None else arn


@handler("sts", "GetSessionToken")
def get_session_token(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = _caller(ctx)
    if caller.kind not in ("user", "root") or caller.temporary:
        raise StsAccessDenied("Cannot call GetSessionToken with session credentials")
    maximum = 3600 if caller.kind == "root" else TOKEN_MAX
    seconds = _duration(params, TOKEN_DEFAULT if caller.kind == "user" else 3600, maximum)
    cred = _issue(
        ctx,
        account_id=caller.account_id,
        kind="session",
        arn=caller.arn,
        user_id=caller.user_id,
        source_arn=caller.arn if caller.kind == "user" else None,
        seconds=seconds,
        params={},
    )
    return {"Credentials": _credentials(cred)}


@handler("sts", "GetFederationToken")
def get_federation_token(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = _caller(ctx)
    if caller.temporary:
        raise StsAccessDenied("Cannot call GetFederationToken with session credentials")
    name = _session_name(params["Name"], "name")
    maximum = 3600 if caller.kind == "root" else TOKEN_MAX
    seconds = _duration(params, TOKEN_DEFAULT if caller.kind == "user" else 3600, maximum)
    arn = ctx.arn("sts", f"federated-user/{name}", region="", account=caller.account_id)
    cred = _issue(
        ctx,
        account_id=caller.account_id,
        kind="federated-user",
        arn=arn,
        user_id=f"{caller.account_id}:{name}",
        source_arn=caller.arn if caller.kind == "user" else None,
        seconds=seconds,
        params=params,
    )
    return {
        "Credentials": _credentials(cred),
        "FederatedUser": {"FederatedUserId": f"{caller.account_id}:{name}", "Arn": arn},
        "PackedPolicySize": _packed(params),
    }


@handler("sts", "GetAccessKeyInfo")
def get_access_key_info(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key_id = params["AccessKeyId"]
    issued = access_key_account(ctx.session, key_id)
    if issued is None:
        row = ctx.session.get(StsCredential, key_id)
        issued = row.account_id if row is not None else None
    if issued is not None:
        return {"Account": issued}
    account = account_of_access_key(key_id)
    if account is None:
        raise validation(key_id, "accessKeyId", r"Member must satisfy regular expression pattern: [\w]*")
    return {"Account": account}


@handler("sts", "DecodeAuthorizationMessage")
def decode_authorization_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    encoded = params["EncodedMessage"]
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        jsontext.guarded_loads(decoded)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidAuthorizationMessage("The message provided is invalid.") from exc
    return {"DecodedMessage": decoded}
