"""Plain HTTP proxy requests (absolute form: ``GET http://host/path HTTP/1.1``), one at a time,
as the listener parses them (a kept-alive connection to a proxy may carry requests for many
hosts): one for an AWS host goes to the app as if sent to it, with that host as ``Host``; one
for any other host is forwarded there (passthrough) or refused with ``403``."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
from collections.abc import Iterator
from typing import Any

from awsmock.proxy.hosts import host_of, is_aws_host
from awsmock.proxy.settings import ProxySettings
from awsmock.proxy.tunnel import refusal_text

log = logging.getLogger("awsmock.proxy")

#: headers for one hop only (RFC 9110 section 7.6.1), never passed on
HOP_BY_HOP = frozenset({
    "connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te",
    "trailer", "transfer-encoding", "upgrade",
})
FORWARD_SECONDS = 60.0
CHUNK = 256 * 1024


def _text(start_response: Any, status: str, text: str) -> list[bytes]:
    body = text.encode() + b"\n"
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def absolute_target(env: dict[str, Any]) -> tuple[str, str, str] | None:
    """(scheme, authority, origin-form target) of an absolute-form request, else None."""
    uri = env.get("REQUEST_URI") or ""
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    authority = rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[2]
    target = rest[len(rest.split("/", 1)[0].split("?", 1)[0]):]
    if not target.startswith("/"):
        target = "/" + target
    return scheme.lower(), authority, target


class ProxyApp:
    """The WSGI app of a listener that also answers as a proxy, around the ``app`` it serves."""

    def __init__(self, app: Any, settings: ProxySettings) -> None:
        self.app = app
        self.settings = settings

    def __getattr__(self, name: str) -> Any:  # the served app's own attributes
        return getattr(self.app, name)

    def __call__(self, env: dict[str, Any], start_response: Any) -> Any:
        if env.get("REQUEST_METHOD") == "CONNECT":  # only the first request of a connection tunnels
            return _text(start_response, "400 Bad Request",
                         "awsmock proxy: CONNECT must be the first request on its connection")
        found = absolute_target(env)
        if found is None:
            return self.app(env, start_response)
        scheme, authority, target = found
        host = host_of(authority)
        if _is_self(env, scheme, authority, host):  # this listener itself, as a server
            env["HTTP_HOST"] = authority
            return self.app(env, start_response)
        if is_aws_host(host):
            env["HTTP_HOST"] = authority
            env["wsgi.url_scheme"] = scheme
            env.pop("HTTP_PROXY_CONNECTION", None)
            env.pop("HTTP_PROXY_AUTHORIZATION", None)
            return self.app(env, start_response)
        if self.settings.passthrough:
            return forward(env, start_response, scheme, authority, target)
        if self.settings.log_refusals:
            log.info("proxy: refused %s %s://%s (not an AWS endpoint)", env.get("REQUEST_METHOD"), scheme, authority)
        return _text(start_response, "403 Forbidden", refusal_text(host or authority))


def _is_self(env: dict[str, Any], scheme: str, authority: str, host: str) -> bool:
    """Whether an absolute-form request names this listener (a loopback address and its port)."""
    port = authority.rpartition("]")[2].rpartition(":")[2] if ":" in authority.rpartition("]")[2] else ""
    if port != env.get("SERVER_PORT") or scheme != "http":
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def forward(env: dict[str, Any], start_response: Any, scheme: str, authority: str, target: str) -> Any:
    """Send the request on to ``authority`` and stream its answer back (passthrough)."""
    host = host_of(authority)
    port_text = authority.rpartition("]")[2].rpartition(":")[2] if ":" in authority.rpartition("]")[2] else ""
    port = int(port_text) if port_text.isdigit() else (443 if scheme == "https" else 80)
    conn_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = conn_class(host, port, timeout=FORWARD_SECONDS)
    try:
        conn.putrequest(env.get("REQUEST_METHOD", "GET"), target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", authority)
        for key, value in env.items():
            if key.startswith("HTTP_") and key != "HTTP_HOST":
                name = key[5:].replace("_", "-").lower()
                if name not in HOP_BY_HOP:
                    conn.putheader(name, value)
        if env.get("CONTENT_TYPE"):
            conn.putheader("Content-Type", env["CONTENT_TYPE"])
        length = int(env.get("CONTENT_LENGTH") or 0)
        if length or env.get("REQUEST_METHOD") in ("POST", "PUT", "PATCH"):
            conn.putheader("Content-Length", str(length))
        conn.endheaders()
        body = env["wsgi.input"]
        while length > 0:
            piece = body.read(min(CHUNK, length))
            if not piece:
                break
            conn.send(piece)
            length -= len(piece)
        resp = conn.getresponse()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return _text(start_response, "502 Bad Gateway",
                     f"awsmock proxy: cannot reach {authority}: {getattr(exc, 'strerror', None) or exc}")
    headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
    start_response(f"{resp.status} {resp.reason}", headers)
    return _stream(conn, resp)


def _stream(conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> Iterator[bytes]:
    try:
        while piece := resp.read(CHUNK):
            yield piece
    except (OSError, http.client.HTTPException):
        return
    finally:
        with contextlib.suppress(Exception):
            conn.close()
