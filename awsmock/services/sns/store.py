"""SNS's resources in the shared store (topics, subscriptions, platform applications and
endpoints, the account's SMS settings and sandbox numbers), and how a request's ARN finds one."""

from __future__ import annotations

import re
from typing import Any, TypeAlias

from sqlalchemy import bindparam, func, select

from awsmock.engine import arns, resources
from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource
from awsmock.state.rawvalues import conversions

from .errors import NotFoundException, invalid, subscription_not_found, topic_not_found

TOPICS = resources.Kind(
    "sns",
    "topic",
    arn=lambda ctx, rid: ctx.arn("sns", rid),
    not_found=topic_not_found,
    title="Topics",
)
#: rid: the subscription's id (the last part of its ARN); parent: the topic's ARN; state:
#: ``confirmed`` or ``pending``
SUBSCRIPTIONS = resources.Kind(
    "sns",
    "subscription",
    arn=lambda ctx, rid: ctx.arn("sns", rid),
    not_found=subscription_not_found,
)
#: rid: ``<platform>/<name>``
APPLICATIONS = resources.Kind(
    "sns",
    "platform-application",
    arn=lambda ctx, rid: ctx.arn("sns", f"app/{rid}"),
    not_found=lambda rid: NotFoundException("PlatformApplication does not exist"),
    title="Platform applications",
)
#: rid: ``<platform>/<application>/<uuid>``; parent: the application's ARN
ENDPOINTS = resources.Kind(
    "sns",
    "platform-endpoint",
    arn=lambda ctx, rid: ctx.arn("sns", f"endpoint/{rid}"),
    not_found=lambda rid: NotFoundException("Endpoint does not exist"),
    title="Platform endpoints",
)
#: one row per account and region (rid ``sms``): the SMS attributes and opted-out numbers
SETTINGS = resources.Kind(
    "sns",
    "sms-settings",
    arn=lambda ctx, rid: ctx.arn("sns", f"sms-settings/{rid}"),
    not_found=lambda rid: NotFoundException("No SMS settings"),
)
#: rid: the phone number; state ``Pending`` or ``Verified``
SANDBOX_NUMBERS = resources.Kind(
    "sns",
    "sandbox-number",
    arn=lambda ctx, rid: ctx.arn("sns", f"sms-sandbox/{rid}"),
    not_found=lambda rid: NotFoundException("Phone number does not exist"),
    title="SMS sandbox phone numbers",
)

TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
FIFO_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")


class Row:
    """A topic or a subscription read with a prebuilt statement (no ORM object, no session):
    the columns of :class:`Resource` the publish path reads, under the same names. The request's
    own copy (its document parsed for it); changes go through the ORM row (``pk``)."""

    __slots__ = ("account_id", "arn", "document", "pk", "state")

    def __init__(
        self, pk: int, arn: str, account_id: str, state: str | None, document: dict[str, Any]
    ) -> None:
        self.pk = pk
        self.arn = arn
        self.account_id = account_id
        self.state = state
        self.document = document


#: a topic or a subscription as an ORM row or a raw :class:`Row` (the publish path takes either)
AnyRow: TypeAlias = Resource | Row

_R = Resource.__table__
_COLUMNS = (_R.c.pk, _R.c.arn, _R.c.account_id, _R.c.state, _R.c.document)
#: prebuilt statements run raw (``Transaction.execute``): every publish reads its topic and the
#: topic's subscriptions (by the unique ARN, by the parent index)
_TOPIC = select(*_COLUMNS).where(_R.c.arn == bindparam("arn"), _R.c.service == "sns", _R.c.kind == "topic")
_SUBSCRIPTIONS = (
    select(*_COLUMNS)
    .where(_R.c.parent == bindparam("parent"), _R.c.service == "sns", _R.c.kind == "subscription")
    .order_by(_R.c.pk)
)


def _rows(ctx: RequestContext, stmt: Any, params: dict[str, Any]) -> list[Row]:
    ctx.tx.flush()  # (raw statements do not autoflush: an earlier ORM change of this request counts)
    json_out = conversions(ctx.tx).json_out
    return [
        Row(int(pk), arn, account, state, json_out(doc))
        for pk, arn, account, state, doc in ctx.tx.execute(stmt, params).fetchall()
    ]


def topic_row(ctx: RequestContext, arn: str) -> Row | None:
    """The topic with this ARN (any account or region) read raw, or None."""
    rows = _rows(ctx, _TOPIC, {"arn": arn})
    return rows[0] if rows else None


def subscription_rows(ctx: RequestContext, topic_arn: str) -> list[Row]:
    """:func:`subscriptions_of` read raw (oldest first): for the publish path, which only reads them."""
    return _rows(ctx, _SUBSCRIPTIONS, {"parent": topic_arn})


def _check_topic_arn(ctx: RequestContext, arn: Any, member: str) -> str:
    if not isinstance(arn, str):
        raise invalid(member)
    parsed = arns.parse(arn)
    if (
        parsed is None
        or parsed.service != "sns"
        or not re.fullmatch(r"\d{12}", parsed.account)
        or not (TOPIC_NAME.match(parsed.resource) or FIFO_TOPIC_NAME.match(parsed.resource))
    ):
        raise invalid(member)
    if parsed.region != ctx.region:
        raise invalid(member)
    return arn


def topic_by_arn(ctx: RequestContext, arn: Any, member: str = "TopicArn") -> Resource:
    """The topic an ARN names (in any account of this region), InvalidParameter for what is not
    a topic ARN, NotFound for one that does not exist."""
    row = TOPICS.by_arn(ctx, _check_topic_arn(ctx, arn, member))
    if row is None:
        raise topic_not_found()
    return row


def topic_to_publish(ctx: RequestContext, arn: Any, member: str = "TopicArn") -> Row:
    """:func:`topic_by_arn` read raw, for Publish and PublishBatch (same checks, same errors)."""
    row = topic_row(ctx, _check_topic_arn(ctx, arn, member))
    if row is None:
        raise topic_not_found()
    return row


def subscription_by_arn(ctx: RequestContext, arn: Any, member: str = "SubscriptionArn") -> Resource:
    if not isinstance(arn, str):
        raise invalid(member)
    parsed = arns.parse(arn)
    if parsed is None or parsed.service != "sns" or parsed.resource.count(":") != 1:
        raise invalid(member)
    row = SUBSCRIPTIONS.by_arn(ctx, arn)
    if row is None:
        raise subscription_not_found()
    return row


def subscriptions_of(ctx: RequestContext, topic_arn: str) -> list[Resource]:
    """Every subscription of a topic, oldest first."""
    rows = ctx.session.scalars(
        select(Resource)
        .where(
            Resource.parent == topic_arn,
            Resource.service == "sns",
            Resource.kind == "subscription",
        )
        .order_by(Resource.pk)
    )
    return list(rows)


def subscription_counts(ctx: RequestContext, topic_arn: str) -> dict[str, int]:
    rows = ctx.session.execute(
        select(Resource.state, func.count())
        .where(
            Resource.parent == topic_arn,
            Resource.service == "sns",
            Resource.kind == "subscription",
        )
        .group_by(Resource.state)
    )
    return {str(state): int(n) for state, n in rows}


def children(ctx: RequestContext, kind: resources.Kind, parent: str) -> list[Resource]:
    """Every resource of ``kind`` whose parent is ``parent`` (oldest first)."""
    rows = ctx.session.scalars(
        select(Resource)
        .where(Resource.parent == parent, Resource.service == kind.service, Resource.kind == kind.kind)
        .order_by(Resource.pk)
    )
    return list(rows)
