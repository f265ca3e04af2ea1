"""One error base class for every AWS error awsmock answers.

Services raise :class:`AwsError` (or a subclass, or an instance with a code); the protocol layer
renders it in the wire format of the service's protocol. Handlers never build error bodies.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AwsError(Exception):
    """An AWS error: ``code``, ``message``, HTTP ``status`` and who is at fault.

    ``fields`` are extra members of the modeled error shape (e.g. DynamoDB's
    ``CancellationReasons``, S3's ``BucketName``); ``headers`` are extra response headers.
    """

    code: ClassVar[str] = "InternalFailure"
    status: ClassVar[int] = 400
    sender_fault: ClassVar[bool] = True
    default_message: ClassVar[str] = ""

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        sender_fault: bool | None = None,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> None:
        self.message = self.default_message if message is None else message
        if code is not None:
            self.code = code  # type: ignore[misc]
        if status is not None:
            self.status = status  # type: ignore[misc]
        if sender_fault is not None:
            self.sender_fault = sender_fault  # type: ignore[misc]
        self.headers: dict[str, str] = dict(headers or {})
        self.fields: dict[str, Any] = fields
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status}, message={self.message!r})"


def error(code: str, message: str = "", status: int = 400, **fields: Any) -> AwsError:
    """An :class:`AwsError` with the given code (shorthand for one-off errors)."""
    return AwsError(message, code=code, status=status, sender_fault=status < 500, **fields)


class ValidationError(AwsError):
    """Input that violates the operation's input shape (the protocol picks the AWS code)."""

    code = "ValidationException"


class NotImplementedOperation(AwsError):
    code = "NotImplemented"
    status = 501
    sender_fault = False

    def __init__(self, service: str, operation: str | None) -> None:
        what = f"operation {operation} of service {service}" if operation else f"service {service}"
        super().__init__(f"awsmock does not implement the {what} yet")


class InternalError(AwsError):
    code = "InternalError"
    status = 500
    sender_fault = False
    default_message = "We encountered an internal error. Please try again."


class ServiceUnavailable(AwsError):
    code = "ServiceUnavailable"
    status = 503
    sender_fault = False
    default_message = "The service is unavailable. Please try again shortly."


class UnknownOperation(AwsError):
    """A request that names no operation the service model knows."""

    code = "UnknownOperationException"
    status = 400
