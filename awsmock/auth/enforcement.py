"""The dispatcher hook: who is calling, and (once authentication is on) may they.

:func:`install` registers :func:`enforce` on a :class:`~awsmock.api.dispatch.Dispatcher`.
For every request the hook maps the access key to its account (``ctx.account_id``) and
principal (``ctx.principal_arn``), asking the services that issue keys
(:mod:`awsmock.auth.directory`). When :mod:`awsmock.auth.settings` says the request must be
authenticated, it verifies the SigV4 signature (or an older one the service still accepts)
against the key's stored secret, checks the session token and its expiry, and authorizes the
action with :mod:`awsmock.auth.policy`. Operations the model marks unsigned need no signature;
what differs per service (refusals, anonymous access, condition keys...) is what the service
declares (:class:`awsmock.engine.facts.AuthFacts`). Refusals are :class:`AwsError`\\ s in the
service's dialect (:mod:`awsmock.auth.errors`), rendered by the protocol layer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from awsmock.auth import directory, policy, resources, settings, sigv4
from awsmock.auth import identity as identities
from awsmock.auth.errors import auth_error, family
from awsmock.auth.keys import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY
from awsmock.engine import registry
from awsmock.engine.context import RequestContext
from awsmock.engine.facts import AuthFacts
from awsmock.engine.wire import WireRequest

#: set on the request context when the request is authenticated (see :func:`is_enforced`)
ENFORCED = "_awsmock_auth_enforced"


def is_enforced(ctx: RequestContext) -> bool:
    """Whether this request is being authenticated and authorized (for handlers of unsigned
    operations that check a trust policy themselves, e.g. AssumeRoleWithWebIdentity)."""
    return bool(getattr(ctx, ENFORCED, False))


def install(dispatcher: Any) -> None:
    if enforce not in dispatcher.hooks:
        dispatcher.hooks.append(enforce)


def enforce(ctx: RequestContext, req: WireRequest, operation: Any, params: dict[str, Any]) -> None:
    ident = directory.resolve_in(ctx.tx, ctx.access_key_id)
    if ident is not None:
        ctx.account_id = ident.account_id
        ctx.principal_arn = ident.arn
    if not settings.must_authenticate(lambda: ctx.session, ctx.store.url):
        judge_while_open(ctx, req, operation, params, ident)
        return
    setattr(ctx, ENFORCED, True)
    if operation is not None and operation.auth_type == "none":  # the model: served unsigned
        return
    facts = registry.facts(ctx.service)
    auth = facts.auth
    if auth.anonymous and _unsigned(req, auth):
        authorize_anonymous(ctx, req, params)
        return
    authenticate(ctx, req, operation, ident, auth)
    assert ident is not None
    directory.note_access(ctx, ident, resources.action_name(ctx.service, ctx.operation))
    if ctx.operation in facts.always_allowed:
        return
    authorize(ctx, req, params, ident)


def _unsigned(req: WireRequest, auth: AuthFacts) -> bool:
    """Whether ``req`` carries no signature at all (no SigV4 header or query, no older one)."""
    return not sigv4.is_signed(req) and (auth.legacy is None or auth.legacy.parse(req) is None)


def _secret(ident: identities.Identity | None, access_key_id: str) -> str | None:
    """The secret a presigned URL was signed with, where awsmock can know it: the key's own (a
    key awsmock issued), or that of the fake credentials awsmock puts in a mocked environment;
    None for a key it does not know (signed with a secret it cannot know)."""
    if ident is not None and ident.secret and ident.access_key_id in (None, access_key_id):
        return ident.secret
    if access_key_id == FAKE_ACCESS_KEY_ID:
        return FAKE_SECRET_ACCESS_KEY
    return None


def judge_while_open(
    ctx: RequestContext,
    req: WireRequest,
    operation: Any,
    params: dict[str, Any],
    ident: identities.Identity | None,
) -> None:
    """Authentication is off, yet what the service itself decides still holds: an unsigned
    request to a service that judges anonymous callers whatever the auth mode
    (``AuthFacts.anonymous_always``) is let in only where the resource is public; a presigned URL
    must carry the headers it signed, checked wherever its key's secret is known."""
    if operation is None or operation.auth_type == "none":
        return
    auth = registry.facts(ctx.service).auth
    if auth.anonymous and auth.anonymous_always and _unsigned(req, auth):
        authorize_anonymous(ctx, req, params)
        return
    query = req.query_string.lower()
    if "x-amz-signature=" in query:
        try:
            sig = sigv4.parse(req)
        except sigv4.MalformedSignature:
            return
        if sig is None or not sig.presigned or sigv4.presigned_problem(sig) is not None:
            return
        if sigv4.presigned_expired(sig, ctx.now):
            return  # the service says so, as AWS does before it looks at the signature
        secret = _secret(ident, sig.access_key_id)
        streaming = auth.streaming_bodies
        if secret is not None and not sigv4.verify(
            req,
            sig,
            secret,
            raw_path=auth.raw_path,
            unsigned_presigned=streaming,
            body_hash=lambda: _body_hash(req, operation, streaming=streaming),
        ):
            raise _fail(ctx, "signature")
    elif auth.legacy is not None and "signature=" in query:
        old = auth.legacy.parse(req)
        if old is None or not getattr(old, "presigned", False) or auth.legacy.expired(old, ctx.now):
            return  # (an expired URL: the service says so, as AWS does before the signature)
        key = auth.legacy.access_key(req)
        secret = _secret(ident, key) if key else None
        if secret is not None and not auth.legacy.verify(req, old, secret):
            raise _fail(ctx, "signature")


