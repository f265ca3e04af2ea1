"""Which host names are AWS endpoints: every DNS suffix botocore's partitions name
(``amazonaws.com``, ``amazonaws.com.cn``, the dual-stack ``api.aws``, the other partitions' own)
and the whole ``.aws`` top-level domain, which is Amazon's alone (``on.aws`` function URLs,
``api.aws`` dual-stack endpoints). In-process mode never lets a request for one through, and the
proxy answers them itself.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path


@cache
def suffixes() -> tuple[str, ...]:
    """The DNS suffixes (each starting with a dot) of every AWS endpoint."""
    import botocore

    found: set[str] = {"amazonaws.com", "amazonaws.com.cn"}  # (whatever botocore's data says)
    path = Path(botocore.__file__).parent / "data" / "partitions.json"
    try:
        partitions = json.loads(path.read_text())["partitions"]
    except (OSError, ValueError, KeyError):  # pragma: no cover - botocore always ships it
        partitions = []
    for partition in partitions:
        outputs = partition.get("outputs", {})
        for key in ("dnsSuffix", "dualStackDnsSuffix"):
            if isinstance(outputs.get(key), str) and outputs[key]:
                found.add(outputs[key].lower())
    found.add("aws")
    return tuple(sorted("." + s for s in found))


def host_of(netloc: str) -> str:
    """The lower-cased host name of ``host``, ``host:port``, ``[v6]:port`` or ``user@host``."""
    host = netloc.rpartition("@")[2].lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.partition(":")[0]


def is_aws_host(host: str) -> bool:
    """Whether ``host`` (a name, ``name:port`` or ``[v6]:port``) is an AWS endpoint."""
    name = host_of(host).rstrip(".")
    if not name:
        return False
    dotted = "." + name
    return dotted.endswith(suffixes())
