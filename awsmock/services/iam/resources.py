"""The resources IAM operations act on, as authorization names them: the entity a request
names, by its ARN (with its path, looked up when it exists), a managed policy, a provider or
an MFA device."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models import iam as tables

from .common import iam_arn

_PARAMS = (
    ("UserName", "user", tables.IamUser),
    ("RoleName", "role", tables.IamRole),
    ("GroupName", "group", tables.IamGroup),
    ("InstanceProfileName", "instance-profile", tables.IamInstanceProfile),
    ("ServerCertificateName", "server-certificate", tables.IamServerCertificate),
)


def _entity_arn(ctx: RequestContext, kind: str, model: Any, name: str, path: str | None) -> str:
    found = ctx.session.scalar(
        select(model.arn).where(model.account_id == ctx.account_id, model.name_lower == name.lower())
    )
    return found or iam_arn(ctx, f"{kind}{path or '/'}{name}")


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if params.get("PolicyArn") and "Attach" not in operation and "Detach" not in operation:
        return [params["PolicyArn"]]
    for key, kind, model in _PARAMS:
        if params.get(key):
            return [_entity_arn(ctx, kind, model, str(params[key]), params.get("Path"))]
    if params.get("PolicyName") and operation == "CreatePolicy":
        return [iam_arn(ctx, f"policy{params.get('Path') or '/'}{params['PolicyName']}")]
    for key in ("OpenIDConnectProviderArn", "SAMLProviderArn", "SerialNumber"):
        if params.get(key):
            return [params[key]]
    return ["*"]