#: how far from the server's clock a header-signed request may have been signed
MAX_SKEW = dt.timedelta(minutes=15)


def _check_skew(ctx: RequestContext, signed: dt.datetime | None, auth: AuthFacts) -> None:
    """Refuse, in the service's words, a request signed more than :data:`MAX_SKEW` from now
    (``signed`` None: a presigned URL, which has its own expiry)."""
    if signed is None or abs(ctx.now - signed) <= MAX_SKEW:
        return
    if auth.skewed is not None:
        raise auth.skewed(ctx.now, signed, MAX_SKEW)
    basic = "%Y%m%dT%H%M%SZ"
    now, stamp = ctx.now.strftime(basic), signed.strftime(basic)
    if family(ctx.service, ctx.protocol) == "ec2":
        raise _fail(ctx, "skewed")  # "Request has expired."
    if signed < ctx.now:
        bound = (ctx.now - MAX_SKEW).strftime(basic)
        message = f"Signature expired: {stamp} is now earlier than {bound} ({now} - 15 min.)"
    else:
        bound = (ctx.now + MAX_SKEW).strftime(basic)
        message = f"Signature not yet current: {stamp} is still later than {bound} ({now} + 15 min.)"
    raise _fail(ctx, "skewed", message)


_HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _check_payload(ctx: RequestContext, req: WireRequest) -> None:
    """The body must be what the signed ``x-amz-content-sha256`` says (a replay with another body
    must not pass): checked now for a body in memory, as it is read for one that streams."""
    declared = req.headers.get("x-amz-content-sha256", "")
    if not _HEX_DIGEST.match(declared):
        return  # UNSIGNED-PAYLOAD, STREAMING-…: the payload is not what the signature covers

    def check(computed: str) -> None:
        if computed != declared:
            raise _fail(
                ctx,
                "payload",
                None,
                ClientComputedContentSHA256=declared,
                S3ComputedContentSHA256=computed,
            )

    if req._body is not None:
        check(hashlib.sha256(req._body).hexdigest())
    else:
        req.payload_check = check  # the body's reader calls it at the end of the body


def _fail(ctx: RequestContext, kind: str, message: str | None = None, **fields: Any) -> Exception:
    return auth_error(kind, ctx.service, ctx.protocol, message, **fields)


