"""X-Ray's errors: the model's shapes (code, status and fault from botocore), in AWS's words."""

from __future__ import annotations

from awsmock.engine.errors import ModeledError


class XrayError(ModeledError, service="xray"):
    pass


class InvalidRequestException(XrayError):
    pass


class ResourceNotFoundException(XrayError):
    pass


class TooManyTagsException(XrayError):
    pass


class RuleLimitExceededException(XrayError):
    default_message = "You have reached the maximum number of sampling rules."


def invalid_token(token: str) -> InvalidRequestException:
    return InvalidRequestException("The specified NextToken is invalid.")


class MalformedPolicyDocumentException(XrayError):
    default_message = "Invalid policy document provided in request."


class InvalidPolicyRevisionIdException(XrayError):
    pass


class PolicySizeLimitExceededException(XrayError):
    pass


class PolicyCountLimitExceededException(XrayError):
    pass
