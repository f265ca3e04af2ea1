"""Bucket sub-resources: each stored as the document the user put, returned as it was, with
AWS's defaults or ``NoSuch…`` error when absent. Table-driven: one :class:`SubResource` per
sub-resource registers its Put/Get/Delete handlers. The bucket's tags are not one of them: they
live in the shared tag table (``tags.py``); nor is its notification configuration, which
``notifications.py`` checks and acts on."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Bucket
from awsmock.state import jsontext

from . import acl, blocking, tags
from .buckets import bucket_grants, delete_config, get_bucket, get_config, set_config
from .errors import InvalidArgument, InvalidBucketState, InvalidRequest, MalformedXML, not_found

DEFAULT_ENCRYPTION = {
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
}


@dataclass(frozen=True)
class SubResource:
    name: str  # storage key
    member: str  # input member holding the document
    put: str
    get: str
    delete: str | None
    #: the Get answer for a stored document
    render: Callable[[Any], dict[str, Any]]
    #: raised (or returned, when a dict) when nothing is stored
    missing: Callable[[str], AwsError | dict[str, Any]]
    validate: Callable[[Any], Any] | None = None


def _wrap(member: str) -> Callable[[Any], dict[str, Any]]:
    return lambda doc: {member: doc}


def _spread(doc: Any) -> dict[str, Any]:
    return dict(doc)


def _none(_bucket: str) -> dict[str, Any]:
    return {}


def _validate_cors(doc: Any) -> Any:
    rules = doc.get("CORSRules") or []
    if not rules or len(rules) > 100:
        raise MalformedXML()
    for r in rules:
        for m in r.get("AllowedMethods") or []:
            if m not in ("GET", "PUT", "HEAD", "POST", "DELETE"):
                raise InvalidRequest(
                    f"Found unsupported HTTP method in CORS config. Unsupported method is {m}"
                )
    return doc


def _validate_lifecycle(doc: Any) -> Any:
    rules = doc.get("Rules") or []
    if not rules:
        raise MalformedXML()
    ids = [r.get("ID") for r in rules if r.get("ID")]
    if len(ids) != len(set(ids)):
        raise InvalidArgument(
            "Rule ID must be unique. Found same ID for more than one rule",
            ArgumentName="ID",
            ArgumentValue=ids[0],
        )
    for r in rules:
        if r.get("Status") not in ("Enabled", "Disabled"):
            raise MalformedXML()
        if "Filter" not in r and "Prefix" not in r:
            r["Filter"] = {"Prefix": ""}
        if not r.get("ID"):
            r["ID"] = uuid.uuid4().hex[:20]
    return doc


def _validate_accelerate(doc: Any) -> Any:
    if doc.get("Status") not in ("Enabled", "Suspended"):
        raise MalformedXML()
    return doc


def _validate_payment(doc: Any) -> Any:
    if doc.get("Payer") not in ("Requester", "BucketOwner"):
        raise MalformedXML()
    return doc


SUBRESOURCES = [
    SubResource(
        "cors",
        "CORSConfiguration",
        "PutBucketCors",
        "GetBucketCors",
        "DeleteBucketCors",
        _spread,
        lambda b: not_found("NoSuchCORSConfiguration", "The CORS configuration does not exist", BucketName=b),
        _validate_cors,
    ),
    SubResource(
        "lifecycle",
        "LifecycleConfiguration",
        "PutBucketLifecycleConfiguration",
        "GetBucketLifecycleConfiguration",
        "DeleteBucketLifecycle",
        lambda d: {"Rules": d["Rules"], "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"},
        lambda b: not_found(
            "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", BucketName=b
        ),
        _validate_lifecycle,
    ),
    SubResource(
        "encryption",
        "ServerSideEncryptionConfiguration",
        "PutBucketEncryption",
        "GetBucketEncryption",
        "DeleteBucketEncryption",
        _wrap("ServerSideEncryptionConfiguration"),
        lambda _b: {"ServerSideEncryptionConfiguration": DEFAULT_ENCRYPTION},
    ),
    SubResource(
        "website",
        "WebsiteConfiguration",
        "PutBucketWebsite",
        "GetBucketWebsite",
        "DeleteBucketWebsite",
        _spread,
        lambda b: not_found(
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
            BucketName=b,
        ),
    ),
    SubResource(
        "logging", "BucketLoggingStatus", "PutBucketLogging", "GetBucketLogging", None, _spread, _none
    ),
    SubResource(
        "public_access_block",
        "PublicAccessBlockConfiguration",
        "PutPublicAccessBlock",
        "GetPublicAccessBlock",
        "DeletePublicAccessBlock",
        _wrap("PublicAccessBlockConfiguration"),
        lambda b: not_found(
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found",
            BucketName=b,
        ),
    ),
    SubResource(
        "ownership",
        "OwnershipControls",
        "PutBucketOwnershipControls",
        "GetBucketOwnershipControls",
        "DeleteBucketOwnershipControls",
        _wrap("OwnershipControls"),
        lambda b: not_found(
            "OwnershipControlsNotFoundError", "The bucket ownership controls were not found", BucketName=b
        ),
    ),
    SubResource(
        "accelerate",
        "AccelerateConfiguration",
        "PutBucketAccelerateConfiguration",
        "GetBucketAccelerateConfiguration",
        None,
        _spread,
        _none,
        _validate_accelerate,
    ),
    SubResource(
        "request_payment",
        "RequestPaymentConfiguration",
        "PutBucketRequestPayment",
        "GetBucketRequestPayment",
        None,
        _spread,
        lambda _b: {"Payer": "BucketOwner"},
        _validate_payment,
    ),
    SubResource(
        "replication",
        "ReplicationConfiguration",
        "PutBucketReplication",
        "GetBucketReplication",
        "DeleteBucketReplication",
        _wrap("ReplicationConfiguration"),
        lambda b: not_found(
            "ReplicationConfigurationNotFoundError",
            "The replication configuration was not found",
            BucketName=b,
        ),
    ),
]


def _register(sub: SubResource) -> None:
    def put(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = get_bucket(ctx, params["Bucket"])
        doc = params.get(sub.member)
        if doc is None:
            raise MalformedXML()
        if sub.validate is not None:
            doc = sub.validate(doc)
        if sub.name == "accelerate" and "." in bucket.name:
            raise InvalidRequest(
                "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"
            )
        if sub.name == "replication" and bucket.versioning != "Enabled":
            raise InvalidRequest(
                "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
            )
        if sub.name == "logging" and not doc.get("LoggingEnabled"):
            delete_config(ctx, bucket, sub.name)
            return {}
        set_config(ctx, bucket, sub.name, doc)
        if sub.name == "lifecycle":
            return {"TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}
        return {}

    def get(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = get_bucket(ctx, params["Bucket"])
        doc = get_config(ctx, bucket, sub.name)
        if doc is None:
            answer = sub.missing(bucket.name)
            if isinstance(answer, AwsError):
                raise answer
            return answer
        return sub.render(doc)

    handler("s3", sub.put)(put)
    handler("s3", sub.get)(get)
    if sub.delete:

        def remove(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
            bucket = get_bucket(ctx, params["Bucket"])
            delete_config(ctx, bucket, sub.name)
            return {}

        handler("s3", sub.delete)(remove)


for _sub in SUBRESOURCES:
    _register(_sub)


# -- tagging: the bucket's tags live with every other resource's (see tags.py) ----------------


@handler("s3", "PutBucketTagging")
def put_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = params.get("Tagging")
    if doc is None:
        raise MalformedXML()
    tags.put_tags(ctx, bucket, doc.get("TagSet") or [])
    return {}


@handler("s3", "GetBucketTagging")
def get_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"TagSet": tags.tag_set(ctx.session, get_bucket(ctx, params["Bucket"]))}


@handler("s3", "DeleteBucketTagging")
def delete_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    tags.drop_tags(ctx.session, get_bucket(ctx, params["Bucket"]))
    return {}


# -- policy -----------------------------------------------------------------------------------


@handler("s3", "PutBucketPolicy")
def put_bucket_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    text = params.get("Policy") or ""
    try:
        doc = jsontext.guarded_loads(text)
        if not isinstance(doc, dict) or not text.lstrip().startswith("{"):
            raise ValueError
    except ValueError as exc:
        raise AwsError(
            "Policies must be valid JSON and the first byte must be '{'", code="MalformedPolicy"
        ) from exc
    if not doc.get("Statement"):
        raise AwsError("Missing required field Statement", code="MalformedPolicy")
    blocking.check_policy(ctx, bucket.id, bucket.account_id, doc)
    set_config(ctx, bucket, "policy", text)
    return {}


def _policy(ctx: RequestContext, bucket: S3Bucket) -> Any:
    """The bucket's policy document; NoSuchBucketPolicy when it has none."""
    text = get_config(ctx, bucket, "policy")
    if text is None:
        raise not_found("NoSuchBucketPolicy", "The bucket policy does not exist", BucketName=bucket.name)
    return text


