"""Bucket sub-resources: each stored as the document the user put, returned as it was, with
AWS's defaults or ``NoSuch…`` error when absent. Table-driven: one :class:`SubResource` per
sub-resource registers its Put/Get/Delete handlers. The bucket's tags are not one of them: they
live in the shared tag table (``tags.py``); nor is its notification configuration, which
``notifications.py`` checks and acts on."""

from __future__ import annotations

import fnmatch
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from awsmock.auth.policy import names_everyone
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Bucket
from awsmock.state import jsontext

from . import abac, acl, blocking, tags
from .buckets import bucket_grants, delete_config, get_bucket, get_config, set_config
from .errors import (
    InvalidArgument,
    InvalidBucketState,
    InvalidRequest,
    MalformedXML,
    MissingRequestBody,
    not_found,
)

DEFAULT_ENCRYPTION = {
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
}


PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


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


#: storage classes a transition may not reach before an object is 30 days old
_IA_CLASSES = ("STANDARD_IA", "ONEZONE_IA")
_RULE_ACTIONS = (
    "Expiration",
    "Transitions",
    "NoncurrentVersionExpiration",
    "NoncurrentVersionTransitions",
    "AbortIncompleteMultipartUpload",
)


def _is_midnight(value: Any) -> bool:
    return not (value.hour or value.minute or value.second or value.microsecond)


def _check_rule(r: dict[str, Any]) -> None:
    """S3's checks of one lifecycle rule (codes and messages as S3 words them)."""
    if r.get("Status") not in ("Enabled", "Disabled"):
        raise MalformedXML()
    if "Filter" in r and "Prefix" in r:
        raise MalformedXML()
    if len(str(r.get("ID") or "")) > 255:
        raise InvalidArgument(
            "ID length should not exceed allowed limit of 255", ArgumentName="ID", ArgumentValue=r["ID"]
        )
    filt = r.get("Filter") or {}
    if (
        len([k for k in ("Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan") if k in filt])
        > 1
    ):
        raise MalformedXML()
    if not any(r.get(action) for action in _RULE_ACTIONS):
        raise InvalidRequest("At least one action needs to be specified in a rule")
    tagged = "Tag" in filt or bool((filt.get("And") or {}).get("Tags"))
    expiration = r.get("Expiration") or {}
    if expiration:
        given = [k for k in ("Days", "Date", "ExpiredObjectDeleteMarker") if expiration.get(k) is not None]
        if len(given) != 1:
            raise MalformedXML()
        if expiration.get("Days") is not None and expiration["Days"] <= 0:
            raise InvalidArgument(
                "'Days' for Expiration action must be a positive integer",
                ArgumentName="Days",
                ArgumentValue=str(expiration["Days"]),
            )
        if expiration.get("Date") is not None and not _is_midnight(expiration["Date"]):
            raise InvalidArgument("'Date' must be at midnight GMT", ArgumentName="Date")
        if expiration.get("ExpiredObjectDeleteMarker") and tagged:
            raise InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with object tags.")
    if r.get("AbortIncompleteMultipartUpload") and tagged:
        raise InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")
    for t in r.get("Transitions") or []:
        days = t.get("Days")
        if (days is None) == (t.get("Date") is None):
            raise MalformedXML()
        if days is not None and days < 0:
            raise InvalidArgument(
                "'Days' in Transition action must be nonnegative",
                ArgumentName="Days",
                ArgumentValue=str(days),
            )
        if days is not None and t.get("StorageClass") in _IA_CLASSES and days < 30:
            raise InvalidArgument(
                f"'Days' in Transition action must be greater than or equal to 30 for storageClass "
                f"'{t['StorageClass']}'",
                ArgumentName="Days",
                ArgumentValue=str(days),
            )
    for t in r.get("NoncurrentVersionTransitions") or []:
        days = t.get("NoncurrentDays")
        if days is not None and t.get("StorageClass") in _IA_CLASSES and days < 30:
            raise InvalidArgument(
                f"'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to "
                f"30 for storageClass '{t['StorageClass']}'",
                ArgumentName="NoncurrentDays",
                ArgumentValue=str(days),
            )
    nce = r.get("NoncurrentVersionExpiration") or {}
    if nce.get("NoncurrentDays") is not None and nce["NoncurrentDays"] <= 0:
        raise InvalidArgument(
            "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
            ArgumentName="NoncurrentDays",
            ArgumentValue=str(nce["NoncurrentDays"]),
        )


def _validate_lifecycle(doc: Any) -> Any:
    rules = doc.get("Rules") or []
    if not rules:
        raise MalformedXML()
    if len(rules) > 1000:
        raise InvalidRequest("The number of lifecycle rules must not exceed the allowed limit of 1000 rules")
    ids = [r.get("ID") for r in rules if r.get("ID")]
    if len(ids) != len(set(ids)):
        raise InvalidArgument(
            "Rule ID must be unique. Found same ID for more than one rule",
            ArgumentName="ID",
            ArgumentValue=ids[0],
        )
    for r in rules:
        _check_rule(r)
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
        lambda d: {
            "PublicAccessBlockConfiguration": {flag: bool(d.get(flag)) for flag in PUBLIC_ACCESS_FLAGS}
        },
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


