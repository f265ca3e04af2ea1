"""What a request asks for, in IAM's terms: the action name, the resource ARNs, and the
resource-based policy (S3 bucket policy, SQS queue policy, a role's trust policy) that governs it.

* :func:`action_name`: ``<IAM prefix>:<Operation>`` (``sqs:SendMessage``), with S3's handful of
  operations whose IAM action has another name (``ListObjectsV2`` -> ``s3:ListBucket``).
* :func:`resource_arns`: a small table of builders from the request's params (S3 bucket/key,
  SQS queue URL, DynamoDB table, IAM user/role/group/policy, ...); ``*`` otherwise.
  Services can add theirs with :func:`register_resource_builder`.
* :func:`register_resource_policy`: services supply their resource policies. A lookup receives
  the request context, the operation and the params and returns a :class:`ResourcePolicy` (the
  document, or None when the resource has none, and the owning account) or None when the request
  names no resource with a policy. The S3 and SQS services register theirs from their own
  modules; this module registers the IAM role trust policy for ``sts:AssumeRole``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from awsmock.engine.context import RequestContext


@dataclass
class ResourcePolicy:
    document: str | Mapping[str, Any] | None
    account_id: str
    #: the resource policy must allow (a role's trust policy); otherwise it is one way in
    required: bool = False


class ResourcePolicyLookup(Protocol):
    def __call__(
        self, ctx: RequestContext, operation: str, params: dict[str, Any]
    ) -> ResourcePolicy | None: ...


ResourceBuilder = Callable[[RequestContext, str, dict[str, Any]], list[str]]

_POLICY_LOOKUPS: dict[str, ResourcePolicyLookup] = {}
_BUILDERS: dict[str, ResourceBuilder] = {}

#: IAM action prefixes that differ from the service's signing name
ACTION_PREFIXES = {
    "monitoring": "cloudwatch",
    "email": "ses",
    "runtime.sagemaker": "sagemaker",
    "runtime.lex": "lex",
    "execute-api": "execute-api",
    "mobiletargeting": "mobiletargeting",
}

S3_ACTIONS = {
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "HeadBucket": "ListBucket",
    "HeadObject": "GetObject",
    "ListObjectVersions": "ListBucketVersions",
    "ListBuckets": "ListAllMyBuckets",
    "DeleteObjects": "DeleteObject",
    "CopyObject": "PutObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "UploadPartCopy": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "ListParts": "ListMultipartUploadParts",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "GetBucketLocation": "GetBucketLocation",
    "PutBucketPolicy": "PutBucketPolicy",
    "GetObjectAttributes": "GetObjectAttributes",
    "SelectObjectContent": "GetObject",
    "RestoreObject": "RestoreObject",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
}


def action_prefix(service: str) -> str:
    from awsmock.engine import specs

    try:
        md = specs.service_model(service).metadata
    except KeyError:
        return service
    signing = md.get("signingName") or md.get("endpointPrefix") or service
    return ACTION_PREFIXES.get(signing, signing)


def action_name(service: str, operation: str) -> str:
    if service == "s3":
        return f"s3:{S3_ACTIONS.get(operation, operation)}"
    return f"{action_prefix(service)}:{operation}"


# -- resource ARNs --------------------------------------------------------------------------


def register_resource_builder(service: str, builder: ResourceBuilder) -> None:
    _BUILDERS[service] = builder


def _s3(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    bucket = params.get("Bucket")
    if not bucket:
        return ["*"]
    key = params.get("Key")
    if key is not None:
        return [f"arn:aws:s3:::{bucket}/{key}"]
    if operation == "DeleteObjects":
        objs = (params.get("Delete") or {}).get("Objects") or []
        return [f"arn:aws:s3:::{bucket}/{o.get('Key', '')}" for o in objs] or [f"arn:aws:s3:::{bucket}"]
    return [f"arn:aws:s3:::{bucket}"]


def queue_arn(ctx: RequestContext, url: str) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) >= 2:
        return f"arn:aws:sqs:{ctx.region}:{parts[-2]}:{parts[-1]}"
    return f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{parts[-1] if parts else ''}"


def _sqs(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if params.get("QueueUrl"):
        return [queue_arn(ctx, params["QueueUrl"])]
    if params.get("QueueName"):
        return [
            f"arn:aws:sqs:{ctx.region}:{params.get('QueueOwnerAWSAccountId') or ctx.account_id}:"
            f"{params['QueueName']}"
        ]
    return ["*"]


def _dynamodb(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    def table(name: str) -> str:
        if name.startswith("arn:"):
            return name
        return f"arn:aws:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}"

    if params.get("TableName"):
        return [table(params["TableName"])]
    if isinstance(params.get("RequestItems"), Mapping):
        return [table(n) for n in params["RequestItems"]] or ["*"]
    items = params.get("TransactItems")
    if isinstance(items, list):
        names = []
        for item in items:
            for body in item.values():
                if isinstance(body, Mapping) and body.get("TableName"):
                    names.append(table(body["TableName"]))
        return names or ["*"]
    if params.get("ResourceArn"):
        return [params["ResourceArn"]]
    return ["*"]


_IAM_PARAMS = (
    ("UserName", "user"),
    ("RoleName", "role"),
    ("GroupName", "group"),
    ("InstanceProfileName", "instance-profile"),
    ("ServerCertificateName", "server-certificate"),
)


def _iam_entity_arn(ctx: RequestContext, kind: str, name: str, path: str | None) -> str:
    """The entity's ARN with its path (looked up when it exists; from the params otherwise)."""
    from sqlalchemy import select

    from awsmock.models import iam as tables

    model = {
        "user": tables.IamUser,
        "role": tables.IamRole,
        "group": tables.IamGroup,
        "instance-profile": tables.IamInstanceProfile,
        "server-certificate": tables.IamServerCertificate,
    }[kind]
    found = ctx.session.scalar(
        select(model.arn).where(model.account_id == ctx.account_id, model.name_lower == name.lower())
    )
    return found or f"arn:aws:iam::{ctx.account_id}:{kind}{path or '/'}{name}"


