"""One tagging implementation for every service: tags of any resource, kept in the shared tag
table by the resource's ARN (:class:`awsmock.models.resources.Tag`), checked against the
service's limits and refused in the service's words.

    RULES = TagRules(error=lambda rule, detail: InvalidParameterValue(...))
    tagging.tag(ctx, "sqs", queue_arn, {"team": "a"}, RULES)
    tagging.untag(ctx, queue_arn, ["team"])
    tagging.tags_of(ctx.session, queue_arn)        # {"team": "a"}
    tagging.replace(ctx, "s3", bucket_arn, {...}, RULES)   # a whole new set (PutBucketTagging)
    tagging.drop(ctx.session, queue_arn)           # the resource is gone

A service whose model has the usual operations (``TagResource``, ``UntagResource``,
``ListTagsForResource``) gets them with :func:`register_operations`, which reads from the model
which member names the resource and how tags are spelled (a list of ``{Key, Value}`` under any
names, or a map).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from awsmock.engine import registry, specs
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.resources import Tag

__all__ = [
    "TagRules",
    "drop",
    "register_operations",
    "replace",
    "tag",
    "tags_of",
    "tags_of_many",
    "untag",
    "worded",
]

#: rules a tag can break (the ``rule`` a :class:`TagRules` error receives)
TOO_MANY, KEY_TOO_LONG, VALUE_TOO_LONG, RESERVED, EMPTY_KEY = (
    "too_many",
    "key_too_long",
    "value_too_long",
    "reserved",
    "empty_key",
)


@dataclass(frozen=True)
class TagRules:
    """A service's limits on tags, and its error for each broken rule: ``error(rule, detail)``
    where ``detail`` holds ``key``, ``value``, ``limit``, ``count`` as they apply."""

    error: Callable[[str, dict[str, Any]], AwsError]
    max_tags: int = 50
    max_key: int = 128
    max_value: int = 256
    #: keys starting with this are AWS's own (None: any key)
    reserved_prefix: str | None = "aws:"


def tags_of(session: Session, arn: str) -> dict[str, str]:
    """The tags of the resource ``arn``, by key."""
    rows = session.execute(select(Tag.key, Tag.value).where(Tag.arn == arn).order_by(Tag.key))
    return {key: value for key, value in rows}


def tags_of_many(session: Session, arns: Iterable[str]) -> dict[str, dict[str, str]]:
    """The tags of each of the resources ``arns`` (resources without tags are left out)."""
    wanted = list(arns)
    out: dict[str, dict[str, str]] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Tag.arn, Tag.key, Tag.value)
            .where(Tag.arn.in_(wanted[start : start + 500]))
            .order_by(Tag.key)
        )
        for arn, key, value in rows:
            out.setdefault(arn, {})[key] = value
    return out


def worded(rule: str, detail: dict[str, Any], too_many: str) -> str:
    """The plain wording of a broken rule, for services whose documentation gives no words of
    their own; ``too_many`` is the service's sentence for :data:`TOO_MANY` (it may use
    ``{count}`` and ``{limit}``)."""
    if rule == TOO_MANY:
        return too_many.format(**detail)
    if rule == RESERVED:
        return f"Tag key '{detail['key']}' uses the reserved prefix aws: and cannot be used."
    if rule == KEY_TOO_LONG:
        return f"Tag key '{detail['key']}' exceeds the maximum length of {detail['limit']} characters."
    if rule == VALUE_TOO_LONG:
        return (
            f"Tag value of key '{detail['key']}' exceeds the maximum length of {detail['limit']} characters."
        )
    return "Tag keys must not be empty."


def _check(tags: Mapping[str, str], rules: TagRules) -> None:
    for key, value in tags.items():
        if not key:
            raise rules.error(EMPTY_KEY, {"key": key, "value": value})
        if len(key) > rules.max_key:
            raise rules.error(KEY_TOO_LONG, {"key": key, "value": value, "limit": rules.max_key})
        if len(value) > rules.max_value:
            raise rules.error(VALUE_TOO_LONG, {"key": key, "value": value, "limit": rules.max_value})
        if rules.reserved_prefix and key.lower().startswith(rules.reserved_prefix):
            raise rules.error(RESERVED, {"key": key, "value": value})


def tag(
    ctx: RequestContext, service: str, arn: str, tags: Mapping[str, str], rules: TagRules
) -> dict[str, str]:
    """Add ``tags`` to the resource (a key it has already takes the new value); its tags after."""
    _check(tags, rules)
    current = tags_of(ctx.session, arn)
    merged = {**current, **tags}
    if len(merged) > rules.max_tags:
        raise rules.error(TOO_MANY, {"limit": rules.max_tags, "count": len(merged)})
    _write(ctx, service, arn, current, merged)
    return merged


def replace(ctx: RequestContext, service: str, arn: str, tags: Mapping[str, str], rules: TagRules) -> None:
    """Give the resource exactly ``tags``."""
    _check(tags, rules)
    if len(tags) > rules.max_tags:
        raise rules.error(TOO_MANY, {"limit": rules.max_tags, "count": len(tags)})
    _write(ctx, service, arn, tags_of(ctx.session, arn), dict(tags))


def untag(ctx: RequestContext, arn: str, keys: Iterable[str]) -> None:
    """Remove the tags with ``keys`` (keys the resource lacks are ignored)."""
    keys = list(keys)
    if keys:
        ctx.session.execute(delete(Tag).where(Tag.arn == arn, Tag.key.in_(keys)))


def drop(session: Session, arn: str) -> None:
    """Forget every tag of a resource that is gone."""
    session.execute(delete(Tag).where(Tag.arn == arn))


def _write(
    ctx: RequestContext, service: str, arn: str, current: dict[str, str], wanted: dict[str, str]
) -> None:
    session = ctx.session
    gone = [k for k in current if k not in wanted]
    if gone:
        session.execute(delete(Tag).where(Tag.arn == arn, Tag.key.in_(gone)))
    for key, value in wanted.items():
        if key not in current:
            session.add(Tag(arn=arn, key=key, value=value, service=service, account_id=ctx.account_id))
        elif current[key] != value:
            row = session.get(Tag, (arn, key))
            if row is not None:
                row.value = value
    session.flush()


# -- the operations, from the model ---------------------------------------------------------


@dataclass(frozen=True)
class _Spelling:
    """How a service's model spells tags: a map, or a list of two-member structures."""

    is_map: bool
    key: str = "Key"
    value: str = "Value"

    def read(self, wire: Any) -> dict[str, str]:
        if self.is_map:
            return {str(k): str(v) for k, v in (wire or {}).items()}
        return {str(t[self.key]): str(t.get(self.value, "")) for t in wire or []}

    def write(self, tags: Mapping[str, str]) -> Any:
        if self.is_map:
            return dict(tags)
        return [{self.key: k, self.value: v} for k, v in tags.items()]