def _check_logging_target(ctx: RequestContext, bucket: S3Bucket, enabled: dict[str, Any]) -> None:
    """The target bucket of server access logs must exist, be the logged bucket owner's, and
    be in its Region."""
    name = str(enabled.get("TargetBucket") or "")
    target = ctx.session.execute(select(S3Bucket).where(S3Bucket.name == name)).scalar_one_or_none()
    if target is None:
        raise AwsError(
            "The target bucket for logging does not exist",
            code="InvalidTargetBucketForLogging",
            TargetBucket=name,
        )
    if target.account_id != bucket.account_id:
        raise AwsError(
            "The owner for the bucket to be logged and the target bucket must be the same.",
            code="InvalidTargetBucketForLogging",
            TargetBucket=name,
        )
    if target.region != bucket.region:
        raise AwsError(
            "Cross S3 location logging not allowed. ",
            code="CrossLocationLoggingProhibitted",
            TargetBucketLocation=target.region,
        )


#: each sub-resource's Put handler, by storage key
PUTS: dict[str, Callable[[RequestContext, dict[str, Any]], dict[str, Any]]] = {}


def _register(sub: SubResource) -> None:
    def put(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = get_bucket(ctx, params["Bucket"])
        doc = params.get(sub.member)
        if doc is None:
            raise MissingRequestBody()
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
        if sub.name == "logging":
            _check_logging_target(ctx, bucket, doc["LoggingEnabled"])
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

    PUTS[sub.name] = put
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


def put_lifecycle(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """PutBucketLifecycleConfiguration (its checks, its storage)."""
    return PUTS["lifecycle"](ctx, params)


def missing_lifecycle(bucket: str) -> AwsError:
    return not_found(
        "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", BucketName=bucket
    )


# -- tagging: the bucket's tags live with every other resource's (see tags.py) ----------------


@handler("s3", "PutBucketTagging")
def put_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = params.get("Tagging")
    if doc is None:
        raise MalformedXML()
    abac.check_tagging_allowed(ctx, bucket)
    tags.put_tags(ctx, bucket, doc.get("TagSet") or [])
    return {}


@handler("s3", "GetBucketTagging")
def get_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"TagSet": tags.tag_set(ctx.session, get_bucket(ctx, params["Bucket"]))}


@handler("s3", "DeleteBucketTagging")
def delete_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    abac.check_tagging_allowed(ctx, bucket)
    tags.drop_tags(ctx.session, bucket)
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
    _check_statements(doc["Statement"], bucket.name)
    blocking.check_policy(ctx, bucket.id, bucket.account_id, doc)
    set_config(ctx, bucket, "policy", text)
    return {}


def _malformed_policy(message: str) -> AwsError:
    return AwsError(message, code="MalformedPolicy")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _check_statements(statements: Any, bucket: str) -> None:
    """A bucket policy's statements as S3 checks them: objects, with an Effect, a Principal,
    S3 actions and resources in this bucket."""
    if not isinstance(statements, (dict, list)):
        raise _malformed_policy("Invalid policy syntax.")
    for st in _listed(statements):
        if not isinstance(st, dict):
            raise _malformed_policy("Invalid policy syntax.")
        effect = st.get("Effect")
        if effect is None:
            raise _malformed_policy("Missing required field Effect")
        if effect not in ("Allow", "Deny"):
            raise _malformed_policy(f"Invalid effect: {effect}")
        if "Principal" not in st and "NotPrincipal" not in st:
            raise _malformed_policy("Missing required field Principal")
        if "Action" not in st and "NotAction" not in st:
            raise _malformed_policy("Missing required field Action")
        for action in _listed(st.get("Action", st.get("NotAction"))):
            if not isinstance(action, str) or not (action == "*" or action.lower().startswith("s3:")):
                raise _malformed_policy("Policy has invalid action")
        if "Resource" not in st and "NotResource" not in st:
            raise _malformed_policy("Missing required field Resource")
        for resource in _listed(st.get("Resource", st.get("NotResource"))):
            if not isinstance(resource, str) or not _in_bucket(resource, bucket):
                raise _malformed_policy("Policy has invalid resource")


def _in_bucket(resource: str, bucket: str) -> bool:
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "s3":
        return False
    if parts[3] or parts[4]:
        return True  # (an access point's or an Object Lambda's resources)
    return fnmatch.fnmatchcase(bucket, parts[5].split("/", 1)[0])


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
    return names_everyone(st.get("Principal"))


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
