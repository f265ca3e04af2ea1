"""awsmock's runtime for Python functions: the loop AWS's Python runtime runs, talking to the
Lambda Runtime API at ``AWS_LAMBDA_RUNTIME_API``.

Never imported by awsmock: the engine copies this file into an execution environment's runtime
directory and runs it with the function's interpreter (any local Python 3), so it uses only the
standard library. ``argv``: this file, the ``/opt`` directory, the directory of a fallback AWS SDK
(boto3) to append to ``sys.path`` (either may be empty).

It behaves as AWS's runtime does: the handler named by ``_HANDLER`` (``module.function``, the
module a path under ``LAMBDA_TASK_ROOT``) is loaded once at init; a failure to load it is posted
to ``/runtime/init/error`` with AWS's error types and texts (``Runtime.ImportModuleError``,
``Runtime.HandlerNotFound``, ...); each event is passed with a context object; a raised exception
is reported as ``{errorMessage, errorType, requestId, stackTrace}`` and logged as ``[ERROR] ...``.
"""

from __future__ import annotations

import http.client
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback
from typing import Any

_API = "/2018-06-01/runtime"
_request_id = ""


class _Fault(Exception):
    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


class _Client:
    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.host = host or "127.0.0.1"
        self.port = int(port)
        self.conn: http.client.HTTPConnection | None = None

    def call(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port)
                self.conn.connect()
                if self.conn.sock is not None:
                    self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                return resp.status, resp.headers, resp.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _error_doc(message: str, error_type: str, trace: list[str] | None, request_id: str) -> dict[str, Any]:
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id,
        "stackTrace": trace or [],
    }


def _log_error(doc: dict[str, Any]) -> None:
    text = "[ERROR]"
    if doc.get("errorType"):
        text += " " + doc["errorType"]
    if doc.get("errorMessage"):
        text += (":" if doc.get("errorType") else "") + " " + doc["errorMessage"]
    lines = [text]
    trace = doc.get("stackTrace")
    if trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in trace:
            lines.extend(element.splitlines() or [""])
    # one log event, as AWS's runtime writes it: the lines joined by carriage returns
    sys.stdout.write("\r".join(lines) + "\n")
    sys.stdout.flush()


def _user_frames(tb: Any) -> list[str]:
    frames = traceback.extract_tb(tb)
    here = os.path.abspath(__file__)
    while frames and os.path.abspath(frames[0].filename) == here:
        frames = traceback.StackSummary.from_list(list(frames)[1:])
    return traceback.format_list(frames)


def _load_handler(spec: str) -> Any:
    try:
        modname, fname = spec.rsplit(".", 1)
    except ValueError as exc:
        raise _Fault("Runtime.MalformedHandlerName", f"Bad handler '{spec}': {exc}") from None
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise _Fault(
                "Runtime.BuiltInModuleConflict",
                f"Cannot use built-in module {modname} as a handler module",
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as exc:
        raise _Fault("Runtime.ImportModuleError", f"Unable to import module '{modname}': {exc}") from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise _Fault(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{modname}': {exc}", trace
        ) from None
    try:
        return getattr(module, fname)
    except AttributeError:
        raise _Fault("Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'") from None


class _Obj:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({inner})"


class Client(_Obj):
    pass


class ClientContext(_Obj):
    pass


class CognitoIdentity(_Obj):
    pass


class LambdaContext:
    def __init__(
        self,
        request_id: str,
        invoked_arn: str,
        deadline_ms: int,
        client_context: dict[str, Any] | None,
        identity: dict[str, Any] | None,
    ) -> None:
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_arn
        self.client_context: ClientContext | None = None
        if isinstance(client_context, dict):
            client = client_context.get("client")
            self.client_context = ClientContext(
                client=Client(**client) if isinstance(client, dict) else None,
                custom=client_context.get("custom"),
                env=client_context.get("env"),
            )
        identity = identity if isinstance(identity, dict) else {}
        self.identity = CognitoIdentity(
            cognito_identity_id=identity.get("cognitoIdentityId"),
            cognito_identity_pool_id=identity.get("cognitoIdentityPoolId"),
        )
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
            f"identity={self.identity}])"
        )


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        return True


class _Handler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record).replace("\n", "\r")
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


def _setup_logging() -> None:
    handler = _Handler()
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)


def _setup_path(opt: str, sdk: str) -> str:
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if p and os.path.abspath(p) != here]
    front = [task_root]
    if opt:
        version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
        front += [os.path.join(opt, "python", "lib", version, "site-packages"), os.path.join(opt, "python")]
    sys.path[:] = front + [p for p in rest if p not in front] + ([sdk] if sdk else [])
    return task_root


def _parse_header(value: str | None, what: str) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError as exc:
        raise _Fault("Runtime.LambdaContextUnmarshalError", f"Unable to parse {what} JSON: {exc}") from None


def _invoke(client: _Client, handler: Any, headers: http.client.HTTPMessage, body: bytes) -> None:
    global _request_id
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    _request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    error: dict[str, Any] | None = None
    result = b""
    try:
        context = LambdaContext(
            request_id,
            headers.get("Lambda-Runtime-Invoked-Function-Arn", ""),
            int(headers.get("Lambda-Runtime-Deadline-Ms", "0") or 0),
            _parse_header(headers.get("Lambda-Runtime-Client-Context"), "Client Context"),
            _parse_header(headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity"),
        )
        try:
            event = json.loads(body) if body else None
        except ValueError as exc:
            raise _Fault("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}") from None
        response = handler(event, context)
        try:
            result = _json(response)
        except (TypeError, ValueError) as exc:
            raise _Fault("Runtime.MarshalError", f"Unable to marshal response: {exc}") from None
    except _Fault as fault:
        error = _error_doc(fault.message, fault.error_type, fault.trace, request_id)
    except Exception as exc:
        error = _error_doc(str(exc), type(exc).__name__, _user_frames(exc.__traceback__), request_id)
    sys.stdout.flush()
    sys.stderr.flush()
    if error is not None:
        _log_error(error)
        client.call(
            "POST",
            f"{_API}/invocation/{request_id}/error",
            _json(error),
            {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]},
        )
    else:
        client.call(
            "POST",
            f"{_API}/invocation/{request_id}/response",
            result,
            {"Content-Type": "application/json"},
        )


def main() -> None:
    opt = sys.argv[1] if len(sys.argv) > 1 else ""
    sdk = sys.argv[2] if len(sys.argv) > 2 else ""
    del sys.argv[1:]
    client = _Client(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = _setup_path(opt, sdk)
    try:
        os.chdir(task_root)
    except OSError:
        pass
    _setup_logging()
    error: dict[str, Any] | None = None
    try:
        handler = _load_handler(os.environ.get("_HANDLER", ""))
    except _Fault as fault:
        error = _error_doc(fault.message, fault.error_type, fault.trace, "")
    except Exception as exc:
        error = _error_doc(str(exc), type(exc).__name__, _user_frames(exc.__traceback__), "")
    if error is not None:
        _log_error(error)
        client.call(
            "POST",
            f"{_API}/init/error",
            _json(error),
            {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]},
        )
        sys.exit(1)
    while True:
        status, headers, body = client.call("GET", f"{_API}/invocation/next")
        if status != 200:
            sys.exit(1)
        _invoke(client, handler, headers, body)


if __name__ == "__main__":
    main()
