"""IAM's tags, kept by :mod:`awsmock.engine.tagging` in the shared tag table under each entity's
ARN (a virtual MFA device's serial number is its ARN), with IAM's limits and words.

IAM treats tag keys regardless of case: a request's key replaces a key the entity has in
another case (taking the request's spelling), untagging removes a key in any case, and a
Create* request may not name one key twice. List*Tags answer in key order, as IAM documents
("The returned list of tags is sorted by tag key").

An entity's tags go when the entity does (:func:`drop`), and follow it when a rename changes
its ARN (:func:`moved`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .errors import InvalidInput, LimitExceeded, validation

SERVICE = "iam"
MAX_TAGS, MAX_KEY, MAX_VALUE = 50, 128, 256

#: a request's tags as the wire has them
Wire = Sequence[Mapping[str, str]]


def _rules(request: Wire) -> tagging.TagRules:
    """IAM's limits, refused in IAM's words; a broken length names the member of ``request``
    that breaks it, as IAM's validation does."""

    def position(detail: dict[str, Any]) -> int:
        keys = [t["Key"] for t in request]
        return keys.index(detail["key"]) + 1 if detail.get("key") in keys else 1

    def refusal(rule: str, detail: dict[str, Any]) -> AwsError:
        if rule == tagging.TOO_MANY:
            return LimitExceeded("The number of tags has reached the maximum limit.")
        if rule == tagging.VALUE_TOO_LONG:
            member = f"tags.{position(detail)}.member.value"
            return validation(
                detail["value"], member, f"Member must have length less than or equal to {MAX_VALUE}"
            )
        member = f"tags.{position(detail)}.member.key"
        if rule == tagging.KEY_TOO_LONG:
            return validation(
                detail["key"], member, f"Member must have length less than or equal to {MAX_KEY}"
            )
        return validation(detail["key"], member, "Member must have length greater than or equal to 1")

    return tagging.TagRules(
        error=refusal, max_tags=MAX_TAGS, max_key=MAX_KEY, max_value=MAX_VALUE, reserved_prefix=None
    )


RULES = _rules(())


def _merged(current: Mapping[str, str], request: Wire | None) -> dict[str, str]:
    """``current`` with the request's tags added; a key in another case takes the new spelling."""
    tags = dict(current)
    spelled = {k.lower(): k for k in tags}
    for t in request or []:
        key = t["Key"]
        old = spelled.get(key.lower())
        if old is not None and old != key:
            tags.pop(old)
        tags[key] = t.get("Value", "")
        spelled[key.lower()] = key
    return tags


def checked(request: Wire | None) -> dict[str, str]:
    """A Create* request's ``Tags``, refused when they name a key twice (in any case) or are too
    many, before anything is created."""
    seen: set[str] = set()
    for t in request or []:
        if t["Key"].lower() in seen:
            raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        seen.add(t["Key"].lower())
    tags = _merged({}, request)
    if len(tags) > MAX_TAGS:
        raise RULES.error(tagging.TOO_MANY, {"limit": MAX_TAGS, "count": len(tags)})
    return tags


def created(ctx: RequestContext, arn: str, tags: Mapping[str, str], request: Wire | None = None) -> None:
    """A new entity's tags (exactly these: nothing an earlier entity of its ARN left counts)."""
    tagging.replace(ctx, SERVICE, arn, tags, _rules(request or ()))


def add(ctx: RequestContext, arn: str, request: Wire | None) -> None:
    """Tag*: the request's tags added to the entity's."""
    current = tagging.tags_of(ctx.session, arn)
    tagging.replace(ctx, SERVICE, arn, _merged(current, request), _rules(request or ()))


def remove(ctx: RequestContext, arn: str, keys: Iterable[str] | None) -> None:
    """Untag*: the entity's tags with these keys, in any case, removed."""
    gone = {k.lower() for k in keys or []}
    tagging.untag(ctx, arn, [k for k in tagging.tags_of(ctx.session, arn) if k.lower() in gone])


def moved(ctx: RequestContext, old_arn: str, new_arn: str) -> None:
    """A rename changed the entity's ARN: its tags go with it."""
    if old_arn == new_arn:
        return
    tags = tagging.tags_of(ctx.session, old_arn)
    tagging.drop(ctx.session, old_arn)
    tagging.replace(ctx, SERVICE, new_arn, tags, RULES)


def drop(ctx: RequestContext, arn: str) -> None:
    """The entity is gone, and so are its tags."""
    tagging.drop(ctx.session, arn)


def _wire(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def listed(session: Session, arn: str) -> list[dict[str, str]]:
    """The entity's tags as IAM answers them: ``[{"Key", "Value"}]`` by key."""
    return _wire(tagging.tags_of(session, arn))


def listed_many(session: Session, arns: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """:func:`listed` for several entities at once (those without tags are left out)."""
    return {arn: _wire(tags) for arn, tags in tagging.tags_of_many(session, arns).items()}


def with_tags(out: dict[str, Any], tags: list[dict[str, str]]) -> dict[str, Any]:
    """``out`` given a ``Tags`` member when there are tags (IAM leaves it out otherwise)."""
    if tags:
        out["Tags"] = tags
    return out


def tagged(session: Session, out: dict[str, Any], arn: str) -> dict[str, Any]:
    """``out`` with the tags of the entity ``arn`` (when it has some)."""
    return with_tags(out, listed(session, arn))
