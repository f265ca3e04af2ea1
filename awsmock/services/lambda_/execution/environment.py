"""One execution environment: a subprocess running a function's runtime, the Lambda Runtime API
it talks to (a small HTTP server on 127.0.0.1, its own port, ``AWS_LAMBDA_RUNTIME_API``), and the
function's output, collected from its stdout and stderr as log lines.

An environment serves one invocation at a time. :meth:`Environment.run` hands the runtime an
invocation (its ``GET /invocation/next`` returns it), then waits for the runtime's answer
(``/response`` or ``/error``), the end of the process, or the deadline, whichever comes first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from awsmock.engine.context import utcnow
from awsmock.services.lambda_.execution.contract import FunctionImage, Invocation

#: AWS's limit on a synchronous invocation's response (6 MB, as AWS counts it)
MAX_RESPONSE_BYTES = 6_291_556
#: what one invocation keeps of the function's output (the last bytes of it)
MAX_LOG_BYTES = 1 << 20
#: the init phase's limit (AWS: 10 seconds for on-demand functions)
INIT_TIMEOUT_S = 10.0

_API = "/2018-06-01/runtime"


def monotonic() -> float:
    """Seconds on a clock no test's clock-freezing touches (freezegun patches ``time.monotonic``;
    the engine's timeouts must keep real time while a test freezes its own)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def wall_ms() -> int:
    """The real wall clock in milliseconds, as the function's own process reads it (its
    ``Lambda-Runtime-Deadline-Ms``): CLOCK_REALTIME_COARSE on Linux, which neither
    time-machine nor freezegun moves; elsewhere ``time.time()``."""
    if sys.platform.startswith("linux"):
        try:
            return int(time.clock_gettime(_CLOCK_REALTIME_COARSE) * 1000)
        except OSError:
            pass
    return int(time.time() * 1000)


_CLOCK_REALTIME_COARSE = 5  # Linux's clock id (the time module does not name it)


def _doc(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}, separators=(",", ":")).encode()


@dataclass
class Call:
    """One invocation in an environment, as the runtime API sees it."""

    invocation: Invocation
    invoked_arn: str
    timeout_s: float
    submitted_at: float = 0.0  # monotonic
    delivered_at: float | None = None  # monotonic
    deadline_ms: int = 0
    finished_at: float | None = None
    payload: bytes | None = None
    error_type: str | None = None  # the runtime's /error, or the platform's error type
    pre_lines: list[tuple[dt.datetime, str]] = field(default_factory=list)


