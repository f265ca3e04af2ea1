"""Secrets Manager as authorization sees it: the secret a request acts on, the permissions it
needs, the secret's resource policy, and the condition keys Secrets Manager documents.

* Resources: the secret's ARN, found from the ``SecretId`` (name, complete or partial ARN); for
  a secret that does not exist, the ARN the identifier spells, and for CreateSecret the ARN the
  new secret will have, with ``??????`` for its random suffix (policies name secrets as
  ``secret:<name>-??????`` or ``secret:<name>-*``).
* Permissions beyond the operation's own: CreateSecret with tags also needs
  ``secretsmanager:TagResource``, with replica Regions ``ReplicateSecretToRegions``;
  RotateSecret naming a function needs ``lambda:InvokeFunction`` on it (and the function's own
  resource policy must let Secrets Manager invoke it: :mod:`.rotation`);
  ValidateResourcePolicy needs ``PutResourcePolicy`` too; BatchGetSecretValue with filters needs
  ``ListSecrets``, and ``GetSecretValue`` on each secret (checked per secret: a refusal is that
  secret's entry in ``Errors``).
* The resource policy: the secret's own (PutResourcePolicy), in its owner's account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsmock.auth import directory, enforcement, policy
from awsmock.auth.resources import ResourcePolicy
from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.facts import Access

from . import store
from .store import SERVICE, Secret


def _found(ctx: RequestContext, params: dict[str, Any]) -> Secret | None:
    secret_id = params.get("SecretId")
    if not isinstance(secret_id, str) or not secret_id:
        return None
    try:
        return store.resolve(ctx, secret_id)
    except AwsError:  # a malformed name: the handler answers it
        return None


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    secret_id = params.get("SecretId")
    if isinstance(secret_id, str) and secret_id:
        return [store.request_arn(ctx, secret_id)]
    if operation == "CreateSecret" and isinstance(params.get("Name"), str):
        return [ctx.arn(SERVICE, f"secret:{params['Name']}-??????")]
    return ["*"]


def access_checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Access] | None:
    def need(action: str, resources: list[str]) -> Access:
        return Access(f"{SERVICE}:{action}", tuple(resources))

    if operation == "CreateSecret":
        target = resource_arns(ctx, operation, params)
        checks = [need("CreateSecret", target)]
        if params.get("Tags"):
            checks.append(need("TagResource", target))
        if params.get("AddReplicaRegions"):
            checks.append(need("ReplicateSecretToRegions", target))
        return checks
    if operation == "ValidateResourcePolicy":
        target = resource_arns(ctx, operation, params)
        return [need("ValidateResourcePolicy", target), need("PutResourcePolicy", target)]
    if operation == "RotateSecret" and isinstance(params.get("RotationLambdaARN"), str):
        target = resource_arns(ctx, operation, params)
        return [need("RotateSecret", target), Access("lambda:InvokeFunction", (params["RotationLambdaARN"],))]
    if operation == "BatchGetSecretValue":
        checks = [need("BatchGetSecretValue", ["*"])]
        if params.get("Filters") is not None:
            checks.append(need("ListSecrets", ["*"]))
        return checks
    return None


def secret_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The resource policy of the secret the request names (None when it names none)."""
    found = _found(ctx, params)
    if found is None:
        return None
    return ResourcePolicy(found.doc.get("ResourcePolicy") or None, found.row.account_id)


def _flag(value: Any) -> str:
    return "true" if value else "false"


def condition_keys(ctx: RequestContext, params: dict[str, Any]) -> Mapping[str, Any]:
    out: dict[str, Any] = {}
    for member, key in (
        ("SecretId", "SecretId"),
        ("Name", "Name"),
        ("Description", "Description"),
        ("KmsKeyId", "KmsKeyId"),
        ("VersionId", "VersionId"),
        ("RotationLambdaARN", "RotationLambdaARN"),
    ):
        if isinstance(params.get(member), str):
            out[f"secretsmanager:{key}"] = params[member]
    if isinstance(params.get("VersionStage"), str):
        out["secretsmanager:VersionStage"] = [params["VersionStage"]]
    if isinstance(params.get("VersionStages"), list):
        out["secretsmanager:VersionStage"] = [str(s) for s in params["VersionStages"]]
    if params.get("RecoveryWindowInDays") is not None:
        out["secretsmanager:RecoveryWindowInDays"] = str(params["RecoveryWindowInDays"])
    for member in (
        "ForceDeleteWithoutRecovery",
        "BlockPublicPolicy",
        "ForceOverwriteReplicaSecret",
        "RotateImmediately",
    ):
        if member in params:
            out[f"secretsmanager:{member}"] = _flag(params[member])
    if isinstance(params.get("AddReplicaRegions"), list):
        out["secretsmanager:AddReplicaRegions"] = [str(r.get("Region")) for r in params["AddReplicaRegions"]]
    found = _found(ctx, params)
    if found is not None:
        out.update(_resource_keys(ctx, found))
    return out


def _resource_keys(ctx: RequestContext, secret: Secret) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tagging.tags_of(ctx.session, secret.arn).items():
        out[f"secretsmanager:ResourceTag/{key}"] = value
        out[f"aws:ResourceTag/{key}"] = value
    out["secretsmanager:SecretPrimaryRegion"] = secret.doc.get("PrimaryRegion") or secret.row.region
    return out


def check_each(ctx: RequestContext, operation: str, secret: Secret) -> None:
    """With authentication on, the caller must be allowed ``operation`` on this one secret
    (BatchGetSecretValue's per-secret GetSecretValue): AccessDeniedException otherwise."""
    if not enforcement.is_enforced(ctx):
        return
    ident = directory.resolve_in(ctx.tx, ctx.access_key_id)
    if ident is None:
        return
    found = ResourcePolicy(secret.doc.get("ResourcePolicy") or None, secret.row.account_id)
    if ident.kind == "root" and ident.account_id == secret.row.account_id:
        return
    gathered = directory.policies_of(ctx.session, ident)
    action = f"{SERVICE}:{operation}"
    context: dict[str, policy.ContextValue] = {
        "aws:CurrentTime": ctx.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:RequestedRegion": ctx.region,
        "aws:PrincipalAccount": ident.account_id,
        "aws:PrincipalArn": ident.arn,
        "aws:PrincipalType": ident.principal_type,
        "aws:userid": ident.user_id,
        "secretsmanager:SecretId": secret.arn,
        **_resource_keys(ctx, secret),
    }
    request = policy.Request(
        action, (secret.arn,), policy.Principal(ident.account_id, ident.principal_arns), context
    )
    decision = policy.decide(
        request,
        gathered.identity
        if gathered is not None
        else [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
        resource_policy=found.document,
        resource_account=found.account_id,
        boundaries=gathered.boundaries if gathered is not None else None,
        session_policies=gathered.session if gathered is not None else None,
    )
    if not decision.allowed:
        raise AwsError(
            policy.denial_message(ident.arn, action, secret.arn, decision.reason),
            code="AccessDeniedException",
            status=400,
        )
