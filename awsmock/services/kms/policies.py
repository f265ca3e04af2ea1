"""Key policies: the default key policy, AWS managed keys' policies, GetKeyPolicy, PutKeyPolicy,
ListKeyPolicies, and the checks KMS runs on a new policy.

Every key has exactly one key policy, named ``default``. KMS requires the key policy to allow
(:mod:`.access` declares it as the key's resource policy, required): the default key policy's
statement "Enable IAM User Permissions" names the account, which delegates to the account's IAM
policies; a statement naming a principal itself lets it in without them.
"""

from __future__ import annotations

import json
from typing import Any

from awsmock.auth import policy
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from .errors import MalformedPolicyDocumentException, NotFoundException
from .lookup import require_customer_managed, require_manageable, resolve, save

POLICY_NAME = "default"


def pretty(document: Any) -> str:
    """JSON as KMS writes the policies it makes (two-space indents, ``"key" : value``)."""
    return _render(document, 0)


def _render(value: Any, depth: int) -> str:
    pad = "  " * depth
    if isinstance(value, dict):
        if not value:
            return "{ }"
        inner = ",\n".join(f"{pad}  {json.dumps(k)} : {_render(v, depth + 1)}" for k, v in value.items())
        return "{\n" + inner + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        if all(isinstance(v, dict) for v in value):
            return "[ " + ", ".join(_render(v, depth) for v in value) + " ]"
        return "[ " + ", ".join(_render(v, depth) for v in value) + " ]"
    return json.dumps(value)


def default_policy(ctx: RequestContext, account: str) -> str:
    root = arns.account_root(account, arns.partition_of(ctx.region))
    return pretty(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": root},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def aws_managed_policy(ctx: RequestContext, service: str, title: str) -> str:
    """The key policy of an AWS managed key: its service may use it for the account's
    principals (``kms:ViaService``), and the account may read its metadata."""
    account = ctx.account_id
    via = f"{service}.{ctx.region}.{arns.dns_suffix(ctx.region)}"
    sid = f"Allow access through {title} for all principals in the account that are authorized to use {title}"
    return pretty(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service}-2",
            "Statement": [
                {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:CreateGrant",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": via}},
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": arns.account_root(account, arns.partition_of(ctx.region))},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                    "Resource": "*",
                },
            ],
        }
    )


def check(ctx: RequestContext, text: str, *, bypass: bool) -> None:
    """KMS's checks of a new key policy: a JSON policy document whose statements have an
    effect, a principal and actions, which (unless ``bypass``) still lets the caller change the
    policy afterwards."""
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:
        raise MalformedPolicyDocumentException("Policy document is not valid JSON.") from None
    if not isinstance(doc, dict) or "Statement" not in doc:
        raise MalformedPolicyDocumentException("Policy document must contain a Statement.")
    for stmt in policy.statements(doc):
        if stmt.get("Effect") not in ("Allow", "Deny"):
            raise MalformedPolicyDocumentException("Policy contains a statement with an invalid Effect.")
        if "Principal" not in stmt and "NotPrincipal" not in stmt:
            raise MalformedPolicyDocumentException("Policy contains a statement with no principal.")
        if "Action" not in stmt and "NotAction" not in stmt:
            raise MalformedPolicyDocumentException("Policy contains a statement with no action.")
    if bypass:
        return
    principal_arn = ctx.principal_arn or arns.account_root(ctx.account_id, arns.partition_of(ctx.region))
    request = policy.Request(
        "kms:PutKeyPolicy",
        ("*",),
        policy.Principal(ctx.account_id, (principal_arn,)),
        {"kms:CallerAccount": ctx.account_id, "aws:PrincipalArn": principal_arn},
    )
    if policy.evaluate([doc], request, resource_policy=True).decision != policy.ALLOW:
        raise MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future."
        )


def _name(params: dict[str, Any]) -> None:
    name = params.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        raise NotFoundException("No such policy exists")


@handler("kms", "GetKeyPolicy")
def get_key_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    _name(params)
    return {"Policy": key.doc["Policy"], "PolicyName": POLICY_NAME}


@handler("kms", "PutKeyPolicy")
def put_key_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    _name(params)
    require_manageable(key)
    require_customer_managed(ctx, key)
    check(ctx, params["Policy"], bypass=bool(params.get("BypassPolicyLockoutSafetyCheck")))
    doc = key.edit()
    doc["Policy"] = params["Policy"]
    save(ctx, key, doc)
    return {}


@handler("kms", "ListKeyPolicies")
def list_key_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    resolve(ctx, params["KeyId"])
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}
