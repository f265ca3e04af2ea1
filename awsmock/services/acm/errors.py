"""ACM's errors: the model's shapes (code, status and fault from botocore), in AWS's words."""

from __future__ import annotations

from awsmock.engine.errors import ModeledError


class AcmError(ModeledError, service="acm"):
    pass


class ResourceNotFoundException(AcmError):
    pass


class InvalidArnException(AcmError):
    pass


class InvalidParameterException(AcmError):
    pass


class InvalidArgsException(AcmError):
    pass


class InvalidDomainValidationOptionsException(AcmError):
    pass


class InvalidStateException(AcmError):
    pass


class InvalidTagException(AcmError):
    pass


class TooManyTagsException(AcmError):
    pass


class RequestInProgressException(AcmError):
    pass


class ResourceInUseException(AcmError):
    pass


class LimitExceededException(AcmError):
    pass


class ConflictException(AcmError):
    pass


class ValidationException(AcmError):
    pass
