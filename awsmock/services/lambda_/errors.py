"""Lambda's errors: the model's shapes (code, status and fault from botocore), in AWS's words.
Lambda's error bodies carry ``Type`` (``User`` for the caller's faults, ``Service`` otherwise)."""

from __future__ import annotations

from typing import Any

from awsmock.engine.errors import ModeledError


class LambdaError(ModeledError, service="lambda"):
    def __init__(self, message: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.fields.setdefault("Type", "User" if self.sender_fault else "Service")


class InvalidParameterValueException(LambdaError):
    pass


class InvalidRequestContentException(LambdaError):
    pass


class ResourceNotFoundException(LambdaError):
    default_message = "The resource you requested does not exist."


class ResourceConflictException(LambdaError):
    pass


class PreconditionFailedException(LambdaError):
    pass


class PolicyLengthExceededException(LambdaError):
    pass


class RequestTooLargeException(LambdaError):
    pass


class TooManyRequestsException(LambdaError):
    pass


class ProvisionedConcurrencyConfigNotFoundException(LambdaError):
    default_message = "No Provisioned Concurrency Config found for this function"


class CodeSigningConfigNotFoundException(LambdaError):
    pass


class CodeStorageExceededException(LambdaError):
    pass


class ServiceException(LambdaError):
    pass


class InvalidRuntimeException(LambdaError):
    pass


class ResourceNotReadyException(LambdaError):
    pass


def validation(value: object, member: str, constraint: str) -> Exception:
    """A ValidationException in the words of Lambda's model-driven validation."""
    from awsmock.engine.errors import AwsError, constraint_message

    return AwsError(constraint_message(value, member, constraint), code="ValidationException", status=400)


def invalid_marker(token: str) -> InvalidParameterValueException:
    return InvalidParameterValueException("Invalid marker value.")


def revision_mismatch(what: str = "GetFunction/GetAlias") -> PreconditionFailedException:
    return PreconditionFailedException(
        "The Revision Id provided does not match the latest Revision Id. "
        f"Call the {what} API to retrieve the latest Revision Id"
    )
