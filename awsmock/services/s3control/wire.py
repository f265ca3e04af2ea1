"""How S3 Control's requests are told from S3's: both sign with the signing name ``s3``. S3
Control's go to ``ACCOUNT.s3-control.REGION.amazonaws.com`` (``ACCOUNT.s3-control.localhost``
locally), and all its paths start with its API version and carry the account header, also when
a client reaches a server by its address (``http://127.0.0.1:4566/v20180820/...``)."""

from __future__ import annotations

from awsmock.engine.wire import WireRequest

#: the path prefix of every S3 Control operation
PATH_PREFIX = "/v20180820/"


def is_s3control_request(req: WireRequest) -> bool:
    host = req.host.lower()
    if ".s3-control." in host or host.startswith("s3-control.") or ".s3-control-fips." in host:
        return True
    return req.path.startswith(PATH_PREFIX) and "x-amz-account-id" in req.headers
