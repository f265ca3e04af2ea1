"""What other services ask of CloudWatch Logs inside their own request: write log events to a
group and stream, made when missing (a Lambda function's ``/aws/lambda/<name>``, a state
machine's or an API stage's logs), as PutLogEvents stores them; the group's metric and
subscription filters run on them too."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models.logs import LogStream
from awsmock.state.rawvalues import conversions

from .events import _STREAM_WRITTEN, _TARGET, _insert, store
from .lookup import FILTERS_KEY, GROUPS, check_group_name, check_stream_name, millis


def write_events(
    ctx: RequestContext, group_name: str, stream_name: str, events: Iterable[tuple[int, str]]
) -> int:
    """Append ``(timestamp ms, message)`` events (in time order) to the caller's stream,
    making the group and the stream when they do not exist; returns how many were written.

    When both exist and the group has no filters (a function's logs, invoke after invoke),
    the write is prebuilt statements alone, as PutLogEvents' own: one read of the group and
    the stream, the events' insert, the stream's bookkeeping."""
    check_group_name(group_name)
    check_stream_name(stream_name)
    written = sorted((ts, message) for ts, message in events if message)
    now = millis(ctx)
    ctx.tx.flush()  # (the raw read must see the request's own ORM changes)
    found = ctx.tx.execute(
        _TARGET, {"stream": stream_name, "account": ctx.account_id, "region": ctx.region, "group": group_name}
    ).fetchone()
    if found is not None and found[2] is not None:
        group_pk, raw_document, stream_id = found
        if (conversions(ctx.tx).json_out(raw_document) or {}).get(FILTERS_KEY) == 0:
            if not written:
                return 0
            _insert(
                ctx,
                [
                    {
                        "group_id": group_pk,
                        "stream_id": stream_id,
                        "timestamp": ts,
                        "ingestion": now,
                        "message": m,
                    }
                    for ts, m in written
                ],
            )
            ctx.tx.execute(
                _STREAM_WRITTEN,
                {
                    "b_id": stream_id,
                    "b_first": written[0][0],
                    "b_last": written[-1][0],
                    "b_now": now,
                    "b_bytes": sum(len(m.encode("utf-8", "surrogatepass")) for _, m in written),
                },
            )
            return len(written)
    return _write_slowly(ctx, group_name, stream_name, written, now)


def _write_slowly(
    ctx: RequestContext, group_name: str, stream_name: str, written: list[tuple[int, str]], now: int
) -> int:
    """:func:`write_events` making what is missing, or with the group's filters to run."""
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
        for ts, message in written
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
