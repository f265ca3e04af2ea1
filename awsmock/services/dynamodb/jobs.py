"""Export and import jobs (``dynamodb_jobs``): each kept with its description as JSON (times
as ISO text), found by ARN or by the client token that started it, listed by ARN in pages
(the engine's pager, its tokens in the hex form ListImports' model gives them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.dynamodb import DynamoJob

from .errors import invalid

JOBS = DynamoJob.__table__


def _mine(ctx: RequestContext, kind: str) -> Any:
    return select(JOBS.c.arn, JOBS.c.description).where(
        JOBS.c.kind == kind, JOBS.c.account_id == ctx.account_id, JOBS.c.region == ctx.region
    )


def record(
    ctx: RequestContext, kind: str, arn: str, table_arn: str, token: str | None, desc: dict[str, Any]
) -> None:
    ctx.session.execute(
        insert(JOBS).values(
            arn=arn,
            kind=kind,
            table_arn=table_arn,
            client_token=token,
            created=ctx.now,
            description=json.dumps(desc),
            account_id=ctx.account_id,
            region=ctx.region,
        )
    )


def by_token(ctx: RequestContext, kind: str, token: str) -> dict[str, Any] | None:
    row = ctx.session.execute(_mine(ctx, kind).where(JOBS.c.client_token == token)).first()
    return None if row is None else json.loads(row.description)


def find(ctx: RequestContext, kind: str, arn: str) -> dict[str, Any] | None:
    row = ctx.session.execute(_mine(ctx, kind).where(JOBS.c.arn == arn)).first()
    return None if row is None else json.loads(row.description)


def page(
    ctx: RequestContext, kind: str, table_arn: str | None, limit: int, token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to ``limit`` descriptions after ``token`` (of ``table_arn``'s jobs, or all), and the
    token of the next page (None: the last)."""
    query = _mine(ctx, kind)
    scope = f"List{kind.title()}s"
    if table_arn:
        query = query.where(JOBS.c.table_arn == table_arn)
        scope += " " + hashlib.sha256(table_arn.encode()).hexdigest()[:16]  # short: see _padded
    found = pager.page(
        ctx.session,
        query,
        keys=(JOBS.c.arn,),
        limit=limit,
        token=token and (token.rstrip("0") or token),  # without _padded's zeros
        scope=scope,
        invalid=lambda _: invalid(f"Invalid NextToken: {token}"),
        style="hex",
        scalars=False,
    )
    return [json.loads(r.description) for r in found.rows], found.token and _padded(found.token)


def _padded(token: str) -> str:
    """A hex token in the form ListImports' has (its model's pattern ``([0-9a-f]{16})+``, 112 to
    1024 digits): zeros up to a multiple of 16 digits, at least 112. A token ends with ``}``
    (``7d``), so stripping the zeros again gives it back."""
    return token.ljust(max(112, -(-len(token) // 16) * 16), "0")


#: what a job's description tells only once it has ended
ENDED_ONLY = ("EndTime", "FailureCode", "FailureMessage")


def answered(
    desc: dict[str, Any], status_member: str, times: tuple[str, ...], started: bool, results: tuple[str, ...]
) -> dict[str, Any]:
    """A stored description as the API answers it. ``started``: as the call that started the
    job answers (IN_PROGRESS, without its end and its ``results``)."""
    out = with_times(desc, *times)
    if started:
        out[status_member] = "IN_PROGRESS"
        for key in (*ENDED_ONLY, *results):
            out.pop(key, None)
    return out


def with_times(desc: dict[str, Any], *keys: str) -> dict[str, Any]:
    """``desc`` with its ISO-text times ``keys`` as datetimes (as the API answers them)."""
    return {**desc, **{k: dt.datetime.fromisoformat(desc[k]) for k in keys if k in desc}}


def failure(err: AwsError) -> dict[str, str]:
    """What a job says when its bucket is not the caller's to use (the job FAILED)."""
    code = "S3NoSuchBucket" if err.code == "NoSuchBucket" else "S3AccessDenied"
    return {"FailureCode": code, "FailureMessage": err.message}


def described(ctx: RequestContext, kind: str, arn: str, missing: type[AwsError]) -> dict[str, Any]:
    """The job ``arn`` of ``kind`` (``missing``: "<Kind> not found: <arn>" when there is none)."""
    desc = find(ctx, kind, arn)
    if desc is None:
        raise missing(f"{kind.title()} not found: {arn}")
    return desc


def listed(
    ctx: RequestContext,
    kind: str,
    params: dict[str, Any],
    limit: int,
    member: str,
    summary: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """A List answer: the ``summary`` of each job in the page under ``member``, and NextToken."""
    found, token = page(ctx, kind, params.get("TableArn"), limit, params.get("NextToken"))
    out: dict[str, Any] = {member: [summary(d) for d in found]}
    if token:
        out["NextToken"] = token
    return out