def _body_hash(req: WireRequest, operation: Any, *, streaming: bool) -> str | None:
    if req._body is not None:
        return hashlib.sha256(req._body).hexdigest()
    if streaming or (operation is not None and getattr(operation, "has_streaming_input", False)):
        return None  # the body is being streamed to the handler; it cannot be read twice
    return hashlib.sha256(req.body).hexdigest()


def authenticate(
    ctx: RequestContext, req: WireRequest, operation: Any, ident: identities.Identity | None, auth: AuthFacts
) -> None:
    try:
        sig = sigv4.parse(req)
    except sigv4.MalformedSignature as exc:
        raise _fail(ctx, "malformed") from exc
    if sig is None:
        legacy = auth.legacy
        if legacy is not None:
            old = legacy.parse(req)
            if old is not None:
                return _authenticate_legacy(ctx, req, old, ident, auth)
        raise _fail(ctx, "missing")
    if sig.presigned:
        problem = sigv4.presigned_problem(sig)
        if problem is not None:
            raise _fail(ctx, "query_parameters", problem)
    if ident is None or ident.secret is None or not ident.active:
        raise _fail(ctx, "invalid_key")
    if ident.temporary and sig.security_token != ident.session_token:
        raise _fail(ctx, "invalid_token")
    streaming = auth.streaming_bodies
    verified = sigv4.verify(
        req,
        sig,
        ident.secret,
        raw_path=auth.raw_path,
        unsigned_presigned=streaming,
        body_hash=lambda: _body_hash(req, operation, streaming=streaming),
    )
    if not verified:
        raise _fail(ctx, "signature")
    if not sig.presigned:
        _check_payload(ctx, req)
    _check_skew(ctx, None if sig.presigned else sig.issued_at(), auth)
    issued = sig.issued_at()
    if sig.presigned and issued is not None and issued - MAX_SKEW > ctx.now:
        raise _fail(ctx, "denied", "Request is not valid yet")
    if ident.expiration is not None and ident.expiration <= ctx.now:
        raise _fail(ctx, "expired")
    if sigv4.presigned_expired(sig, ctx.now):
        raise _fail(ctx, "denied", "Request has expired")
    if not ident.temporary:
        directory.note_use(ctx, ident)


def _authenticate_legacy(
    ctx: RequestContext, req: WireRequest, sig: Any, ident: identities.Identity | None, auth: AuthFacts
) -> None:
    legacy = auth.legacy
    assert legacy is not None
    if ident is None or ident.secret is None or not ident.active:
        raise _fail(ctx, "invalid_key")
    if ident.temporary and legacy.security_token(sig) != ident.session_token:
        raise _fail(ctx, "invalid_token")
    if not legacy.verify(req, sig, ident.secret):
        raise _fail(ctx, "signature")
    _check_skew(ctx, legacy.signed_at(req, sig), auth)
    if ident.expiration is not None and ident.expiration <= ctx.now:
        raise _fail(ctx, "expired")
    if legacy.expired(sig, ctx.now):
        raise _fail(ctx, "denied", "Request has expired")
    if not ident.temporary:
        directory.note_use(ctx, ident)


