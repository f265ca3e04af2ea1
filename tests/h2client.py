"""A small HTTP/2 client with prior knowledge (h2c), on the ``h2`` package, for tests of the
server's HTTP/2 side: requests on streams of one connection, AWS JSON calls signed by botocore,
answers gathered per stream, and what the server sends about the connection (GOAWAY)."""

from __future__ import annotations

import json
import socket
from typing import Any

import h2.config
import h2.connection
import h2.events
import h2.settings
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class Answer:
    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.ended = False
        self.reset: int | None = None  # the RST_STREAM error code, when the server reset the stream

    def json(self) -> Any:
        return json.loads(self.body)


class H2Client:
    def __init__(self, port: int, *, timeout: float = 20.0, window: int | None = None) -> None:
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))
        if window is not None:  # the receive window the server must keep to (per stream)
            self.conn.local_settings = h2.settings.Settings(
                client=True, initial_values={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window}
            )
        self.conn.initiate_connection()
        self.answers: dict[int, Answer] = {}
        self.terminated: h2.events.ConnectionTerminated | None = None
        self.closed = False
        self.flush()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> H2Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def request(self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> int:
        sid: int = self.conn.get_next_available_stream_id()
        hdrs = [(":method", method), (":path", path), (":scheme", "http"), (":authority", f"127.0.0.1:{self.port}")]
        hdrs += [(k.lower(), v) for k, v in (headers or {}).items() if k.lower() != "host"]
        self.answers[sid] = Answer()
        self.conn.send_headers(sid, hdrs, end_stream=not body)
        view = memoryview(body)
        while view:
            size = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size, len(view))
            if size <= 0:
                self.flush()
                self.read_some()
                continue
            self.conn.send_data(sid, view[:size].tobytes(), end_stream=size == len(view))
            view = view[size:]
        self.flush()
        return sid

    def aws(self, target: str, payload: dict[str, Any], *, service: str = "kinesis", version: str = "1.1") -> int:
        """A signed AWS JSON-protocol call (``target``: the X-Amz-Target) on a new stream."""
        body = json.dumps(payload).encode()
        req = AWSRequest(
            "POST",
            f"http://127.0.0.1:{self.port}/",
            data=body,
            headers={"X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"},
        )
        SigV4Auth(Credentials("testing", "testing"), service, "us-east-1").add_auth(req)
        return self.request("POST", "/", dict(req.headers.items()), body)

    def kinesis(self, operation: str, payload: dict[str, Any]) -> Answer:
        """One Kinesis call, waited for."""
        return self.wait(self.aws(f"Kinesis_20131202.{operation}", payload))[0]

    def read_some(self) -> list[Any]:
        """Read what the server sent (once), acknowledging data as an application reads it."""
        data = self.sock.recv(65536)
        if not data:
            self.closed = True
            raise ConnectionError("the server closed the connection")
        events = self.conn.receive_data(data)
        for ev in events:
            answer = self.answers.get(getattr(ev, "stream_id", 0) or 0)
            if isinstance(ev, h2.events.ResponseReceived) and answer is not None:
                answer.headers = {k.decode(): v.decode() for k, v in ev.headers}
                answer.status = int(answer.headers[":status"])
            elif isinstance(ev, h2.events.DataReceived):
                if answer is not None:
                    answer.body += ev.data
                self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded) and answer is not None:
                answer.ended = True
            elif isinstance(ev, h2.events.StreamReset) and answer is not None:
                answer.reset = int(ev.error_code)
                answer.ended = True
            elif isinstance(ev, h2.events.ConnectionTerminated):
                self.terminated = ev
        if self.terminated is None:
            self.flush()
        return events

    def wait(self, *sids: int) -> list[Answer]:
        while not all(self.answers[s].ended for s in sids):
            self.read_some()
        return [self.answers[s] for s in sids]

    def until_closed(self) -> None:
        """Read until the server closes the connection."""
        try:
            while True:
                self.read_some()
        except (ConnectionError, OSError):
            pass


def event_messages(data: bytes) -> list[tuple[dict[str, Any], bytes]]:
    """The messages of an ``application/vnd.amazon.eventstream`` body read so far: (string
    headers, payload) each (a partial message at the end is left out)."""
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    buffer.add_data(data)
    out = []
    try:
        for message in buffer:
            out.append((dict(message.headers), message.payload))
    except Exception:  # an incomplete message: not yet
        pass
    return out
