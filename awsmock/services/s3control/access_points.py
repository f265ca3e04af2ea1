"""Access points: named network endpoints of a bucket with their own public access block and
policy (CreateAccessPoint, GetAccessPoint, DeleteAccessPoint, ListAccessPoints,
Put/Get/DeleteAccessPointPolicy, GetAccessPointPolicyStatus).

The bucket must exist and belong to the account named as its owner (the caller's by default).
An access point blocks all public access unless created with another block; a public policy is
refused while its block, or the account's, has ``BlockPublicPolicy``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.services.s3 import internal as s3
from awsmock.state import jsontext

from . import internal
from .errors import (
    access_denied,
    access_point_exists,
    invalid_request,
    invalid_token,
    invalid_uri,
    malformed_policy,
    no_such_access_point_policy,
    no_such_bucket,
)
from .lookup import ACCESS_POINTS, BLOCK_FIELDS, block_of, check_account
from .publicness import policy_is_public

_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,48})[a-z0-9]$")
_ALIAS_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
MAX_RESULTS = 1000


def _check_name(name: str) -> None:
    if not _NAME.match(name) or name.startswith("xn--") or name.endswith("-s3alias"):
        raise invalid_uri()


def _alias(ctx: RequestContext, name: str) -> str:
    """``NAME-<34 characters>-s3alias``: unique per access point (account, region, name, time)."""
    digest = hashlib.sha256(f"{ctx.account_id}:{ctx.region}:{name}:{ctx.now.isoformat()}".encode()).digest()
    tail = "".join(_ALIAS_CHARS[b % len(_ALIAS_CHARS)] for b in digest[:34])
    return f"{name}-{tail}-s3alias"


def _endpoints(region: str) -> dict[str, str]:
    domain = arns.dns_suffix(region)
    return {
        "ipv4": f"s3-accesspoint.{region}.{domain}",
        "fips": f"s3-accesspoint-fips.{region}.{domain}",
        "fips_dualstack": f"s3-accesspoint-fips.dualstack.{region}.{domain}",
        "dualstack": f"s3-accesspoint.dualstack.{region}.{domain}",
    }


def _bucket_owner(ctx: RequestContext, bucket: str, owner: str) -> None:
    """The bucket exists and ``owner`` owns it (the caller's own buckets only: NoSuchBucket)."""
    try:
        row = s3.owned_bucket(ctx, bucket)
    except AwsError as exc:
        if exc.code == "NoSuchBucket":
            raise no_such_bucket(bucket) from exc
        raise access_denied() from exc
    if row.account_id != owner:
        raise access_denied()


@handler("s3control", "CreateAccessPoint")
def create_access_point(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    name, bucket = params["Name"], params.get("Bucket") or ""
    _check_name(name)
    if not bucket:
        raise invalid_request("Missing required field Bucket")
    owner = params.get("BucketAccountId") or ctx.account_id
    _bucket_owner(ctx, bucket, owner)
    if ACCESS_POINTS.find(ctx, name) is not None:
        raise access_point_exists(name)
    vpc = params.get("VpcConfiguration")
    if vpc is not None and not vpc.get("VpcId"):
        raise invalid_request("Missing required field VpcId")
    given = params.get("PublicAccessBlockConfiguration")
    block = block_of(given) if given is not None else dict.fromkeys(BLOCK_FIELDS, True)
    alias = _alias(ctx, name)
    document: dict[str, Any] = {
        "Bucket": bucket,
        "BucketAccountId": owner,
        "NetworkOrigin": "VPC" if vpc else "Internet",
        "PublicAccessBlockConfiguration": block,
        "Alias": alias,
    }
    if vpc:
        document["VpcConfiguration"] = {"VpcId": vpc["VpcId"]}
    row = ACCESS_POINTS.create(
        ctx, rid=name, name=alias, parent=s3_bucket_arn(ctx, bucket), document=document
    )
    return {"AccessPointArn": row.arn, "Alias": alias}


def s3_bucket_arn(ctx: RequestContext, bucket: str) -> str:
    return ctx.arn("s3", bucket, region="", account="")


def _summary(row: Any) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {
        "Name": row.rid,
        "NetworkOrigin": doc["NetworkOrigin"],
        "Bucket": doc["Bucket"],
        "AccessPointArn": row.arn,
        "Alias": doc["Alias"],
        "BucketAccountId": doc["BucketAccountId"],
    }
    if doc.get("VpcConfiguration"):
        out["VpcConfiguration"] = doc["VpcConfiguration"]
    return out


@handler("s3control", "GetAccessPoint")
def get_access_point(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    row = ACCESS_POINTS.get(ctx, params["Name"])
    return {
        **_summary(row),
        "PublicAccessBlockConfiguration": block_of(row.document["PublicAccessBlockConfiguration"]),
        "CreationDate": row.created,
        "Endpoints": _endpoints(row.region),
    }


@handler("s3control", "DeleteAccessPoint")
def delete_access_point(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    ACCESS_POINTS.delete(ctx, ACCESS_POINTS.get(ctx, params["Name"]))
    return {}


@handler("s3control", "ListAccessPoints")
def list_access_points(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    limit = params.get("MaxResults")
    if limit is not None and not 0 <= limit <= MAX_RESULTS:
        raise invalid_request(f"MaxResults must be between 0 and {MAX_RESULTS}")
    bucket = params.get("Bucket")
    page = ACCESS_POINTS.page(
        ctx,
        limit=limit or MAX_RESULTS,
        token=params.get("NextToken"),
        invalid=invalid_token,
        parent=s3_bucket_arn(ctx, bucket) if bucket else None,
    )
    out: dict[str, Any] = {"AccessPointList": [_summary(r) for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


# -- policies ---------------------------------------------------------------------------------


def _parse_policy(text: str) -> Any:
    try:
        doc = jsontext.guarded_loads(text)
        if not isinstance(doc, dict) or not text.lstrip().startswith("{"):
            raise ValueError
    except ValueError as exc:
        raise malformed_policy("Policies must be valid JSON and the first byte must be '{'") from exc
    if not doc.get("Statement"):
        raise malformed_policy("Missing required field Statement")
    return doc


@handler("s3control", "PutAccessPointPolicy")
def put_access_point_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    row = ACCESS_POINTS.get(ctx, params["Name"])
    text = params.get("Policy") or ""
    doc = _parse_policy(text)
    if policy_is_public(doc):
        own = block_of(row.document["PublicAccessBlockConfiguration"])
        account = internal.account_block(ctx.session, ctx.account_id) or {}
        if own["BlockPublicPolicy"] or account.get("BlockPublicPolicy"):
            raise access_denied()
    ACCESS_POINTS.update(ctx, row, document={**row.document, "Policy": text})
    return {}


def _policy(ctx: RequestContext, params: dict[str, Any]) -> str:
    check_account(ctx, params)
    row = ACCESS_POINTS.get(ctx, params["Name"])
    text = row.document.get("Policy")
    if not text:
        raise no_such_access_point_policy(params["Name"])
    return str(text)


@handler("s3control", "GetAccessPointPolicy")
def get_access_point_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Policy": _policy(ctx, params)}


@handler("s3control", "GetAccessPointPolicyStatus")
def get_access_point_policy_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    text = _policy(ctx, params)
    return {"PolicyStatus": {"IsPublic": policy_is_public(jsontext.guarded_loads(text))}}


@handler("s3control", "DeleteAccessPointPolicy")
def delete_access_point_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    row = ACCESS_POINTS.get(ctx, params["Name"])
    if "Policy" in row.document:
        document = dict(row.document)
        del document["Policy"]
        ACCESS_POINTS.update(ctx, row, document=document)
    return {}
