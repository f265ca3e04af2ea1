"""Tags of certificates (AddTagsToCertificate, RemoveTagsFromCertificate, ListTagsForCertificate;
RequestCertificate's and ImportCertificate's ``Tags``), kept by the one tagging implementation
under the certificate's ARN, with ACM's limits (50 tags, keys of 128 characters, values of 256,
letters, digits, spaces and ``_.:/=+-@``; no ``aws:`` keys)."""

from __future__ import annotations

import unicodedata
from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler

from . import store
from .errors import InvalidTagException, TooManyTagsException

_ALLOWED = set("_.:/=+-@")


def _error(rule: str, detail: dict[str, Any]) -> AwsError:
    message = tagging.worded(
        rule, detail, "the TagSet: {count} tags exceed the limit of {limit} tags per certificate."
    )
    return (TooManyTagsException if rule == tagging.TOO_MANY else InvalidTagException)(message)


RULES = tagging.TagRules(error=_error, max_tags=50, max_key=128, max_value=256)


def _valid_text(text: str) -> bool:
    for ch in text:
        if ch in _ALLOWED:
            continue
        category = unicodedata.category(ch)
        if category[0] not in ("L", "N") and category not in ("Zs", "Zl", "Zp"):
            return False
    return True


def read(wire: Any) -> dict[str, str]:
    """The request's tags by key (InvalidTagException for characters ACM does not allow)."""
    tags: dict[str, str] = {}
    for item in wire or []:
        key = item.get("Key") if isinstance(item, dict) else None
        if not isinstance(key, str):
            raise InvalidTagException("Tag keys must not be empty.")
        value = item.get("Value")
        value = value if isinstance(value, str) else ""
        if not _valid_text(key):
            raise InvalidTagException(f"Tag key '{key}' contains characters that are not allowed.")
        if not _valid_text(value):
            raise InvalidTagException(f"Tag value of key '{key}' contains characters that are not allowed.")
        tags[key] = value
    return tags


def check(tags: dict[str, str]) -> None:
    """Tags a new certificate is to get, checked before anything is made."""
    for key, value in tags.items():
        if not key:
            raise _error(tagging.EMPTY_KEY, {})
        if key.lower().startswith("aws:"):
            raise _error(tagging.RESERVED, {"key": key})
        if len(key) > RULES.max_key:
            raise _error(tagging.KEY_TOO_LONG, {"key": key, "limit": RULES.max_key})
        if len(value) > RULES.max_value:
            raise _error(tagging.VALUE_TOO_LONG, {"key": key, "limit": RULES.max_value})
    if len(tags) > RULES.max_tags:
        raise _error(tagging.TOO_MANY, {"count": len(tags), "limit": RULES.max_tags})


def apply(ctx: RequestContext, arn: str, tags: dict[str, str]) -> None:
    if tags:
        tagging.tag(ctx, "acm", arn, tags, RULES)


def write(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} if v else {"Key": k} for k, v in tags.items()]


@handler("acm", "AddTagsToCertificate")
def add_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    tags = read(params["Tags"])
    check(tags)
    apply(ctx, cert.arn, tags)
    return {}


@handler("acm", "RemoveTagsFromCertificate")
def remove_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """A tag given by key alone goes whatever its value; one given with a value goes only when
    its value is that one."""
    cert = store.get(ctx, params["CertificateArn"])
    current = tagging.tags_of(ctx.session, cert.arn)
    gone: list[str] = []
    for item in params["Tags"] or []:
        key = item.get("Key") if isinstance(item, dict) else None
        if not isinstance(key, str) or key not in current:
            continue
        if "Value" in item and item.get("Value") is not None and item["Value"] != current[key]:
            continue
        gone.append(key)
    tagging.untag(ctx, cert.arn, gone)
    return {}


@handler("acm", "ListTagsForCertificate")
def list_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    return {"Tags": write(tagging.tags_of(ctx.session, cert.arn))}
