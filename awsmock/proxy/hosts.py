"""Which host names the proxy answers itself: AWS endpoints (:mod:`awsmock.engine.hosts`, the
same hosts in-process mode never lets through). A request for any of them never leaves the
machine.
"""

from __future__ import annotations

import re

from awsmock.engine.hosts import host_of, is_aws_host, suffixes

__all__ = ["host_of", "is_aws_host", "is_host_name", "suffixes"]

#: a host name the proxy can issue a certificate for (letters, digits, dots, dashes, underscores)
_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_.-]{0,251}[a-z0-9_])?$")


def is_host_name(host: str) -> bool:
    """Whether ``host`` is a plain DNS name (no port, no address literal, nothing odd)."""
    return bool(_NAME.match(host)) and ".." not in host
