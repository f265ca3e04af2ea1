"""CloudWatch's errors: the model's shapes (code, status and fault from botocore), in AWS's words."""

from __future__ import annotations

from awsmock.engine.errors import ModeledError


class CloudWatchError(ModeledError, service="cloudwatch"):
    pass


class InvalidParameterValueException(CloudWatchError):
    pass


class InvalidParameterCombinationException(CloudWatchError):
    pass


class MissingRequiredParameterException(CloudWatchError):
    pass


class InvalidNextToken(CloudWatchError):
    default_message = "The service cannot process the NextToken you have provided."


class ResourceNotFound(CloudWatchError):
    pass


class ResourceNotFoundException(CloudWatchError):
    pass


class LimitExceededFault(CloudWatchError):
    pass


class DashboardInvalidInputError(CloudWatchError):
    pass


class DashboardNotFoundError(CloudWatchError):
    default_message = "Dashboard does not exist"


class InvalidFormatFault(CloudWatchError):
    pass


def invalid_token(token: str) -> InvalidNextToken:
    return InvalidNextToken()
