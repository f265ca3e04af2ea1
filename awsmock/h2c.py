"""HTTP/2 over cleartext TCP (h2c, "prior knowledge") on the server's own port.

Some SDKs speak HTTP/2 to an ``http://`` endpoint without asking first: the connection opens with
the preface ``PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n`` and goes on in frames; against a server that
only speaks HTTP/1.1 they fail with a protocol error. The server's waitress channel looks at a new
connection's first bytes once (:func:`sniff`, called from the channel in ``awsmock/server.py``);
when they are the preface, the channel becomes an :class:`H2Channel` (the same object, its class
swapped for a subclass of its own, so waitress goes on polling, timing out and closing it as it
does every channel), which speaks HTTP/2 with the ``h2`` package. Any other first bytes go to
waitress' HTTP/1.1 parser unchanged. (The ``Upgrade: h2c`` form, which RFC 9113 deprecates and
clients that speak HTTP/2 to a cleartext endpoint do not use, is not taken: such a request is
answered in HTTP/1.1, as the upgrade rules allow.)

Each request stream, once its body has arrived, becomes a task on the server's own task
dispatcher: a worker thread calls the SAME WSGI app (so the same dispatcher, request gate, turns
and request log line) and writes the answer back as HEADERS and DATA frames, within the peer's flow
control windows (a worker that must wait for the peer to open its window passes its turn on, as a
streamed answer does). Streams run concurrently, up to :data:`MAX_STREAMS` per connection. A peer
that breaks the protocol gets a GOAWAY with the error's code and the connection is closed; a
connection the server closes (shutdown, idle timeout) gets a GOAWAY first.

Threads: the event loop's thread feeds received bytes to the connection's ``h2`` state machine;
worker threads send answers through it. One lock per connection guards that state; it is never
held while waiting (output goes to the channel's buffers, which the event loop sends).
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from awsmock.engine import turns

if TYPE_CHECKING:  # imported when a connection first speaks HTTP/2 (see _h2_class)
    import h2.config
    import h2.connection
    import h2.errors
    import h2.events
    import h2.exceptions
    import h2.settings

log = logging.getLogger("awsmock.h2c")

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#: concurrent request streams a connection may open (SETTINGS_MAX_CONCURRENT_STREAMS)
MAX_STREAMS = 100
#: the receive window of each stream and of the connection: request bodies are taken in as they
#: come (spooled to a file past the server's in-memory limit), so a large one is not held back
RECEIVE_WINDOW = 4 * 1024 * 1024
#: request headers, compressed size and decoded list size
MAX_HEADER_LIST = 64 * 1024
#: how often a worker waiting for the peer's window looks whether the connection is gone
WAIT_SLICE = 0.5
#: a connection's own header names a peer must not send over HTTP/2, nor a server answer with
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"})
_MESSAGES = {
    400: b"Bad Request",
    413: b"Request Entity Too Large",
    500: b"The server encountered an unexpected internal server error",
}


def sniff(channel: Any, data: bytes) -> bytes | None:
    """A new connection's first bytes: None when HTTP/2 took the connection over (or the bytes so
    far could still become the preface: wait for more), else the bytes for HTTP/1.1. The channel's
    ``first_bytes`` is set false once it is decided."""
    head = channel.__dict__.pop("h2c_head", b"") + data
    if len(head) < len(PREFACE) and PREFACE.startswith(head):
        channel.h2c_head = head
        return None
    channel.first_bytes = False
    if not head.startswith(PREFACE):
        return head
    channel.__class__ = _h2_class(type(channel))
    channel.start_h2(head)
    return None


_CLASSES: dict[type, type] = {}


def _h2_class(base: type) -> type:
    """The HTTP/2 class of a channel class (made once; ``h2`` is imported then)."""
    found = _CLASSES.get(base)
    if found is not None:
        return found
    global h2
    import h2.config
    import h2.connection
    import h2.errors
    import h2.events
    import h2.exceptions
    import h2.settings

    global _Connection
    if _Connection is None:
        _Connection = _connection_class()
    found = _CLASSES[base] = type(f"H2{base.__name__}", (H2Channel, base), {})
    return found


_Connection: type | None = None


def _connection_class() -> type:
    class Connection(h2.connection.H2Connection):  # type: ignore[misc]
        """h2's connection, which goes on answering the streams in flight after the peer's GOAWAY
        (NO_ERROR), as RFC 9113 (6.8) allows: h2 would refuse to send anything more
        (python-hyper/h2#1181). Clients send one as soon as they have the answer's headers when
        they use a connection per request, and read the body after (an event stream for minutes)."""

        def _receive_goaway_frame(self, frame: Any) -> Any:
            state = self.state_machine.state
            frames, events = super()._receive_goaway_frame(frame)
            if frame.error_code == 0 and state is not h2.connection.ConnectionState.CLOSED:
                self.state_machine.state = state
            return frames, events

    return Connection


def _connections(server: Any) -> list[H2Channel]:
    channels = getattr(server, "_map", None) or getattr(server, "map", None) or {}
    return [c for c in list(channels.values()) if isinstance(c, H2Channel)]


def going_away(server: Any) -> None:
    """The server is stopping: a GOAWAY on each of its HTTP/2 connections now (they close with
    the server). Safe from a signal handler on the event loop's thread."""
    for channel in _connections(server):
        with contextlib.suppress(Exception):
            channel._h2_goodbye()


def close_connections(server: Any) -> None:
    """Close the server's HTTP/2 connections, each with a GOAWAY (the server is stopping)."""
    for channel in _connections(server):
        with contextlib.suppress(Exception):
            channel.close()


class Gone(Exception):
    """The stream was reset by the peer, or the connection is closed: stop answering."""


class _Stream:
    __slots__ = ("body", "ended", "headers", "id", "refused", "size")

    def __init__(self, stream_id: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.id = stream_id
        self.headers = headers
        self.body: Any = None
        self.size = 0
        self.refused: int | None = None  # an answer to give without calling the app
        self.ended = False  # the answer is over (sent, or the stream reset)


class H2Channel:
    """The HTTP/2 side of a waitress channel (mixed in front of the server's channel class)."""

    h2: h2.connection.H2Connection
    h2_lock: threading.Lock
    h2_window: threading.Condition
    h2_closed: bool
    h2_goaway_sent: bool
    h2_peer_left: bool
    h2_receiving: dict[int, _Stream]
    h2_answering: dict[int, _Stream]
    h2_skip: int
    h2_head: bytes

    # these are waitress' channel's (see waitress.channel.HTTPChannel)
    server: Any
    adj: Any
    addr: Any
    socket: Any
    outbufs: list[Any]
    outbuf_lock: threading.Condition
    total_outbufs_len: int
    current_outbuf_count: int
    will_close: bool
    close_when_flushed: bool
    connected: bool
    last_activity: float
    _flush_some: Callable[..., bool]
    _flush_exception: Callable[..., Any]
    _flush_outbufs_below_high_watermark: Callable[[], None]

    def start_h2(self, data: bytes) -> None:
        config = h2.config.H2Configuration(client_side=False, header_encoding=None)
        assert _Connection is not None
        conn = _Connection(config=config)
        settings = h2.settings.SettingCodes
        conn.local_settings = h2.settings.Settings(
            client=False,
            initial_values={
                settings.MAX_CONCURRENT_STREAMS: MAX_STREAMS,
                settings.INITIAL_WINDOW_SIZE: RECEIVE_WINDOW,
                settings.MAX_HEADER_LIST_SIZE: MAX_HEADER_LIST,
            },
        )
        self.h2 = conn
        self.h2_lock = threading.Lock()
        self.h2_window = threading.Condition(self.h2_lock)
        self.h2_closed = self.h2_goaway_sent = self.h2_peer_left = False
        self.h2_receiving = {}
        self.h2_answering = {}
        self.h2_skip, self.h2_head = len(PREFACE), b""  # where frame headers are (_h2_overlong)
        with self.h2_lock:
            conn.initiate_connection()
            conn.increment_flow_control_window(RECEIVE_WINDOW - 65535)
            self._h2_out()
        self.received(data)

    # -- the event loop's side -----------------------------------------------------------

    def received(self, data: bytes) -> bool:
        if not data or self.h2_closed:
            return False
        ready: list[_Stream] = []
        with self.h2_lock:
            try:
                if self._h2_overlong(data):  # refused before h2 would buffer it whole
                    raise h2.exceptions.FrameTooLargeError("a frame longer than SETTINGS_MAX_FRAME_SIZE")
                events = self.h2.receive_data(data)
                for event in events:
                    log.debug("%s", event)
                    self._h2_event(event, ready)
            except h2.exceptions.ProtocolError as exc:
                self._h2_fail(exc.error_code, str(exc))
            except Exception as exc:  # anything else a malformed frame raises: the peer's fault too
                self._h2_fail(h2.errors.ErrorCodes.PROTOCOL_ERROR, f"{type(exc).__name__}: {exc}")
            self._h2_out()
        self.last_activity = time.time()
        for stream in ready:
            self.server.add_task(StreamTask(self, stream))
        return True

    def _h2_overlong(self, data: bytes) -> bool:
        """Whether ``data`` starts a frame longer than the connection takes: h2 would only say so
        once it has buffered the whole frame (up to 16 MiB), so the frame headers are followed
        here (a few steps per frame)."""
        skip, head, i, n = self.h2_skip, self.h2_head, 0, len(data)
        limit = self.h2.max_inbound_frame_size
        while i < n:
            if skip:
                taken = min(skip, n - i)
                skip -= taken
                i += taken
                continue
            piece = data[i : i + 9 - len(head)]
            head += piece
            i += len(piece)
            if len(head) == 9:
                skip = int.from_bytes(head[:3], "big")
                head = b""
                if skip > limit:
                    return True
        self.h2_skip, self.h2_head = skip, head
        return False

    def _h2_event(self, event: Any, ready: list[_Stream]) -> None:
        events = h2.events
        if isinstance(event, events.RequestReceived):
            if self.h2_peer_left:  # no new streams after the peer's GOAWAY
                self.h2.reset_stream(event.stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
                return
            self.h2_receiving[event.stream_id] = _Stream(event.stream_id, list(event.headers))
        elif isinstance(event, events.DataReceived):
            stream = self.h2_receiving.get(event.stream_id)
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if stream is not None and stream.refused is None and event.data:
                stream.size += len(event.data)
                if stream.size > self.adj.max_request_body_size:
                    stream.refused, stream.body = 413, None
                else:
                    if stream.body is None:
                        # closed once answered (h2_answer)
                        stream.body = tempfile.SpooledTemporaryFile(max_size=self.adj.inbuf_overflow)  # noqa: SIM115
                    stream.body.write(event.data)
        elif isinstance(event, events.StreamEnded):
            stream = self.h2_receiving.pop(event.stream_id, None)
            if stream is not None:
                self.h2_answering[stream.id] = stream
                ready.append(stream)
        elif isinstance(event, events.StreamReset):
            self.h2_receiving.pop(event.stream_id, None)
            stream = self.h2_answering.pop(event.stream_id, None)
            if stream is not None:
                stream.ended = True
            self.h2_window.notify_all()
        elif isinstance(event, (events.WindowUpdated, events.RemoteSettingsChanged)):
            self.h2_window.notify_all()
        elif isinstance(event, events.ConnectionTerminated):  # the peer's GOAWAY: no new streams
            if event.error_code:  # the peer saw an error: nothing more is sent
                self.h2_closed = True
                self.close_when_flushed = True
            self.h2_peer_left = True
            self.h2_receiving.clear()
            if not self.h2_answering:
                self.close_when_flushed = True
            self.h2_window.notify_all()

    def _h2_fail(self, code: int, why: str) -> None:
        """The peer broke the protocol: GOAWAY with ``code``, then close (lock held)."""
        log.debug("HTTP/2 connection from %s closed: %s", self.addr, why)
        with contextlib.suppress(Exception):
            self.h2.close_connection(error_code=code, additional_data=why[:200].encode("utf-8", "replace"))
        self.h2_goaway_sent = True
        self.h2_closed = True
        self.close_when_flushed = True
        self.h2_window.notify_all()

    def readable(self) -> bool:
        # unlike HTTP/1.1, read while answers are being sent (the peer's WINDOW_UPDATEs come in
        # that way), unless the peer does not read what is sent
        return not (
            self.will_close or self.close_when_flushed or self.total_outbufs_len > self.adj.outbuf_high_watermark
        )

    def handle_write(self) -> None:
        # worker threads append to the buffers: flush under their lock (HTTP/1.1 channels flush
        # without it when no request runs, which here would race)
        with self.outbuf_lock:
            self._flush_exception(self._flush_some, do_close=False)
            self.outbuf_lock.notify_all()
        if self.close_when_flushed and not self.total_outbufs_len:
            self.close_when_flushed = False
            self.will_close = True
        if self.will_close:
            self.handle_close()

    def handle_close(self) -> None:
        self._h2_goodbye()
        super().handle_close()  # type: ignore[misc]

    def close(self) -> None:
        self._h2_goodbye()
        super().close()  # type: ignore[misc]

    def _h2_goodbye(self) -> None:
        """The connection is closing (or the server stopping): a GOAWAY sent now, as far as the
        socket takes it (best effort: the lock may be held by the caller's own thread, the peer
        may be gone), and every worker waiting on the peer told."""
        if self.h2_goaway_sent:
            return
        if not self.h2_lock.acquire(timeout=0.05):
            self.h2_closed = True
            return
        try:
            self.h2_goaway_sent = self.h2_closed = True
            with contextlib.suppress(Exception):
                self.h2.close_connection()
                self._h2_out()
            self.h2_window.notify_all()
        finally:
            self.h2_lock.release()

    # -- both sides ---------------------------------------------------------------------

    def _h2_out(self) -> None:
        """Queue what the state machine has to send (lock held), send what the socket takes now
        and wake the event loop for the rest. A peer that does not read makes the buffers grow
        until :meth:`readable` stops reading its frames; a worker then waits (see ``_h2_send``)."""
        data = self.h2.data_to_send()
        if not data:
            return
        with self.outbuf_lock:
            if not self.connected:
                return
            if self.current_outbuf_count >= self.adj.outbuf_high_watermark:
                from waitress.buffers import OverflowableBuffer

                self.outbufs.append(OverflowableBuffer(self.adj.outbuf_overflow))
                self.current_outbuf_count = 0
            self.outbufs[-1].append(data)
            self.current_outbuf_count += len(data)
            self.total_outbufs_len += len(data)
            self._flush_exception(self._flush_some, do_close=False)
        if self.total_outbufs_len or self.will_close:
            self._h2_wake()

    def _h2_wake(self) -> None:
        """Wake the event loop (to send, or to close); nothing when the server is closed."""
        with contextlib.suppress(OSError, ValueError):
            self.server.pull_trigger()

    # -- a worker's side ----------------------------------------------------------------

    def h2_answer(self, stream: _Stream) -> None:
        """Run the app for ``stream`` and send its answer (a worker thread). A streamed answer
        (an iterable the app makes as it goes: a file read a chunk at a time, an event stream
        that waits for its events) is sent from a thread of its own, so it holds no worker."""
        sent = [False]
        streaming = False
        try:
            if stream.refused is not None:
                self._h2_plain(stream, stream.refused, sent)
                return
            env = self._h2_environ(stream)
            if env is None:
                self._h2_plain(stream, 400, sent)
                return
            answer: list[Any] = []

            def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
                if exc_info is not None and sent[0]:
                    raise exc_info[1].with_traceback(exc_info[2])
                answer[:] = [status, headers]
                return lambda data: self._h2_send(stream, answer, sent, data, False)

            body: Iterable[bytes] = self.server.application(env, start_response)
            if isinstance(body, (list, tuple)):
                self._h2_body(stream, answer, sent, body)
                return
            streaming = True
            threading.Thread(
                target=self._h2_streamed, args=(stream, answer, sent, body), name="awsmock-h2-stream", daemon=True
            ).start()
        except Exception as exc:
            self._h2_failed(stream, sent, exc)
        finally:
            if not streaming:
                self._h2_done(stream)

    def _h2_streamed(self, stream: _Stream, answer: list[Any], sent: list[bool], body: Iterable[bytes]) -> None:
        try:
            self._h2_body(stream, answer, sent, body)
        except Exception as exc:
            self._h2_failed(stream, sent, exc)
        finally:
            self._h2_done(stream)

    def _h2_body(self, stream: _Stream, answer: list[Any], sent: list[bool], body: Iterable[bytes]) -> None:
        try:
            for chunk in body:
                if chunk:
                    self._h2_send(stream, answer, sent, chunk, False)
            self._h2_send(stream, answer, sent, b"", True)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    def _h2_failed(self, stream: _Stream, sent: list[bool], exc: Exception) -> None:
        if isinstance(exc, Gone) or self.h2_closed:  # the peer reset the stream or left: nobody to answer
            return
        log.error("internal error answering an HTTP/2 request", exc_info=exc)
        with contextlib.suppress(Gone):
            if not sent[0]:
                self._h2_plain(stream, 500, sent)
            else:
                self._h2_reset(stream, h2.errors.ErrorCodes.INTERNAL_ERROR)

    def _h2_done(self, stream: _Stream) -> None:
        if stream.body is not None:
            with contextlib.suppress(Exception):
                stream.body.close()
        with self.h2_lock:
            self.h2_answering.pop(stream.id, None)
            if self.h2_peer_left and not self.h2_answering:
                self.close_when_flushed = True
        if self.close_when_flushed:
            self._h2_wake()

    def _h2_plain(self, stream: _Stream, status: int, sent: list[bool]) -> None:
        text = _MESSAGES[status]
        answer = [f"{status} {text.decode()}", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))]]
        self._h2_send(stream, answer, sent, text, True)

    def _h2_reset(self, stream: _Stream, code: int) -> None:
        with self.h2_lock:
            if not stream.ended and not self.h2_closed:
                stream.ended = True
                with contextlib.suppress(h2.exceptions.ProtocolError):
                    self.h2.reset_stream(stream.id, code)
                self._h2_out()

    def _h2_send(self, stream: _Stream, answer: list[Any], sent: list[bool], data: bytes, end: bool) -> None:
        """Send the answer's headers (the first time) and ``data`` (``end``: the last of it),
        within the peer's flow control windows."""
        if not answer:
            raise RuntimeError("the app sent a body before start_response")
        view = memoryview(data)
        passed = False  # the worker's turn, passed on once it has to wait for the peer
        while True:
            with self.h2_lock:
                try:
                    step = self._h2_step(stream, answer, sent, view, end)
                except h2.exceptions.ProtocolError:  # the stream (or the connection) closed meanwhile
                    stream.ended = True
                    raise Gone() from None
                self._h2_out()
                if step is None:
                    return
                view = view[step:]
                if not step and passed:  # no window: wait for the peer's WINDOW_UPDATE (or the end)
                    self.h2_window.wait(WAIT_SLICE)
                    continue
            if not step:
                passed = True
                turns.pass_turn()  # other requests need not wait for this peer
            elif self.total_outbufs_len > self.adj.outbuf_high_watermark:
                self._flush_outbufs_below_high_watermark()  # the peer reads slowly: let it catch up

    def _h2_step(self, stream: _Stream, answer: list[Any], sent: list[bool], view: memoryview, end: bool) -> int | None:
        """One step of :meth:`_h2_send` (lock held): the bytes of ``view`` sent (0: the window is
        shut), or None when all is sent."""
        if stream.ended or self.h2_closed:
            raise Gone()
        conn = self.h2
        if not sent[0]:
            sent[0] = True
            conn.send_headers(stream.id, _headers(answer, self.adj.ident), end_stream=end and not view)
            if end and not view:
                stream.ended = True
                return None
        if not view:
            if end:
                stream.ended = True
                conn.end_stream(stream.id)
            return None
        size = min(conn.local_flow_control_window(stream.id), conn.max_outbound_frame_size, len(view))
        if size <= 0:
            return 0
        last = end and size == len(view)
        conn.send_data(stream.id, view[:size].tobytes(), end_stream=last)
        self.last_activity = time.time()
        if last:
            stream.ended = True
            return None
        if size == len(view):
            return None
        return size

    def _h2_environ(self, stream: _Stream) -> dict[str, Any] | None:
        """The WSGI environ of a request stream, as waitress builds one for HTTP/1.1 (None: the
        request lacks what a request needs)."""
        server = self.server
        pseudo: dict[bytes, bytes] = {}
        env: dict[str, Any] = {}
        for raw_name, raw_value in stream.headers:
            if raw_name.startswith(b":"):
                pseudo[raw_name] = raw_value
                continue
            name = raw_name.decode("latin-1")
            if "_" in name:  # as waitress: would pass for a header with a dash
                continue
            value = raw_value.decode("latin-1")
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                if key == "CONTENT_TYPE":
                    env[key] = value
                continue
            key = "HTTP_" + key
            if key in env:
                env[key] += ("; " if key == "HTTP_COOKIE" else ", ") + value
            else:
                env[key] = value
        method, target = pseudo.get(b":method"), pseudo.get(b":path")
        if not method or not target:
            return None
        raw_uri = target.decode("latin-1")
        path, _, query = raw_uri.partition("?")
        path = unquote_to_bytes(path).decode("latin-1")
        if path.startswith("/"):
            path = "/" + path.lstrip("/")
        authority = pseudo.get(b":authority")
        if authority and "HTTP_HOST" not in env:
            env["HTTP_HOST"] = authority.decode("latin-1")
        body = stream.body
        if body is None:
            body = io.BytesIO()
        body.seek(0)
        env.update(
            {
                "REMOTE_ADDR": self.addr[0] if self.addr else "",
                "REMOTE_HOST": self.addr[0] if self.addr else "",
                "REMOTE_PORT": str(self.addr[1]) if self.addr and len(self.addr) > 1 else "",
                "REQUEST_METHOD": method.decode("latin-1").upper(),
                "SERVER_PORT": str(server.effective_port),
                "SERVER_NAME": server.server_name,
                "SERVER_SOFTWARE": self.adj.ident,
                "SERVER_PROTOCOL": "HTTP/2.0",
                "SCRIPT_NAME": "",
                "PATH_INFO": path,
                "REQUEST_URI": raw_uri,
                "QUERY_STRING": query,
                "CONTENT_LENGTH": str(stream.size),
                "wsgi.url_scheme": (pseudo.get(b":scheme") or b"http").decode("latin-1"),
                "wsgi.version": (1, 0),
                "wsgi.errors": sys.stderr,
                "wsgi.multithread": True,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
                "wsgi.input": body,
                "wsgi.input_terminated": True,
            }
        )
        stream.body = body
        return env


def _headers(answer: list[Any], ident: str) -> list[tuple[bytes, bytes]]:
    status, given = answer
    out = [(b":status", status[:3].encode("ascii"))]
    names: set[str] = set()
    for name, value in given:
        low = name.lower()
        if low in _HOP_BY_HOP:
            continue
        names.add(low)
        out.append((low.encode("latin-1"), str(value).encode("latin-1")))
    if "date" not in names:
        out.append((b"date", formatdate(usegmt=True).encode("ascii")))
    if "server" not in names:
        out.append((b"server", ident.encode("latin-1")))
    return out


class StreamTask:
    """One request stream, as a task of the server's task dispatcher."""

    __slots__ = ("channel", "stream")

    def __init__(self, channel: H2Channel, stream: _Stream) -> None:
        self.channel = channel
        self.stream = stream

    def service(self) -> None:
        self.channel.h2_answer(self.stream)

    def cancel(self) -> None:  # the server stops before a worker took it
        if self.stream.body is not None:
            with contextlib.suppress(Exception):
                self.stream.body.close()

    def defer(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"<HTTP/2 stream {self.stream.id} from {self.channel.addr}>"