def _iam(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if params.get("PolicyArn") and "Attach" not in operation and "Detach" not in operation:
        return [params["PolicyArn"]]
    for key, kind in _IAM_PARAMS:
        if params.get(key):
            return [_iam_entity_arn(ctx, kind, str(params[key]), params.get("Path"))]
    if params.get("PolicyName") and operation in ("CreatePolicy",):
        return [f"arn:aws:iam::{ctx.account_id}:policy{params.get('Path') or '/'}{params['PolicyName']}"]
    for key in ("OpenIDConnectProviderArn", "SAMLProviderArn", "SerialNumber"):
        if params.get(key):
            return [params[key]]
    return ["*"]


def _sts(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if params.get("RoleArn"):
        return [params["RoleArn"]]
    if operation == "GetFederationToken" and params.get("Name"):
        return [f"arn:aws:sts::{ctx.account_id}:federated-user/{params['Name']}"]
    return ["*"]


def _generic(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    for key, value in params.items():
        if (
            isinstance(value, str)
            and value.startswith("arn:")
            and (key.endswith("Arn") or key.endswith("ARN"))
        ):
            return [value]
    return ["*"]


register_resource_builder("s3", _s3)
register_resource_builder("sqs", _sqs)
register_resource_builder("dynamodb", _dynamodb)
register_resource_builder("iam", _iam)
register_resource_builder("sts", _sts)


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    builder = _BUILDERS.get(ctx.service, _generic)
    return builder(ctx, operation, params) or ["*"]


# -- resource policies ----------------------------------------------------------------------


def register_resource_policy(service: str, lookup: ResourcePolicyLookup) -> None:
    """Let ``service``'s resource-based policies take part in authorization."""
    _POLICY_LOOKUPS[service] = lookup


def resource_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    lookup = _POLICY_LOOKUPS.get(ctx.service)
    if lookup is None:
        return None
    return lookup(ctx, operation, params)


def _assume_role_trust(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    if operation != "AssumeRole" or not params.get("RoleArn"):
        return None
    from awsmock.auth.identity import name_from_arn, role_by_arn

    role = role_by_arn(ctx.session, params["RoleArn"])
    found = name_from_arn(params["RoleArn"])
    account = found[0] if found else ctx.account_id
    # a role that does not exist trusts nobody
    return ResourcePolicy(
        role.assume_role_policy if role is not None else '{"Statement": []}', account, required=True
    )


register_resource_policy("sts", _assume_role_trust)
