"""Storage Lens configurations (Put/Get/Delete/ListStorageLensConfigurations) and their tags
(Put/Get/DeleteStorageLensConfigurationTagging): each kept as the user put it, under the id in
the request's path, with the ARN and home region S3 Control gives it."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler

from .errors import invalid_request, invalid_token
from .lookup import LENSES, check_account

PAGE = 1000
MAX_TAGS = 50


def _tag_error(rule: str, detail: dict[str, Any]) -> AwsError:
    if rule == tagging.TOO_MANY:  # (S3 Control's words for its tag limit)
        return AwsError(
            f"The number of tags exceeds the limit of {MAX_TAGS} tags. Remove some tags and try again.",
            code="TooManyTags",
            status=400,
        )
    return AwsError(tagging.worded(rule, detail, ""), code="InvalidTag", status=400)


RULES = tagging.TagRules(
    error=_tag_error, max_tags=MAX_TAGS, max_key=128, max_value=256, reserved_prefix="aws:"
)


def _tags(params: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in params.get("Tags") or []}


@handler("s3control", "PutStorageLensConfiguration")
def put_storage_lens_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    config_id = params["ConfigId"]
    config = dict(params.get("StorageLensConfiguration") or {})
    if not config:
        raise invalid_request("Missing required field StorageLensConfiguration")
    if config.get("Include") and config.get("Exclude"):
        raise invalid_request("Include and Exclude cannot both be specified")
    config["StorageLensArn"] = LENSES.arn_of(ctx, config_id)
    row = LENSES.find(ctx, config_id)
    if row is None:
        row = LENSES.create(ctx, rid=config_id, name=config_id, document=config)
    else:
        LENSES.update(ctx, row, document=config)
    if params.get("Tags") is not None:
        tagging.replace(ctx, "s3control", row.arn, _tags(params), RULES)
    return {}


@handler("s3control", "GetStorageLensConfiguration")
def get_storage_lens_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    return {"StorageLensConfiguration": LENSES.get(ctx, params["ConfigId"]).document}


@handler("s3control", "DeleteStorageLensConfiguration")
def delete_storage_lens_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    LENSES.delete(ctx, LENSES.get(ctx, params["ConfigId"]))
    return {}


@handler("s3control", "ListStorageLensConfigurations")
def list_storage_lens_configurations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    page = LENSES.page(ctx, limit=PAGE, token=params.get("NextToken"), invalid=invalid_token)
    out: dict[str, Any] = {
        "StorageLensConfigurationList": [
            {
                "Id": r.rid,
                "StorageLensArn": r.arn,
                "HomeRegion": r.region,
                "IsEnabled": bool(r.document.get("IsEnabled")),
            }
            for r in page.rows
        ]
    }
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("s3control", "PutStorageLensConfigurationTagging")
def put_storage_lens_configuration_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    row = LENSES.get(ctx, params["ConfigId"])
    tagging.replace(ctx, "s3control", row.arn, _tags(params), RULES)
    return {}


@handler("s3control", "GetStorageLensConfigurationTagging")
def get_storage_lens_configuration_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    row = LENSES.get(ctx, params["ConfigId"])
    tags = tagging.tags_of(ctx.session, row.arn)
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}


@handler("s3control", "DeleteStorageLensConfigurationTagging", write=True)
def delete_storage_lens_configuration_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    tagging.drop(ctx.session, LENSES.get(ctx, params["ConfigId"]).arn)
    return {}
