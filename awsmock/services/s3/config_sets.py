"""Bucket configurations kept by id, up to 1,000 of a kind per bucket: analytics, inventory,
metrics and S3 Intelligent-Tiering. One :class:`ConfigSet` per kind registers its Put, Get,
Delete and List handlers; a bucket's configurations of a kind are one stored document (id to
configuration), listed by id, 100 a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler

from .buckets import delete_config, get_bucket, get_config, set_config
from .errors import MalformedXML, bad_token, not_found

#: configurations of one kind a bucket may hold
MAX_CONFIGURATIONS = 1000
#: configurations in one page of a List call
PAGE_SIZE = 100


class TooManyConfigurations(AwsError):
    code = "TooManyConfigurations"
    default_message = "You are attempting to create a new configuration but have already reached the 1,000-configuration limit."


@dataclass(frozen=True)
class ConfigSet:
    name: str  # storage key of the bucket's document
    kind: str  # as the operations name it: Put/Get/DeleteBucket{kind}Configuration, ListBucket{kind}Configurations

    @property
    def member(self) -> str:
        return f"{self.kind}Configuration"


CONFIG_SETS = [
    ConfigSet("analytics", "Analytics"),
    ConfigSet("inventory", "Inventory"),
    ConfigSet("metrics", "Metrics"),
    ConfigSet("intelligent_tiering", "IntelligentTiering"),
]


def _no_such_configuration() -> AwsError:
    return not_found("NoSuchConfiguration", "The specified configuration does not exist.")


def _register(kind: ConfigSet) -> None:
    def put(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = get_bucket(ctx, params["Bucket"])
        doc = params[kind.member]
        if doc.get("Id") != params["Id"]:  # the document names another configuration
            raise MalformedXML()
        stored: dict[str, Any] = get_config(ctx, bucket, kind.name) or {}
        if params["Id"] not in stored and len(stored) >= MAX_CONFIGURATIONS:
            raise TooManyConfigurations()
        stored[params["Id"]] = doc
        set_config(ctx, bucket, kind.name, stored)
        return {}

    def get(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = get_bucket(ctx, params["Bucket"])
        doc = (get_config(ctx, bucket, kind.name) or {}).get(params["Id"])
        if doc is None:
            raise _no_such_configuration()
        return {kind.member: doc}

    def delete(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = get_bucket(ctx, params["Bucket"])
        stored: dict[str, Any] = get_config(ctx, bucket, kind.name) or {}
        if stored.pop(params["Id"], None) is None:
            raise _no_such_configuration()
        if stored:
            set_config(ctx, bucket, kind.name, stored)
        else:
            delete_config(ctx, bucket, kind.name)
        return {}

    def list_(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = get_bucket(ctx, params["Bucket"])
        stored: dict[str, Any] = get_config(ctx, bucket, kind.name) or {}
        token = params.get("ContinuationToken")
        found = pager.page_list(
            sorted(stored),
            key=str,
            limit=PAGE_SIZE,
            token=token,
            scope=f"ListBucket{kind.kind}Configurations/{bucket.name}",
            invalid=bad_token,
        )
        out: dict[str, Any] = {"IsTruncated": found.token is not None}
        if found.rows:
            out[f"{kind.member}List"] = [stored[i] for i in found.rows]
        if token is not None:
            out["ContinuationToken"] = token
        if found.token is not None:
            out["NextContinuationToken"] = found.token
        return out

    handler("s3", f"PutBucket{kind.kind}Configuration")(put)
    handler("s3", f"GetBucket{kind.kind}Configuration")(get)
    handler("s3", f"DeleteBucket{kind.kind}Configuration")(delete)
    handler("s3", f"ListBucket{kind.kind}Configurations")(list_)


for _kind in CONFIG_SETS:
    _register(_kind)
