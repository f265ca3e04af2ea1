"""Telling the service of an unsigned request reads the models of the services awsmock stands
for, never all of botocore's (which takes seconds: a first anonymous request timed out)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import io
from awsmock.api.detect import detect
from awsmock.engine import specs
from awsmock.engine.wire import WireRequest

def request(host, path):
    return WireRequest("GET", path, "", {"host": host}, io.BytesIO(b""), 0, host=host)

found = [
    detect(request("127.0.0.1:4566", "/bucket/key")).service,
    detect(request("localhost:4566", "/bucket/key")).service,
    detect(request("bucket.s3.amazonaws.com", "/key")).service,
    detect(request("sqs.us-east-1.amazonaws.com", "/123456789012/q")).service,
]
print(found, specs.services_by_endpoint_prefix.cache_info().currsize)
"""


def test_unsigned_requests_read_only_the_known_services_models() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["['s3',", "'s3',", "'s3',", "'sqs']", "0"]
