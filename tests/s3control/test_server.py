"""S3 Control through a server: signed with S3's signing name, told from S3 by its host
(``ACCOUNT.s3-control.localhost``, ``ACCOUNT.localhost``: what SDKs make of an endpoint URL) or
its path, and the account's block enforced on S3 requests to the same server."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import awsmock
from tests.helpers import server_client

from .conftest import ACCOUNT, error_of


def _resolving(client: Any, port: int) -> Any:
    """The client reaches the server whatever host name it uses (as a resolver mapping
    ``*.localhost`` to the loopback address would), sending that name as ``Host``."""

    def resolve(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        request.headers["Host"] = parts.netloc
        request.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))

    client.meta.events.register("before-send", resolve)
    return client


def test_account_hosts_reach_s3control_and_s3_enforces_the_block() -> None:
    with awsmock.ThreadedServer() as server:
        port = server.port
        by_service_host = _resolving(server_client(f"http://s3-control.localhost:{port}", "s3control"), port)
        by_plain_host = _resolving(server_client(f"http://localhost:{port}", "s3control"), port)
        by_service_host.put_public_access_block(
            AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True}
        )
        got = by_plain_host.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
        assert got["BlockPublicAcls"] is True and got["BlockPublicPolicy"] is False
        s3 = server_client(server.url, "s3")
        s3.create_bucket(Bucket="served")
        assert error_of(lambda: s3.put_bucket_acl(Bucket="served", ACL="public-read"))[:3] == (
            "AccessDenied",
            "Access Denied",
            403,
        )
        by_service_host.create_access_point(AccountId=ACCOUNT, Name="served-ap", Bucket="served")
        assert [
            a["Bucket"] for a in by_plain_host.list_access_points(AccountId=ACCOUNT)["AccessPointList"]
        ] == ["served"]
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["served"]  # S3 still S3
