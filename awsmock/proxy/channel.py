"""The listener's side of proxy mode: a waitress channel that hands ``CONNECT`` connections to
:mod:`awsmock.proxy.tunnel`, and the channels the tunnels give back (a socket pair carrying the
decrypted stream of one client connection, answered as any connection of the listener)."""

from __future__ import annotations

import contextlib
import copy
import socket
from typing import Any

from awsmock.proxy.tunnel import Tunnels

_CONNECT = b"CONNECT "


def starts_connect(data: bytes) -> bool:
    """Whether ``data`` begins a ``CONNECT`` request (or is too short to tell otherwise)."""
    n = min(len(data), len(_CONNECT))
    return n > 0 and data[:n] == _CONNECT[:n]


def proxy_channel(base: type, tunnels: Tunnels) -> type:
    """``base`` (a waitress channel class) that hands a connection whose next request is a
    ``CONNECT`` to ``tunnels``."""

    class ProxyChannel(base):  # type: ignore[misc,valid-type]
        #: a connection the tunnels made (decrypted): a CONNECT in it is not taken up again
        tunneled = False

        def received(self, data: bytes) -> Any:
            if not self.tunneled and self.request is None and not self.requests and starts_connect(data):
                self._hand_over(data)
                return False
            return super().received(data)

        def _hand_over(self, data: bytes) -> None:
            try:
                sock = self.socket.dup()
            except OSError:
                self.handle_close()
                return
            addr, server = self.addr, self.server
            self.handle_close()  # the listener lets go of it; the duplicate keeps it open
            tunnels.adopt(sock, data, addr, lambda theirs, client, scheme: attach(server, theirs, client, scheme))

    return ProxyChannel


def attach(server: Any, sock: socket.socket, addr: Any, scheme: str) -> None:
    """Make ``sock`` a connection of the waitress ``server`` from ``addr`` over ``scheme``
    (safe from any thread: the channel is made on the server's own loop)."""

    def make() -> None:
        adj = copy.copy(server.adj)
        adj.url_scheme = scheme
        try:
            channel = server.channel_class(server, sock, addr, adj, map=server._map)
        except Exception:
            with contextlib.suppress(OSError):
                sock.close()
            raise
        channel.tunneled = True

    server.trigger.pull_trigger(make)
