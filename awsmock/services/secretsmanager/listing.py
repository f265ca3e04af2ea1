"""ListSecrets: the secrets of the caller's account and Region, filtered, sorted and paged.

Filters, as Secrets Manager documents them:

* ``name``, ``tag-key``, ``tag-value``, ``primary-region``, ``owning-service``: the beginning of
  the attribute, case-sensitive;
* ``description``: the words of the description, not case-sensitive (``My Description`` matches
  "Description of my secret");
* ``all``: the value is broken into words (at every change from upper to lower case, from
  letter to digit, and at punctuation), and a secret matches when one of them begins a word of
  its name, description, tag keys or tag values; not case-sensitive;
* a value beginning with ``!`` negates; the values of one filter are alternatives, the filters
  all apply.

Secrets scheduled for deletion are left out unless ``IncludePlannedDeletion``; those whose
recovery window has ended are gone. Sorted by ``SortBy`` (creation date by default) in
``SortOrder`` (ascending by default), ties by name; pages continue after the last key of the page
before, so secrets created or deleted meanwhile neither repeat nor shift the list.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from awsmock.engine import pager, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError, constraint_message
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource

from . import store
from .errors import InvalidNextTokenException, missing, validation
from .secrets import list_entry
from .store import SECRETS, Secret

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
#: the model's pattern for a filter value (the JSON protocol leaves patterns to the service)
_FILTER_VALUE = r"^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$"


def words(text: str) -> list[str]:
    """``credsDatabase#892`` -> ``creds``, ``database``, ``892`` (lower-cased)."""
    return [w.lower() for w in _WORD.findall(text)]


def _prefixed(candidates: Iterable[str], value: str) -> bool:
    return any(c.startswith(value) for c in candidates)


def _word_match(attribute_words: list[str], value: str, *, every: bool) -> bool:
    wanted = words(value)
    if not wanted:
        return False
    hits = (_prefixed(attribute_words, w) for w in wanted)
    return all(hits) if every else any(hits)


def _matcher(key: str, value: str, secret: Secret, tags: dict[str, str]) -> bool:
    doc = secret.doc
    if key == "name":
        return secret.name.startswith(value)
    if key == "tag-key":
        return _prefixed(tags, value)
    if key == "tag-value":
        return _prefixed(tags.values(), value)
    if key == "primary-region":
        return str(doc.get("PrimaryRegion") or "").startswith(value) if doc.get("PrimaryRegion") else False
    if key == "owning-service":
        return str(doc.get("OwningService") or "").startswith(value) if doc.get("OwningService") else False
    if key == "description":
        return _word_match(words(doc.get("Description") or ""), value, every=True)
    # all
    attribute_words = words(secret.name) + words(doc.get("Description") or "")
    for k, v in tags.items():
        attribute_words += words(k) + words(v)
    return _word_match(attribute_words, value, every=False)


def _passes(filters: list[dict[str, Any]], secret: Secret, tags: dict[str, str]) -> bool:
    for flt in filters:
        key = flt["Key"]
        ok = False
        for raw in flt["Values"]:
            negated = raw.startswith("!")
            value = raw[1:] if negated else raw
            if _matcher(key, value, secret, tags) != negated:
                ok = True
                break
        if not ok:
            return False
    return True


def check_filters(filters: list[dict[str, Any]] | None) -> None:
    """Filter values must match the model's pattern (ValidationException, in AWS's words)."""
    for i, flt in enumerate(filters or []):
        if flt.get("Key") is None:
            raise missing(f"filters.{i + 1}.member.key")
        if flt.get("Values") is None:
            raise missing(f"filters.{i + 1}.member.values")
        for j, value in enumerate(flt["Values"]):
            if not re.fullmatch(_FILTER_VALUE[1:-1], value):
                raise validation(
                    constraint_message(
                        value,
                        f"filters.{i + 1}.member.values.{j + 1}.member",
                        f"Member must satisfy regular expression pattern: {_FILTER_VALUE}",
                    )
                )


def matching(
    ctx: RequestContext, filters: list[dict[str, Any]] | None, *, include_deleted: bool
) -> list[Secret]:
    """The caller's secrets that pass ``filters`` (scheduled deletions only when asked)."""
    rows = ctx.session.scalars(
        select(Resource).where(
            Resource.service == store.SERVICE,
            Resource.kind == SECRETS.kind,
            Resource.account_id == ctx.account_id,
            Resource.region == ctx.region,
        )
    ).all()
    found = [Secret(r) for r in rows]
    found = [s for s in found if not s.expired(ctx.now) and (include_deleted or not s.deleted)]
    if not filters:
        return found
    tags = tagging.tags_of_many(ctx.session, [s.arn for s in found])
    return [s for s in found if _passes(filters, s, tags.get(s.arn, {}))]


def _sort_key(sort_by: str) -> Callable[[Secret], list[str]]:
    def key(secret: Secret) -> list[str]:
        doc = secret.doc
        if sort_by == "name":
            return [secret.name]
        if sort_by == "last-changed-date":
            first = doc.get("LastChangedDate") or store.stamp(secret.row.created)
        elif sort_by == "last-accessed-date":
            first = doc.get("LastAccessedDate") or ""
        else:
            first = store.stamp(secret.row.created)
        return [first, secret.name]

    return key


def _invalid(token: str) -> AwsError:
    return InvalidNextTokenException()


def page(
    ctx: RequestContext,
    *,
    filters: list[dict[str, Any]] | None,
    limit: int,
    token: str | None,
    scope: str,
    sort_by: str = "created-date",
    order: str = "asc",
    include_deleted: bool = False,
) -> pager.Page[Secret]:
    """One page of the matching secrets, sorted, after the key ``token`` carries."""
    check_filters(filters)
    digest = hashlib.sha256(
        json.dumps([filters or [], sort_by, order, include_deleted], sort_keys=True).encode()
    ).hexdigest()[:16]
    scope = f"{scope}:{digest}"
    key = _sort_key(sort_by)
    items = sorted(matching(ctx, filters, include_deleted=include_deleted), key=key, reverse=order == "desc")
    start = 0
    if token:
        after = pager.decode(token, scope, _invalid)
        if order == "desc":
            start = next((i for i, s in enumerate(items) if key(s) < after), len(items))
        else:
            start = next((i for i, s in enumerate(items) if key(s) > after), len(items))
    rows = items[start : start + limit]
    more = start + limit < len(items)
    return pager.Page(rows, pager.encode(scope, key(rows[-1])) if more and rows else None)


@handler("secretsmanager", "ListSecrets")
def list_secrets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = page(
        ctx,
        filters=params.get("Filters"),
        limit=params.get("MaxResults") or 100,
        token=params.get("NextToken"),
        scope="ListSecrets",
        sort_by=params.get("SortBy") or "created-date",
        order=params.get("SortOrder") or "asc",
        include_deleted=bool(params.get("IncludePlannedDeletion")),
    )
    out: dict[str, Any] = {"SecretList": [list_entry(ctx, s) for s in found.rows]}
    if found.token:
        out["NextToken"] = found.token
    return out
