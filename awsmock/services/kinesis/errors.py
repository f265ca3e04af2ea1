"""Kinesis's errors: the model's shapes (code, status and fault from botocore), in AWS's words."""

from __future__ import annotations

from awsmock.engine.errors import ModeledError


class KinesisError(ModeledError, service="kinesis"):
    pass


class ResourceNotFoundException(KinesisError):
    pass


class ResourceInUseException(KinesisError):
    pass


class InvalidArgumentException(KinesisError):
    pass


class LimitExceededException(KinesisError):
    pass


class ValidationException(KinesisError):
    pass


class ExpiredIteratorException(KinesisError):
    pass


class ExpiredNextTokenException(KinesisError):
    pass


class AccessDeniedException(KinesisError):
    pass


class KMSNotFoundException(KinesisError):
    pass


class KMSDisabledException(KinesisError):
    pass


class KMSInvalidStateException(KinesisError):
    pass


class KMSAccessDeniedException(KinesisError):
    pass
