"""Requests that name an S3 access point where a bucket goes: by its alias (``NAME-…-s3alias``,
used as a bucket name) or its ARN (which SDKs send to ``NAME-ACCOUNT.s3-accesspoint.REGION``
hosts). Asked only when no bucket has the name, so a request naming a bucket costs nothing
more; the access point's bucket is found through S3 Control's ``internal``."""

from __future__ import annotations

import re

from awsmock.engine.context import RequestContext

#: the first label of an access point's host: its name and its account
_HOST_LABEL = re.compile(r"^(?P<name>[a-z0-9][a-z0-9-]*[a-z0-9])-(?P<account>\d{12})$")


def bucket_behind(ctx: RequestContext, name: str) -> str | None:
    """The bucket of the access point ``name`` stands for (None when it stands for none)."""
    if name.endswith("-s3alias"):
        key = name
    elif ".s3-accesspoint" in ctx.host:
        m = _HOST_LABEL.match(name)
        if m is None:
            return None
        key = ctx.arn("s3", f"accesspoint/{m['name']}", account=m["account"])
    else:
        return None
    from awsmock.services.s3control import internal  # (S3 Control's room imports S3's internal)

    found = internal.access_point_bucket(ctx.session, key)
    return None if found is None else found[0]
