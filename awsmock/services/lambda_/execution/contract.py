"""What the Invoke handlers hand to the execution engine, and what they get back.

The handlers (``awsmock.services.lambda_``) read a function's stored configuration and code in
a transaction, build a :class:`FunctionImage`, and — outside any transaction and outside the
server's request gate — ask the engine to run one :class:`Invocation` in a warm or new
execution environment (:func:`awsmock.services.lambda_.execution.invoke`). The engine knows
nothing of the database: ``code`` and ``layers`` are loaders it calls only when it builds a new
environment for an image it has not unpacked yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: variables a function's configuration may not set (AWS refuses them; the control plane checks,
#: the engine never lets one through)
RESERVED_ENVIRONMENT = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECRET_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


@dataclass(frozen=True)
class Archive:
    """A zip archive (function code or a layer version) named by its SHA-256 (hex): ``load()``
    returns its bytes; unpacked once per process and reused while the digest is the same."""

    sha256: str
    load: Callable[[], bytes]


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str


@dataclass(frozen=True)
class FunctionImage:
    """One version of one function as its execution environments see it. Environments are
    reused only for the same ``identity`` (the function ARN qualified by version, plus the
    revision id of its configuration): a changed configuration or code gets new ones."""

    account: str
    region: str
    function_name: str
    function_arn: str  # qualified: ...:function:name:$LATEST or :1
    version: str  # "$LATEST" or "1", "2", ...
    revision_id: str
    package_type: str  # "Zip" or "Image"
    runtime: str | None  # "python3.12", "nodejs20.x", "provided.al2023", ... (None for Image)
    handler: str | None
    code: Archive | None  # None for Image
    image_uri: str | None
    layers: tuple[Archive, ...]
    environment: Mapping[str, str]
    memory_mb: int
    timeout_s: int
    ephemeral_storage_mb: int
    architectures: tuple[str, ...]
    log_group: str  # "/aws/lambda/<name>"
    credentials: Credentials | None  # of the execution role, from STS
    #: the AWS endpoint the function's own SDK calls must reach (this awsmock), e.g.
    #: "http://127.0.0.1:4566"; the engine sets AWS_ENDPOINT_URL from it
    aws_endpoint: str

    @property
    def identity(self) -> str:
        return f"{self.function_arn}#{self.revision_id}"


@dataclass(frozen=True)
class Invocation:
    request_id: str
    payload: bytes
    client_context: str | None = None  # base64 JSON, as Invoke's X-Amz-Client-Context
    cognito_identity: str | None = None
    #: the invoked ARN as the caller named it (an alias ARN when invoked through one)
    invoked_arn: str | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LogLine:
    at: dt.datetime  # UTC
    message: str


@dataclass(frozen=True)
class Outcome:
    """What one invocation did. ``error_type`` is None on success; else AWS's ``FunctionError``
    is ``Unhandled`` and ``payload`` the error document AWS returns (``errorMessage``,
    ``errorType``, ``stackTrace``; for a timeout ``"Task timed out after N.NN seconds"``; for a
    runtime that cannot start, ``Runtime.ExitError``/``Runtime.InvalidEntrypoint``/
    ``Runtime.ImportModuleError`` as AWS names them)."""

    payload: bytes
    error_type: str | None
    #: the function's output lines, START/END/REPORT included as AWS writes them
    logs: tuple[LogLine, ...]
    duration_ms: float
    billed_duration_ms: int
    max_memory_used_mb: int
    init_duration_ms: float | None  # set on a cold start
    #: the environment could not serve (unsupported runtime, nothing to run it with): the
    #: handler answers this as a service error, not a function error; e.g. ("InvalidRuntimeException", "...")
    service_error: tuple[str, str] | None = None

    @classmethod
    def refused(cls, code: str, message: str) -> Outcome:
        """The invocation did not run: a service error ``code`` with ``message``."""
        return cls(
            payload=b"",
            error_type=None,
            logs=(),
            duration_ms=0.0,
            billed_duration_ms=0,
            max_memory_used_mb=0,
            init_duration_ms=None,
            service_error=(code, message),
        )
