"""What other services ask of CloudWatch Logs inside their own request: write log events to a
group and stream, made when missing (a Lambda function's ``/aws/lambda/<name>``, a state
machine's or an API stage's logs), as PutLogEvents stores them; the group's metric and
subscription filters run on them too."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models.logs import LogStream

from .events import store
from .lookup import FILTERS_KEY, GROUPS, check_group_name, check_stream_name, millis


def write_events(
    ctx: RequestContext, group_name: str, stream_name: str, events: Iterable[tuple[int, str]]
) -> int:
    """Append ``(timestamp ms, message)`` events (in time order) to the caller's stream,
    making the group and the stream when they do not exist; returns how many were written."""
    check_group_name(group_name)
    check_stream_name(stream_name)
    now = millis(ctx)
    grp = GROUPS.find(ctx, group_name)
    if grp is None:
        grp = GROUPS.create(
            ctx,
            rid=group_name,
            name=group_name,
            state="STANDARD",
            document={"creationTime": now, "deletionProtectionEnabled": False, FILTERS_KEY: 0},
        )
    stream = ctx.session.scalars(
        select(LogStream).where(LogStream.group_id == grp.pk, LogStream.name == stream_name)
    ).first()
    if stream is None:
        stream = LogStream(group_id=grp.pk, account_id=ctx.account_id, name=stream_name, created=now)
        ctx.session.add(stream)
        ctx.session.flush()
    rows = [
        {"group_id": grp.pk, "stream_id": stream.id, "timestamp": ts, "ingestion": now, "message": message}
        for ts, message in sorted(events)
        if message
    ]
    if not rows:
        return 0
    store(ctx, grp, stream_name, rows)
    first, last = rows[0]["timestamp"], rows[-1]["timestamp"]
    stream.first_event = first if stream.first_event is None else min(stream.first_event, first)
    stream.last_event = max(stream.last_event or 0, last)
    stream.last_ingestion = now
    stream.stored_bytes += sum(len(r["message"].encode("utf-8", "surrogatepass")) for r in rows)
    return len(rows)