def _spelling(shape: Any) -> _Spelling:
    if shape.type_name == "map":
        return _Spelling(True)
    members = list(shape.member.members)
    key = next((m for m in members if "key" in m.lower()), members[0])
    value = next((m for m in members if "value" in m.lower()), members[-1])
    return _Spelling(False, key, value)


def _tags_member(shape: Any) -> str:
    for name, member in shape.members.items():
        if member.type_name == "map" or (
            member.type_name == "list"
            and member.member.type_name == "structure"
            and len(member.member.members) == 2
        ):
            return str(name)
    raise LookupError(f"no tags member in {shape.name}")


def _identifier(shape: Any, skip: set[str]) -> str:
    for name in shape.required_members:
        if name not in skip and shape.members[name].type_name == "string":
            return str(name)
    raise LookupError(f"no resource member in {shape.name}")


def register_operations(
    service: str,
    *,
    resource: Callable[[RequestContext, str], str],
    rules: TagRules,
    tag_op: str = "TagResource",
    untag_op: str = "UntagResource",
    list_op: str = "ListTagsForResource",
) -> None:
    """Serve ``service``'s tagging operations from the shared tag table. ``resource(ctx,
    identifier)`` turns the request's identifier (an ARN, an id, a name) into the ARN of an
    existing resource, or raises the service's NotFound error."""
    model = specs.service_model(service)
    tag_in = model.operation_model(tag_op).input_shape
    tags_member = _tags_member(tag_in)
    spelling = _spelling(tag_in.members[tags_member])
    tag_id = _identifier(tag_in, {tags_member})
    untag_in = model.operation_model(untag_op).input_shape
    keys_member = next(n for n, m in untag_in.members.items() if m.type_name == "list")
    untag_id = _identifier(untag_in, {keys_member})
    list_model = model.operation_model(list_op)
    list_id = _identifier(list_model.input_shape, set())
    list_out = _tags_member(list_model.output_shape)
    list_spelling = _spelling(list_model.output_shape.members[list_out])

    @registry.handler(service, tag_op)
    def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tag(ctx, service, resource(ctx, params[tag_id]), spelling.read(params[tags_member]), rules)
        return {}

    @registry.handler(service, untag_op)
    def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        untag(ctx, resource(ctx, params[untag_id]), params[keys_member])
        return {}

    @registry.handler(service, list_op)
    def list_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {list_out: list_spelling.write(tags_of(ctx.session, resource(ctx, params[list_id])))}
