"""The account's public access block (Get/Put/DeletePublicAccessBlock of S3 Control): four
settings S3 combines with each bucket's own block, the most restrictive winning, whenever it
decides about a public ACL or policy (through :mod:`.internal`)."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import NoSuchPublicAccessBlockConfiguration, invalid_request
from .lookup import ACCOUNT_BLOCKS, block_of, check_account


@handler("s3control", "PutPublicAccessBlock")
def put_public_access_block(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    config = params.get("PublicAccessBlockConfiguration")
    if not isinstance(config, dict):
        raise invalid_request("Missing required field PublicAccessBlockConfiguration")
    block = block_of(config)
    row = ACCOUNT_BLOCKS.find(ctx, ctx.account_id)
    if row is None:
        ACCOUNT_BLOCKS.create(ctx, rid=ctx.account_id, document=block)
    else:
        ACCOUNT_BLOCKS.update(ctx, row, document=block)
    return {}


@handler("s3control", "GetPublicAccessBlock")
def get_public_access_block(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    row = ACCOUNT_BLOCKS.find(ctx, ctx.account_id)
    if row is None:
        raise NoSuchPublicAccessBlockConfiguration()
    return {"PublicAccessBlockConfiguration": block_of(row.document)}


@handler("s3control", "DeletePublicAccessBlock")
def delete_public_access_block(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_account(ctx, params)
    row = ACCOUNT_BLOCKS.find(ctx, ctx.account_id)
    if row is not None:
        ACCOUNT_BLOCKS.delete(ctx, row)
    return {}
