"""One error base class for every AWS error awsmock answers.

Services raise :class:`AwsError` (or a subclass, or an instance with a code); the protocol layer
renders it in the wire format of the service's protocol. Handlers never build error bodies.

An error the service's model describes takes its code, HTTP status and fault from the model's
error shape (:class:`ModeledError`); a service writes by hand only what the model does not
carry (its default message) or what AWS does otherwise::

    class SqsError(ModeledError, service="sqs"):
        pass

    class QueueDoesNotExist(SqsError):  # the shape of that name: code, status, fault
        default_message = "The specified queue does not exist."
"""

from __future__ import annotations

from typing import Any, ClassVar

from awsmock.engine import specs


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


class ModeledError(AwsError):
    """An error of its service's model, named like its error shape (or ``shape=``): code, HTTP
    status and fault are the shape's, read from the model the first time one is raised.

    ``class FooError(ModeledError, service="foo")`` makes the service's base; its subclasses are
    the shapes. A name the model lacks fails at the first raise (and in the suite, which raises
    every one).
    """

    service: ClassVar[str] = ""
    shape_name: ClassVar[str] = ""

    def __init_subclass__(cls, service: str | None = None, shape: str | None = None, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if service is not None:  # a service's base: no shape of its own
            cls.service = service
            return
        if shape is None and cls.shape_name:  # a variant of its parent's shape
            return
        cls.shape_name = shape or cls.__name__
        cls.code = cls.shape_name  # protocols write the shape's wire code for it
        cls._from_model = False

    _from_model: ClassVar[bool] = True

    def __init__(self, message: str | None = None, **kw: Any) -> None:
        cls = type(self)
        if not cls.__dict__.get("_from_model", True):
            cls.read_model()
        super().__init__(message, **kw)

    @classmethod
    def read_model(cls) -> None:
        """Take the status and fault from the service's error shape (once per class)."""
        shape = specs.error_shape(cls.service, cls.shape_name)
        if shape is None:
            raise TypeError(
                f"{cls.service}'s model has no error shape {cls.shape_name!r} ({cls.__qualname__})"
            )
        facts = shape.metadata.get("error") or {}
        status = int(facts.get("httpStatusCode") or (500 if shape.metadata.get("fault") else 400))
        if "status" not in cls.__dict__:
            cls.status = status
        if "sender_fault" not in cls.__dict__:
            cls.sender_fault = bool(
                facts.get("senderFault", status < 500 and not shape.metadata.get("fault"))
            )
        cls._from_model = True


def constraint_message(value: object, member: str, constraint: str) -> str:
    """AWS's words for one broken input constraint (the validation services run themselves, in
    the text their model-driven validation uses): ``1 validation error detected: Value 'x' at
    'member' failed to satisfy constraint: ...``."""
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"


def error(code: str, message: str = "", status: int = 400, **fields: Any) -> AwsError:
    """An :class:`AwsError` with the given code (shorthand for one-off errors)."""
    return AwsError(message, code=code, status=status, sender_fault=status < 500, **fields)


class NotImplementedOperation(AwsError):
    code = "NotImplemented"
    status = 501
    sender_fault = False

    def __init__(self, service: str, operation: str | None, *, message: str | None = None) -> None:
        what = f"operation {operation} of service {service}" if operation else f"service {service}"
        super().__init__(message or f"awsmock does not implement the {what} yet")


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
