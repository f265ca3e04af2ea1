"""Multi-Region Access Points: one name and alias in front of buckets in several regions.

Their changes are asynchronous requests, as in AWS: CreateMultiRegionAccessPoint,
DeleteMultiRegionAccessPoint and PutMultiRegionAccessPointPolicy answer a request token ARN at
once, and DescribeMultiRegionAccessPointOperation tells how the request ended. Here a request
has ended when it is answered: SUCCEEDED, or FAILED with the error AWS reports for asynchronous
requests (a name already taken, a bucket that does not exist, two buckets in one region, a
malformed or refused policy). A repeated request with the same client token is the first one.
GetMultiRegionAccessPoint, ListMultiRegionAccessPoints and the policy reads answer at once.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.services.s3 import internal as s3
from awsmock.state import jsontext

from . import internal
from .errors import invalid_request, invalid_token
from .lookup import BLOCK_FIELDS, block_of, check_account
from .publicness import policy_is_public

#: the region S3 serves Multi-Region Access Points' requests from
CONTROL_REGION = "us-west-2"
MAX_RESULTS = 100

#: asynchronous errors, as AWS words them (they come back with the request's description)
ASYNC_ERRORS = {
    "AccessDenied": "Access denied.",
    "MalformedPolicy": "The specified policy syntax is not valid.",
    "MultiRegionAccessPointAlreadyOwnedByYou": "You already have a Multi-Region Access Point with the same name.",
    "MultiRegionAccessPointSameBucketRegion": (
        "The buckets used to create a Multi-Region Access Point cannot be in the same Region."
    ),
    "NoSuchBucket": "The specified bucket does not exist.",
    "NoSuchMultiRegionAccessPoint": "The specified Multi-Region Access Point does not exist.",
}


def _no_such(name: str) -> AwsError:
    return AwsError(
        ASYNC_ERRORS["NoSuchMultiRegionAccessPoint"], code="NoSuchMultiRegionAccessPoint", status=404
    )


POINTS = resources.Kind(
    "s3control",
    "mrap",
    arn=lambda ctx, rid: ctx.arn("s3", f"accesspoint/{rid}", region=""),
    not_found=_no_such,
    regional=False,
    title="S3 Multi-Region Access Points",
)

REQUESTS = resources.Kind(
    "s3control",
    "mrap-request",
    arn=lambda ctx, rid: ctx.arn("s3", f"async-request/mrap/{rid}", region=CONTROL_REGION),
    not_found=lambda rid: AwsError(
        "The specified async request does not exist.", code="NoSuchAsyncRequest", status=404
    ),
    regional=False,
)


class _Failed(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _alias(ctx: RequestContext, name: str) -> str:
    digest = hashlib.sha256(f"{ctx.account_id}:{name}:{ctx.now.isoformat()}".encode()).digest()
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(letters[b % 36] for b in digest[:13]) + ".mrap"


def _create(ctx: RequestContext, details: dict[str, Any]) -> dict[str, Any]:
    name = details.get("Name") or ""
    if POINTS.find(ctx, name) is not None:
        raise _Failed("MultiRegionAccessPointAlreadyOwnedByYou")
    regions, seen = [], set()
    for region in details.get("Regions") or []:
        bucket, owner = region.get("Bucket") or "", region.get("BucketAccountId") or ctx.account_id
        try:
            row = s3.owned_bucket(ctx, bucket)
        except AwsError as exc:
            raise _Failed("NoSuchBucket" if exc.code == "NoSuchBucket" else "AccessDenied") from exc
        if row.account_id != owner:
            raise _Failed("AccessDenied")
        if row.region in seen:
            raise _Failed("MultiRegionAccessPointSameBucketRegion")
        seen.add(row.region)
        regions.append({"Bucket": bucket, "Region": row.region, "BucketAccountId": owner})
    given = details.get("PublicAccessBlock")
    block = block_of(given) if given is not None else dict.fromkeys(BLOCK_FIELDS, True)
    POINTS.create(
        ctx,
        rid=name,
        name=name,
        document={"Alias": _alias(ctx, name), "PublicAccessBlock": block, "Regions": regions},
    )
    return {"Regions": [{"Name": r["Region"], "RequestStatus": "COMPLETED"} for r in regions]}


def _delete(ctx: RequestContext, details: dict[str, Any]) -> dict[str, Any]:
    row = POINTS.find(ctx, details.get("Name") or "")
    if row is None:
        raise _Failed("NoSuchMultiRegionAccessPoint")
    regions = row.document["Regions"]
    POINTS.delete(ctx, row)
    return {"Regions": [{"Name": r["Region"], "RequestStatus": "COMPLETED"} for r in regions]}


def _put_policy(ctx: RequestContext, details: dict[str, Any]) -> dict[str, Any]:
    row = POINTS.find(ctx, details.get("Name") or "")
    if row is None:
        raise _Failed("NoSuchMultiRegionAccessPoint")
    text = details.get("Policy") or ""
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or not doc.get("Statement"):
        raise _Failed("MalformedPolicy")
    if policy_is_public(doc):
        account = internal.account_block(ctx.session, ctx.account_id) or {}
        if row.document["PublicAccessBlock"]["BlockPublicPolicy"] or account.get("BlockPublicPolicy"):
            raise _Failed("AccessDenied")
    POINTS.update(ctx, row, document={**row.document, "Policy": text})
    return {"Regions": [{"Name": r["Region"], "RequestStatus": "COMPLETED"} for r in row.document["Regions"]]}


_ACTIONS = {
    "CreateMultiRegionAccessPoint": ("create", "CreateMultiRegionAccessPointRequest", _create),
    "DeleteMultiRegionAccessPoint": ("delete", "DeleteMultiRegionAccessPointRequest", _delete),
    "PutMultiRegionAccessPointPolicy": ("put-policy", "PutMultiRegionAccessPointPolicyRequest", _put_policy),
}


def _request(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Run an asynchronous request (or find the one with its client token) and answer its ARN."""
    check_account(ctx, params)
    kind, member, run = _ACTIONS[ctx.operation]
    details = params.get("Details")
    if not isinstance(details, dict) or not details.get("Name"):
        raise invalid_request("Missing required field Name")
    token = params.get("ClientToken") or ""
    rid = f"{kind}/{uuid.uuid5(uuid.NAMESPACE_URL, f'{ctx.account_id}:{kind}:{token}') if token else uuid.uuid4()}"
    earlier = REQUESTS.find(ctx, rid)
    if earlier is not None:
        return {"RequestTokenARN": earlier.arn}
    outcome: dict[str, Any]
    try:  # (each action checks everything before it writes: a failed one leaves nothing)
        outcome = {
            "RequestStatus": "SUCCEEDED",
            "ResponseDetails": {"MultiRegionAccessPointDetails": run(ctx, details)},
        }
    except _Failed as failed:
        outcome = {
            "RequestStatus": "FAILED",
            "ResponseDetails": {
                "ErrorDetails": {
                    "Code": failed.code,
                    "Message": ASYNC_ERRORS[failed.code],
                    "RequestId": ctx.request_id,
                }
            },
        }
    row = REQUESTS.create(
        ctx,
        rid=rid,
        document={"Operation": ctx.operation, "RequestParameters": {member: details}, **outcome},
    )
    return {"RequestTokenARN": row.arn}