class _LogSink:
    """The function's output, split into lines, the last ``MAX_LOG_BYTES`` of it kept."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lines: deque[tuple[dt.datetime, str]] = deque()
        self.size = 0
        self.partial: dict[int, bytes] = {}

    def feed(self, fd: int, data: bytes) -> None:
        buf = self.partial.get(fd, b"") + data
        *complete, rest = buf.split(b"\n")
        if len(rest) > MAX_LOG_BYTES:  # a line with no end in sight: cut it
            complete.append(rest)
            rest = b""
        self.partial[fd] = rest
        now = utcnow()
        for raw in complete:
            self._add(now, raw)

    def _add(self, at: dt.datetime, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace")
        self.lines.append((at, text))
        self.size += len(raw) + 1
        while self.size > MAX_LOG_BYTES and len(self.lines) > 1:
            _, dropped = self.lines.popleft()
            self.size -= len(dropped.encode("utf-8", "replace")) + 1

    def flush_partial(self) -> None:
        now = utcnow()
        for fd, rest in list(self.partial.items()):
            if rest:
                self._add(now, rest)
            self.partial[fd] = b""

    def take(self) -> list[tuple[dt.datetime, str]]:
        lines = list(self.lines)
        self.lines.clear()
        self.size = 0
        return lines


class _RuntimeAPIHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _RuntimeAPIServer

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def setup(self) -> None:
        super().setup()
        # small request/response pairs on one connection: no Nagle delay (40 ms a turn otherwise)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _answer(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _read_body(self, limit: int) -> bytes | None:
        """The request's body, or None when it is longer than ``limit`` (read and dropped)."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(1024).strip()
                size = int(line.split(b";")[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    break
                remaining = size
                while remaining:
                    chunk = self.rfile.read(min(remaining, 1 << 20))
                    if not chunk:
                        raise ConnectionError("the runtime closed the connection")
                    remaining -= len(chunk)
                    total += len(chunk)
                    if total <= limit:
                        parts.append(chunk)
                self.rfile.readline(16)
            return b"".join(parts) if total <= limit else None
        length = int(self.headers.get("Content-Length") or 0)
        if length <= limit:
            return self.rfile.read(length) if length else b""
        remaining = length
        while remaining:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)
        return None

    def do_GET(self) -> None:
        env = self.server.env
        if self.path != f"{_API}/invocation/next":
            self._answer(404, _doc("InvalidRequest", "Unknown runtime API path"))
            return
        call = env.next_call()
        if call is None:  # the environment is going away
            self.close_connection = True
            self._answer(500, _doc("Runtime.Shutdown", "The execution environment is shutting down"))
            return
        inv = call.invocation
        headers = {
            "Lambda-Runtime-Aws-Request-Id": inv.request_id,
            "Lambda-Runtime-Deadline-Ms": str(call.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": call.invoked_arn,
            "Lambda-Runtime-Trace-Id": env.trace_id(),
        }
        if inv.client_context:
            headers["Lambda-Runtime-Client-Context"] = _client_context_json(inv.client_context)
        if inv.cognito_identity:
            headers["Lambda-Runtime-Cognito-Identity"] = inv.cognito_identity
        self._answer(200, inv.payload, headers)

    def do_POST(self) -> None:
        env = self.server.env
        path = self.path
        if path == f"{_API}/init/error":
            init_body = self._read_body(MAX_RESPONSE_BYTES) or b""
            status, answer = env.init_error(init_body, self.headers.get("Lambda-Runtime-Function-Error-Type"))
            self._answer(status, answer)
            return
        prefix = f"{_API}/invocation/"
        if not path.startswith(prefix) or path.count("/") != 5:
            self._answer(404, _doc("InvalidRequest", "Unknown runtime API path"))
            return
        request_id, _, kind = path[len(prefix) :].partition("/")
        if kind not in ("response", "error"):
            self._answer(404, _doc("InvalidRequest", "Unknown runtime API path"))
            return
        body = self._read_body(MAX_RESPONSE_BYTES)
        if kind == "response":
            status, answer = env.response(request_id, body)
        else:
            status, answer = env.error(
                request_id, body, self.headers.get("Lambda-Runtime-Function-Error-Type")
            )
        self._answer(status, answer)


class _RuntimeAPIServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    env: Environment

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A runtime killed mid-request resets its connection: nothing to report."""
        return None


def _client_context_json(value: str) -> str:
    """Invoke's ``X-Amz-Client-Context`` is base64 JSON; the runtime API hands the JSON."""
    import base64
    import binascii

    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value


def _max_rss_mb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return max(1, -(-int(line.split()[1]) // 1024))
    except (OSError, ValueError, IndexError):
        pass
    return 0


_SIGNAL_WORDS = {
    signal.SIGKILL: "killed",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGILL: "illegal instruction",
    signal.SIGINT: "interrupt",
    signal.SIGPIPE: "broken pipe",
    signal.SIGHUP: "hangup",
}


def exit_reason(returncode: int) -> str:
    """The words AWS (a Go program) uses for how a runtime process ended."""
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode)
        except ValueError:
            return f"signal: signal {-returncode}"
        return f"signal: {_SIGNAL_WORDS.get(sig, sig.name.lower())}"
    return f"exit status {returncode}"


class Environment:
    """A live execution environment of one image (see the module's docstring)."""

    def __init__(self, image: FunctionImage, key: str) -> None:
        self.image = image
        self.key = key
        self.cond = threading.Condition()
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.initialized_at: float | None = None
        self.init_reported = False
        self.init_failure: tuple[bytes, str] | None = None
        self.exited: int | None = None
        self.closing = False
        self.busy = False
        self.pending: Call | None = None
        self.current: Call | None = None
        self.last_used = monotonic()
        self.sink = _LogSink()
        self.log_stream = f"{utcnow():%Y/%m/%d}/[{image.version}]{uuid.uuid4().hex}"
        self.server = _RuntimeAPIServer(("127.0.0.1", 0), _RuntimeAPIHandler)
        self.server.env = self
        self._server_thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.5},
            name="lambda-runtime-api",
            daemon=True,
        )
        self._server_thread.start()
        self._fds: dict[int, Any] = {}
        self._reader: threading.Thread | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    # -- the process ---------------------------------------------------------------------------

    def start(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        """Start the runtime; OSError when it cannot be executed at all."""
        self.started_at = monotonic()
        self.proc = subprocess.Popen(
            argv,
            cwd=str(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        for pipe in (self.proc.stdout, self.proc.stderr):
            os.set_blocking(pipe.fileno(), False)
            self._fds[pipe.fileno()] = pipe
        self._reader = threading.Thread(target=self._read_output, name="lambda-output", daemon=True)
        self._reader.start()
        threading.Thread(target=self._wait_exit, name="lambda-wait", daemon=True).start()

    def _drain_fd(self, fd: int) -> bool:
        """Read what ``fd`` holds now (the sink's lock held); False at its end."""
        while True:
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                return True
            except OSError:
                return False
            if not data:
                return False
            self.sink.feed(fd, data)

    def _read_output(self) -> None:
        sel = selectors.DefaultSelector()
        for fd in self._fds:
            sel.register(fd, selectors.EVENT_READ)
        open_fds = set(self._fds)
        try:
            while open_fds:
                for key, _ in sel.select(timeout=1.0):
                    fd = int(key.fd)
                    with self.sink.lock:
                        alive = self._drain_fd(fd)
                    if not alive:
                        sel.unregister(fd)
                        open_fds.discard(fd)
        finally:
            sel.close()
            with self.sink.lock:  # closed under the lock: sync_output never reads a reused fd
                self.sink.flush_partial()
                for pipe in self._fds.values():
                    try:
                        pipe.close()
                    except OSError:
                        pass

    def sync_output(self) -> None:
        """Take in everything the function has written so far (what is in the pipes now)."""
        with self.sink.lock:
            for fd, pipe in self._fds.items():
                if not pipe.closed:
                    self._drain_fd(fd)

    def settle(self, timeout: float = 2.0) -> None:
        """After a kill: wait (briefly) for the process to end and its output to be read."""
        if self.proc is not None:
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        if self._reader is not None:
            self._reader.join(timeout)

    def _wait_exit(self) -> None:
        assert self.proc is not None
        code = self.proc.wait()
        with self.cond:
            self.exited = code
            self.cond.notify_all()

    def kill(self) -> None:
        """End the environment: its whole process group, and its runtime API server."""
        with self.cond:
            self.closing = True
            self.cond.notify_all()
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                try:
                    self.proc.kill()
                except OSError:
                    pass
        elif self.proc is not None:
            try:  # the runtime is gone; what it started may not be
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        threading.Thread(target=self._close_server, name="lambda-runtime-api-close", daemon=True).start()

    def _close_server(self) -> None:
        try:
            self.server.shutdown()
            self.server.server_close()
        except OSError:
            pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def max_memory_mb(self) -> int:
        return _max_rss_mb(self.proc.pid) if self.proc is not None else 0

    def trace_id(self) -> str:
        return (
            f"Root=1-{wall_ms() // 1000:08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"
        )

    # -- the runtime API's side ----------------------------------------------------------------

    def next_call(self) -> Call | None:
        with self.cond:
            if self.current is not None and self.current.finished_at is None and self.current.delivered_at:
                # the runtime asks for more before answering: the invocation ends without an answer
                self.current.finished_at = monotonic()
                self.cond.notify_all()
            if self.initialized_at is None:
                self.initialized_at = monotonic()
                self.cond.notify_all()
            while self.pending is None and not self.closing:
                self.cond.wait()
            if self.closing or self.pending is None:
                return None
            call = self.pending
            self.pending = None
            self.sync_output()
            with self.sink.lock:
                call.pre_lines = self.sink.take()
            call.delivered_at = monotonic()
            # the deadline the function sees is on its own (real) clock
            call.deadline_ms = wall_ms() + int(call.timeout_s * 1000)
            self.current = call
            self.cond.notify_all()
            return call

    def _finish(self, request_id: str, payload: bytes, error_type: str | None) -> tuple[int, bytes]:
        with self.cond:
            call = self.current
            if call is None or call.invocation.request_id != request_id or call.delivered_at is None:
                return 400, _doc("InvalidRequestID", "Invalid request ID")
            if call.finished_at is not None:
                return 400, _doc("InvalidStateTransition", "State transition is not allowed")
            call.payload = payload
            call.error_type = error_type
            call.finished_at = monotonic()
            self.cond.notify_all()
        return 202, b'{"status":"OK"}'

    def response(self, request_id: str, body: bytes | None) -> tuple[int, bytes]:
        if body is None:
            message = (
                f"Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
            )
            status, answer = self._finish(
                request_id, _doc("Function.ResponseSizeTooLarge", message), "Function.ResponseSizeTooLarge"
            )
            if status != 202:
                return status, answer
            return 413, _doc(
                "RequestEntityTooLarge",
                f"Exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
            )
        return self._finish(request_id, body, None)

    def error(self, request_id: str, body: bytes | None, error_type: str | None) -> tuple[int, bytes]:
        return self._finish(request_id, _error_payload(body, error_type), error_type or "Unhandled")

    def init_error(self, body: bytes, error_type: str | None) -> tuple[int, bytes]:
        with self.cond:
            if self.initialized_at is not None:
                return 403, _doc("InvalidStateTransition", "State transition from Ready to InitError failed")
            self.init_failure = (_error_payload(body, error_type), error_type or "Runtime.Unknown")
            self.cond.notify_all()
        return 202, b'{"status":"OK"}'

    # -- the invoker's side --------------------------------------------------------------------

    def submit(self, call: Call) -> None:
        with self.cond:
            call.submitted_at = monotonic()
            self.pending = call
            self.current = None
            self.cond.notify_all()

    def wait(self, call: Call, init_timeout_s: float) -> str:
        """Wait for ``call``'s end: "done", "timeout", "init-timeout", "init-error" or "exit"."""
        with self.cond:
            while True:
                now = monotonic()
                if call.finished_at is not None:
                    return "done"
                if self.init_failure is not None and call.delivered_at is None:
                    return "init-error"
                if self.exited is not None:
                    return "exit"
                if self.closing:
                    return "exit"
                if call.delivered_at is None and self.initialized_at is None:
                    limit = self.started_at + init_timeout_s
                    if now >= limit:
                        return "init-timeout"
                elif call.delivered_at is None:  # a warm runtime that does not come back for more
                    limit = call.submitted_at + call.timeout_s
                    if now >= limit:
                        return "timeout"
                else:
                    limit = call.delivered_at + call.timeout_s
                    if now >= limit:
                        return "timeout"
                self.cond.wait(max(0.0, min(limit - now, 1.0)))


def _error_payload(body: bytes | None, error_type: str | None) -> bytes:
    """What the caller gets for a runtime's error report: the runtime's JSON document as it sent
    it; a body that is not a JSON object becomes AWS's minimal document."""
    if body:
        try:
            if isinstance(json.loads(body), dict):
                return body
        except ValueError:
            pass
    return _doc(error_type or "Unhandled", (body or b"").decode("utf-8", "replace"))
