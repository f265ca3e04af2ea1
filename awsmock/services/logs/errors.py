"""CloudWatch Logs' errors: the model's shapes (code, status and fault from botocore), in AWS's
words."""

from __future__ import annotations

from awsmock.engine.errors import ModeledError, constraint_message


class LogsError(ModeledError, service="logs"):
    pass


class ResourceNotFoundException(LogsError):
    pass


class ResourceAlreadyExistsException(LogsError):
    pass


class InvalidParameterException(LogsError):
    pass


class InvalidOperationException(LogsError):
    pass


class LimitExceededException(LogsError):
    pass


class MalformedQueryException(LogsError):
    pass


class OperationAbortedException(LogsError):
    pass


class TooManyTagsException(LogsError):
    pass


class ValidationException(LogsError):
    pass


class ConflictException(LogsError):
    pass


class ServiceUnavailableException(LogsError):
    pass


def group_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException("The specified log group does not exist.")


def stream_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException("The specified log stream does not exist.")


def invalid_token(_token: object = None) -> InvalidParameterException:
    return InvalidParameterException("The specified nextToken is invalid.")


def constraint(value: object, member: str, rule: str) -> InvalidParameterException:
    """AWS's ``1 validation error detected`` wording, under Logs' code for bad parameters."""
    return InvalidParameterException(constraint_message(value, member, rule))


class AccessDeniedException(LogsError):
    pass
