"""SNS's errors: the model's shapes (code, status and fault from botocore), in AWS's words.

SNS words most refusals as ``InvalidParameter`` with a message ``Invalid parameter: <what>``
(:func:`invalid`)."""

from __future__ import annotations

from awsmock.engine.errors import ModeledError


class SnsError(ModeledError, service="sns"):
    pass


class InvalidParameterException(SnsError):
    pass


class InvalidParameterValueException(SnsError):
    pass


class NotFoundException(SnsError):
    pass


class AuthorizationErrorException(SnsError):
    pass


class EndpointDisabledException(SnsError):
    default_message = "Endpoint is disabled"


class PlatformApplicationDisabledException(SnsError):
    default_message = "Platform application is disabled"


class EmptyBatchRequestException(SnsError):
    default_message = "The batch request doesn't contain any entries"


class TooManyEntriesInBatchRequestException(SnsError):
    default_message = "The batch request contains more entries than permissible."


class BatchEntryIdsNotDistinctException(SnsError):
    default_message = "Two or more batch entries in the request have the same Id."


class InvalidBatchEntryIdException(SnsError):
    default_message = (
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
        "It can be at most 80 letters long."
    )


class BatchRequestTooLongException(SnsError):
    default_message = "The length of all the messages put together is more than the limit."


class TagLimitExceededException(SnsError):
    default_message = "Could not complete request: tag quota of per resource exceeded"


class TagPolicyException(SnsError):
    pass


class ResourceNotFoundException(SnsError):
    default_message = "Resource does not exist"


class SubscriptionLimitExceededException(SnsError):
    pass


class TopicLimitExceededException(SnsError):
    pass


class FilterPolicyLimitExceededException(SnsError):
    pass


class VerificationException(SnsError):
    pass


class OptedOutException(SnsError):
    pass


class KMSNotFoundException(SnsError):
    pass


class KMSDisabledException(SnsError):
    pass


class KMSInvalidStateException(SnsError):
    pass


class KMSAccessDeniedException(SnsError):
    pass


def invalid(what: str) -> InvalidParameterException:
    """``InvalidParameter``: ``Invalid parameter: <what>``."""
    return InvalidParameterException(f"Invalid parameter: {what}")


def topic_not_found(_: str = "") -> NotFoundException:
    return NotFoundException("Topic does not exist")


def subscription_not_found(_: str = "") -> NotFoundException:
    return NotFoundException("Subscription does not exist")
