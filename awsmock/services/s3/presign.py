"""Presigned URLs (SigV4 and SigV2 query authentication): expiry.

The signature itself is checked by awsmock's optional authentication layer; S3 refuses an
expired URL whatever the auth mode, with AWS's message and fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .errors import AccessDenied

MAX_EXPIRES = 604800


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_expiry(ctx: RequestContext) -> None:
    """Raise 403 AccessDenied "Request has expired" for an expired presigned request."""
    if not ctx.query:
        return
    query = {k.lower(): v for k, v in ctx.query}
    if "x-amz-expires" in query and "x-amz-date" in query:
        try:
            signed = dt.datetime.strptime(query["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            seconds = int(query["x-amz-expires"])
        except ValueError as exc:
            raise AwsError(
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
                code="AuthorizationQueryParametersError",
            ) from exc
        if seconds > MAX_EXPIRES:
            raise AwsError(
                "X-Amz-Expires must be less than a week (in seconds) that is; 604800",
                code="AuthorizationQueryParametersError",
            )
        if seconds < 0:
            raise AwsError("X-Amz-Expires must be non-negative", code="AuthorizationQueryParametersError")
        expires = signed + dt.timedelta(seconds=seconds)
        if ctx.now > expires:
            fields: dict[str, Any] = {
                "X-Amz-Expires": str(seconds),
                "Expires": _iso(expires),
                "ServerTime": _iso(ctx.now),
            }
            raise AccessDenied("Request has expired", **fields)
    elif "expires" in query and ("signature" in query or "awsaccesskeyid" in query):
        try:
            expires = dt.datetime.fromtimestamp(int(query["expires"]), dt.UTC)
        except ValueError:
            return
        if ctx.now > expires:
            raise AccessDenied("Request has expired", Expires=_iso(expires), ServerTime=_iso(ctx.now))