for _operation in _ACTIONS:
    handler("s3control", _operation)(_request)


@handler("s3control", "DescribeMultiRegionAccessPointOperation")
def describe_operation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    arn = params["RequestTokenARN"]
    row = REQUESTS.by_arn(ctx, arn)
    if row is None or row.account_id != ctx.account_id:
        raise REQUESTS.not_found(arn)
    return {"AsyncOperation": {"CreationTime": row.created, "RequestTokenARN": row.arn, **row.document}}


def _report(row: Any) -> dict[str, Any]:
    doc = row.document
    return {
        "Name": row.rid,
        "Alias": doc["Alias"],
        "CreatedAt": row.created,
        "PublicAccessBlock": doc["PublicAccessBlock"],
        "Status": "READY",
        "Regions": doc["Regions"],
    }


@handler("s3control", "GetMultiRegionAccessPoint")
def get_multi_region_access_point(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    return {"AccessPoint": _report(POINTS.get(ctx, params["Name"]))}


@handler("s3control", "ListMultiRegionAccessPoints")
def list_multi_region_access_points(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    limit = params.get("MaxResults")
    if limit is not None and not 0 <= limit <= MAX_RESULTS:
        raise invalid_request(f"MaxResults must be between 0 and {MAX_RESULTS}")
    page = POINTS.page(ctx, limit=limit or MAX_RESULTS, token=params.get("NextToken"), invalid=invalid_token)
    out: dict[str, Any] = {"AccessPoints": [_report(r) for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("s3control", "GetMultiRegionAccessPointPolicy")
def get_multi_region_access_point_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    text = POINTS.get(ctx, params["Name"]).document.get("Policy")
    return {"Policy": {"Established": {"Policy": text}, "Proposed": {"Policy": text}} if text else {}}


@handler("s3control", "GetMultiRegionAccessPointPolicyStatus")
def get_multi_region_access_point_policy_status(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    check_account(ctx, params)
    text = POINTS.get(ctx, params["Name"]).document.get("Policy")
    return {"Established": {"IsPublic": bool(text) and policy_is_public(jsontext.guarded_loads(text))}}
