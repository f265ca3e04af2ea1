"""Proxy mode: the listener also answers as an HTTP/HTTPS proxy, for clients that cannot be
pointed at an endpoint but can use a proxy (``HTTPS_PROXY``, botocore's ``proxies``, Java's
``https.proxyHost``).

* ``CONNECT host:443`` for an AWS host (:mod:`awsmock.proxy.hosts`): ``200``, then TLS is
  terminated with a certificate for that host issued by a local CA
  (:mod:`awsmock.proxy.authority`, kept in the data dir as ``proxy-ca.pem``), and the decrypted
  requests are answered by the app as if sent to the server (:mod:`awsmock.proxy.tunnel`).
* ``GET http://host/path`` (absolute form) for an AWS host: answered by the app with that host
  (:mod:`awsmock.proxy.forward`).
* Any other host: refused with ``403`` and a text saying why, or, with passthrough, forwarded
  (a blind tunnel for ``CONNECT``). An AWS host is never forwarded.
* Requests sent to the listener as to a server (origin form) are answered as always.

The server hooks in three places: :func:`prepare` (the CA made before anything listens),
:func:`announcement` (the lines printed before the ready line) and :func:`install` (the
listener's channel and app).
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.config import Config
from awsmock.proxy.settings import ProxySettings

__all__ = ["ProxySettings", "announcement", "install", "prepare"]


def prepare(config: Config) -> str | None:
    """Make (or read) the local CA; None, or one line saying why it cannot be."""
    from awsmock.proxy.authority import Authority, AuthorityError

    try:
        Authority.open(ProxySettings.of(config).ca_dir)
    except AuthorityError as exc:
        return str(exc)
    return None


def announcement(config: Config) -> list[str]:
    """What a proxy prints when it starts: what it answers, and the CA clients must trust."""
    from awsmock.proxy.authority import CA_CERT

    settings = ProxySettings.of(config)
    others = ("forwarded (--passthrough)" if settings.passthrough
              else "refused with 403 (--passthrough forwards them)")
    ca = settings.ca_dir / CA_CERT
    return [
        f"proxy: answers HTTP and HTTPS (CONNECT) requests for AWS hosts; other hosts are {others}",
        f"proxy CA: {ca} (trust it: AWS_CA_BUNDLE={ca}, REQUESTS_CA_BUNDLE, curl --cacert)",
    ]


def install(listeners: list[Any], config: Config, *, quiet: bool = False) -> None:
    """Make the waitress ``listeners`` (one per address the server listens on) answer as a
    proxy too."""
    from awsmock.proxy.channel import proxy_channel
    from awsmock.proxy.forward import ProxyApp
    from awsmock.proxy.tunnel import Tunnels

    settings = ProxySettings.of(config, quiet=quiet)
    tunnels = Tunnels(settings)
    for listener in listeners:
        listener.application = ProxyApp(listener.application, settings)
        listener.channel_class = proxy_channel(listener.channel_class, tunnels)
