"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. An alias is a row of kind
``alias`` (id and name: ``alias/...``; parent: its key's ARN; document: ``TargetKeyId``)."""

from __future__ import annotations

import re
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import constraint_message
from awsmock.engine.registry import handler

from .errors import (
    AlreadyExistsException,
    InvalidAliasNameException,
    InvalidMarkerException,
    NotFoundException,
    validation,
)
from .lookup import ALIASES, Key, alias_target, purge, require_manageable, resolve

_PATTERN = re.compile(r"^[a-zA-Z0-9:/_-]+$")


def _check_name(name: str) -> None:
    if not _PATTERN.match(name):
        raise validation(
            constraint_message(
                name, "aliasName", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
            )
        )
    if not name.startswith("alias/"):
        raise validation(
            'Alias must start with the prefix "alias/". Please see '
            "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
        )
    if name.startswith("alias/aws/"):
        raise InvalidAliasNameException("Alias must not begin with the reserved prefix alias/aws/.")


def _target(ctx: RequestContext, identifier: str) -> Key:
    if identifier.startswith("alias/") or (identifier.startswith("arn:") and ":alias/" in identifier):
        raise validation("Aliases must refer to keys. Not aliases")
    key = resolve(ctx, identifier)
    require_manageable(key)
    return key


def _kind(key: Key) -> tuple[str, str]:
    return key.spec.family if key.spec.family in ("symmetric", "hmac") else "asymmetric", key.usage


@handler("kms", "CreateAlias")
def create_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    _check_name(name)
    purge(ctx)
    key = _target(ctx, params["TargetKeyId"])
    if ALIASES.find(ctx, name) is not None:
        raise AlreadyExistsException(f"An alias with the name {ctx.arn('kms', name)} already exists")
    ALIASES.create(ctx, rid=name, name=name, parent=key.arn, document={"TargetKeyId": key.id})
    return {}


@handler("kms", "UpdateAlias")
def update_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    _check_name(name)
    purge(ctx)
    alias = ALIASES.find(ctx, name)
    if alias is None:
        raise NotFoundException(f"Alias {ctx.arn('kms', name)} is not found.")
    key = _target(ctx, params["TargetKeyId"])
    old = alias_target(ctx, alias.arn)
    if old is not None and _kind(old) != _kind(key):
        raise validation(
            f"{key.arn} is not the same key type and key usage as the alias's current key {old.arn}. "
            "An alias can be moved only to a key of the same type and key usage."
        )
    alias.parent = key.arn
    ALIASES.update(ctx, alias, document={"TargetKeyId": key.id})
    return {}


@handler("kms", "DeleteAlias")
def delete_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    if not name.startswith("alias/"):
        _check_name(name)
    if name.startswith("alias/aws/"):
        raise InvalidAliasNameException("Alias must not begin with the reserved prefix alias/aws/.")
    purge(ctx)
    alias = ALIASES.find(ctx, name)
    if alias is None:
        raise NotFoundException(f"Alias {ctx.arn('kms', name)} is not found.")
    ALIASES.delete(ctx, alias)
    return {}


@handler("kms", "ListAliases")
def list_aliases(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    parent = None
    if params.get("KeyId"):
        identifier = params["KeyId"]
        if identifier.startswith("alias/") or ":alias/" in identifier:
            raise validation("KeyId must be a key id or a key ARN, not an alias.")
        parent = resolve(ctx, identifier).arn
    page = ALIASES.page(
        ctx,
        limit=params.get("Limit") or 100,
        token=params.get("Marker"),
        invalid=lambda _t: InvalidMarkerException(),
        parent=parent,
    )
    entries = []
    for row in page.rows:
        if alias_target(ctx, row.arn) is None:  # its key's deletion date has passed
            continue
        entries.append(
            {
                "AliasName": row.rid,
                "AliasArn": row.arn,
                "TargetKeyId": row.document["TargetKeyId"],
                "CreationDate": row.created,
                "LastUpdatedDate": row.updated,
            }
        )
    out: dict[str, Any] = {"Aliases": entries, "Truncated": page.token is not None}
    if page.token:
        out["NextMarker"] = page.token
    return out