@handler("s3", "GetBucketPolicy")
def get_bucket_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Policy": _policy(ctx, get_bucket(ctx, params["Bucket"]))}


@handler("s3", "DeleteBucketPolicy")
def delete_bucket_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket, "policy")
    return {}


def _statement_is_public(st: Any) -> bool:
    if not isinstance(st, dict) or st.get("Effect") != "Allow" or st.get("Condition"):
        return False
    principal = st.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, dict):
        aws = principal.get("AWS")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    return False


@handler("s3", "GetBucketPolicyStatus")
def get_bucket_policy_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    text = _policy(ctx, get_bucket(ctx, params["Bucket"]))
    statements = json.loads(text).get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return {"PolicyStatus": {"IsPublic": any(_statement_is_public(s) for s in statements)}}


# -- ACL and object lock ----------------------------------------------------------------------


@handler("s3", "PutBucketAcl")
def put_bucket_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .buckets import acls_enforced_off
    from .errors import AccessControlListNotSupported

    bucket = get_bucket(ctx, params["Bucket"])
    grants = acl.from_params(params, bucket.account_id, default=False)
    if grants is None:
        raise MalformedXML()
    if acls_enforced_off(ctx, bucket) and grants != acl.canned("private", bucket.account_id):
        raise AccessControlListNotSupported()
    blocking.check_acl(ctx, bucket.id, bucket.account_id, grants)
    set_config(ctx, bucket, "acl", grants)
    return {}


@handler("s3", "GetBucketAcl")
def get_bucket_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    return {"Owner": acl.owner(bucket.account_id), "Grants": bucket_grants(ctx, bucket)}


@handler("s3", "PutObjectLockConfiguration")
def put_object_lock_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = params.get("ObjectLockConfiguration") or {}
    if bucket.versioning != "Enabled":
        raise InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
        )
    if doc.get("ObjectLockEnabled") != "Enabled":
        raise MalformedXML()
    retention = (doc.get("Rule") or {}).get("DefaultRetention")
    if retention is not None and ("Days" in retention) == ("Years" in retention):
        raise MalformedXML()
    bucket.object_lock = True
    set_config(ctx, bucket, "object_lock", doc)
    return {}


@handler("s3", "GetObjectLockConfiguration")
def get_object_lock_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = get_config(ctx, bucket, "object_lock")
    if doc is None:
        raise not_found(
            "ObjectLockConfigurationNotFoundError",
            "Object Lock configuration does not exist for this bucket",
            BucketName=bucket.name,
        )
    return {"ObjectLockConfiguration": doc}
