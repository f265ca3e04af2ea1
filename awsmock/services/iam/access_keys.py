"""Access keys of IAM users (at most two per user), and when each was last used."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.auth.keys import access_key_id, secret_access_key
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamAccessKey, IamUser

from .common import caller_user, check_status, count, owned, page_query
from .errors import LimitExceeded, NoSuchEntity

KEYS_PER_USER = 2


def _key(ctx: RequestContext, user: IamUser, key_id: str) -> IamAccessKey:
    return owned(ctx.session, IamAccessKey, key_id, _missing(key_id), user_pk=user.pk)


def _missing(key_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Access Key with id {key_id} cannot be found.")


@handler("iam", "CreateAccessKey")
def create_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    if count(ctx.session, IamAccessKey, IamAccessKey.user_pk == user.pk) >= KEYS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {KEYS_PER_USER}")
    key = IamAccessKey(
        access_key_id=access_key_id(ctx.account_id),
        account_id=ctx.account_id,
        user_pk=user.pk,
        secret=secret_access_key(),
        status="Active",
        create_date=ctx.now,
    )
    ctx.session.add(key)
    return {
        "AccessKey": {
            "UserName": user.name,
            "AccessKeyId": key.access_key_id,
            "Status": key.status,
            "SecretAccessKey": key.secret,
            "CreateDate": key.create_date,
        }
    }


@handler("iam", "ListAccessKeys")
def list_access_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    q = select(IamAccessKey).where(IamAccessKey.user_pk == user.pk)
    keys = (IamAccessKey.create_date, IamAccessKey.access_key_id)
    page, meta = page_query(ctx, q, params, keys=keys, owner=user)
    return {
        "AccessKeyMetadata": [
            {
                "UserName": user.name,
                "AccessKeyId": k.access_key_id,
                "Status": k.status,
                "CreateDate": k.create_date,
            }
            for k in page
        ],
        **meta,
    }


@handler("iam", "UpdateAccessKey")
def update_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    status = check_status(params["Status"])
    _key(ctx, user, params["AccessKeyId"]).status = status
    return {}


@handler("iam", "DeleteAccessKey")
def delete_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    ctx.session.delete(_key(ctx, user, params["AccessKeyId"]))
    return {}


@handler("iam", "GetAccessKeyLastUsed")
def get_access_key_last_used(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key_id = params["AccessKeyId"]
    key = owned(ctx.session, IamAccessKey, key_id, _missing(key_id), account_id=ctx.account_id)
    user = ctx.session.get(IamUser, key.user_pk)
    last: dict[str, Any] = {"ServiceName": "N/A", "Region": "N/A"}
    if key.last_used_date is not None:
        last = {
            "LastUsedDate": key.last_used_date,
            "ServiceName": key.last_used_service or "N/A",
            "Region": key.last_used_region or "N/A",
        }
    return {"UserName": user.name if user else "", "AccessKeyLastUsed": last}