def condition_context(
    ctx: RequestContext, req: WireRequest, ident: identities.Identity, params: dict[str, Any]
) -> dict[str, policy.ContextValue]:
    now = ctx.now.astimezone(dt.UTC)
    out: dict[str, policy.ContextValue] = {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SourceIp": req.remote_addr,
        "aws:SecureTransport": "true" if req.scheme == "https" else "false",
        "aws:RequestedRegion": ctx.region,
        "aws:PrincipalAccount": ident.account_id,
        "aws:PrincipalType": ident.principal_type,
        "aws:userid": ident.user_id,
        "aws:PrincipalArn": ident.source_arn
        if ident.kind == "assumed-role" and ident.source_arn
        else ident.arn,
        "aws:ViaAWSService": "false",
    }
    if ident.username and ident.kind == "user":
        out["aws:username"] = ident.username
    if ident.temporary and ident.token_issued is not None:
        out["aws:TokenIssueTime"] = ident.token_issued.strftime("%Y-%m-%dT%H:%M:%SZ")
        out["aws:MultiFactorAuthPresent"] = "false"
    if ident.source_identity:
        out["aws:SourceIdentity"] = ident.source_identity
    agent = req.headers.get("user-agent")
    if agent:
        out["aws:UserAgent"] = agent
    if req.headers.get("referer"):
        out["aws:Referer"] = req.headers["referer"]
    for k, v in ident.tags.items():
        out[f"aws:PrincipalTag/{k}"] = v
    tags = params.get("Tags")
    if isinstance(tags, list):
        keys = []
        for t in tags:
            if isinstance(t, dict) and "Key" in t:
                keys.append(str(t["Key"]))
                out[f"aws:RequestTag/{t['Key']}"] = str(t.get("Value", ""))
        out["aws:TagKeys"] = keys
    elif isinstance(tags, dict):
        for k, v in tags.items():
            out[f"aws:RequestTag/{k}"] = str(v)
        out["aws:TagKeys"] = [str(k) for k in tags]
    service_keys = registry.facts(ctx.service).condition_keys
    if service_keys is not None:
        out.update(service_keys(ctx, params))
    return out


def authorize(
    ctx: RequestContext, req: WireRequest, params: dict[str, Any], ident: identities.Identity
) -> None:
    """Every permission the request needs must be allowed (:func:`resources.access_checks`)."""
    gathered: Any = None
    looked_up = False
    context = condition_context(ctx, req, ident, params)
    principal = policy.Principal(ident.account_id, ident.principal_arns)
    for check in resources.access_checks(ctx, ctx.operation, params):
        found = resources.resource_policy(ctx, ctx.operation, dict(check.policy_params or params))
        if ident.kind == "root" and (found is None or not found.required):
            continue
        if not looked_up:
            gathered, looked_up = directory.policies_of(ctx.session, ident), True
        request = policy.Request(check.action, check.resources, principal, context)
        identity_docs: list[Any] = (
            gathered.identity
            if gathered is not None
            else [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]
        )
        decision = policy.decide(
            request,
            identity_docs,
            resource_policy=found.document if found is not None else None,
            resource_account=found.account_id if found is not None else None,
            boundaries=gathered.boundaries if gathered is not None else None,
            session_policies=gathered.session if gathered is not None else None,
            resource_required=bool(found is not None and found.required),
        )
        if not decision.allowed:
            resource = check.resources[0] if check.resources else "*"
            message = policy.denial_message(ident.arn, check.action, resource, decision.reason)
            raise _fail(ctx, "denied", message)


def authorize_anonymous(ctx: RequestContext, req: WireRequest, params: dict[str, Any]) -> None:
    """An unsigned request to a service that allows them: every permission the request needs
    must be granted to anyone, by the resource's policy (``"Principal": "*"``, unless one of its
    statements denies) or by the service's own grants (``AuthFacts.anonymous_grants``)."""
    grants = registry.facts(ctx.service).auth.anonymous_grants
    principal = policy.Principal("", (), kind="Anonymous")
    context: dict[str, policy.ContextValue] = {
        "aws:SourceIp": req.remote_addr,
        "aws:SecureTransport": "true" if req.scheme == "https" else "false",
        "aws:CurrentTime": ctx.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:RequestedRegion": ctx.region,
    }
    owner = None  # the account whose resource let the caller in: the request acts in it
    for check in resources.access_checks(ctx, ctx.operation, params):
        found = resources.resource_policy(ctx, ctx.operation, dict(check.policy_params or params))
        decision = policy.IMPLICIT
        if found is not None and found.document is not None:
            request = policy.Request(check.action, check.resources, principal, context)
            decision = policy.evaluate([found.document], request, resource_policy=True).decision
        if decision == policy.ALLOW:
            owner = owner or (found.account_id if found is not None else None)
            continue
        if decision == policy.DENY or grants is None:
            raise _fail(ctx, "missing")
        if not grants(ctx, check.action, check.resources, dict(check.policy_params or params)):
            raise _fail(ctx, "missing")
    if owner:
        ctx.account_id = owner
