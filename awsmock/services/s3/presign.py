"""Presigned URLs (SigV4 and SigV2 query authentication): expiry.

The signature itself is checked by awsmock's optional authentication layer; S3 refuses an
expired URL whatever the auth mode, with AWS's message and fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.auth import sigv4
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .errors import AccessDenied

MAX_EXPIRES = sigv4.MAX_PRESIGNED_EXPIRY


#: SigV2's Expires is a count of seconds S3 holds in 32 bits: from 2**31 (2038) on, S3 answers
#: "Invalid date (should be seconds since epoch)", as for text that is no number
_SIGV2_LAST = 2**31


def _long(text: str) -> int | None:
    """``text`` as the 64-bit integer S3 reads it, or None (not a number, or out of range)."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if -(2**63) <= value < 2**63 else None


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
        except ValueError as exc:
            raise AwsError(sigv4.DATE_NOT_ISO8601, code="AuthorizationQueryParametersError") from exc
        seconds = _long(query["x-amz-expires"])
        if seconds is None:
            raise AwsError(sigv4.EXPIRES_NOT_A_NUMBER, code="AuthorizationQueryParametersError")
        if seconds > MAX_EXPIRES:
            raise AwsError(sigv4.EXPIRES_TOO_LONG, code="AuthorizationQueryParametersError")
        if seconds < 0:
            raise AwsError(sigv4.EXPIRES_NEGATIVE, code="AuthorizationQueryParametersError")
        try:
            expires = signed + dt.timedelta(seconds=seconds)
        except OverflowError:  # signed near the year 9999: it has not expired
            return
        if ctx.now > expires:
            fields: dict[str, Any] = {
                "X-Amz-Expires": str(seconds),
                "Expires": _iso(expires),
                "ServerTime": _iso(ctx.now),
            }
            raise AccessDenied("Request has expired", **fields)
    elif "expires" in query and ("signature" in query or "awsaccesskeyid" in query):
        epoch = _long(query["expires"])
        try:
            if epoch is None or epoch >= _SIGV2_LAST:
                raise ValueError(query["expires"])
            expires = dt.datetime.fromtimestamp(epoch, dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:  # not a date S3 can hold
            raise AccessDenied(f"Invalid date (should be seconds since epoch): {query['expires']}") from exc
        if ctx.now > expires:
            raise AccessDenied("Request has expired", Expires=_iso(expires), ServerTime=_iso(ctx.now))
