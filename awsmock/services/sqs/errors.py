"""SQS errors.

Those SQS's model describes are :class:`~awsmock.engine.errors.ModeledError` s named like their
error shape: code, HTTP status (400 for all of them) and fault come from the model. The codes
clients see for them are the query-era ones (``AWS.SimpleQueueService.NonExistentQueue``...):
the protocols translate the shape name through :data:`.wire.LEGACY_ERROR_CODES`. Written here by
hand: default messages, and the errors the model does not carry (``InvalidParameterValue``,
``MissingParameter``).
"""

from __future__ import annotations

from awsmock.engine.errors import AwsError, ModeledError


class SqsError(ModeledError, service="sqs"):
    """An error of SQS's model."""


class QueueDoesNotExist(SqsError):
    default_message = "The specified queue does not exist."


class QueueNameExists(SqsError):
    pass


class InvalidAddress(SqsError):
    pass


class PurgeQueueInProgress(SqsError):
    pass


class InvalidAttributeName(SqsError):
    pass


class InvalidAttributeValue(SqsError):
    pass


class InvalidMessageContents(SqsError):
    pass


class ReceiptHandleIsInvalid(SqsError):
    pass


class MessageNotInflight(SqsError):
    default_message = "Message does not exist or is not available for visibility timeout change."


class TooManyEntriesInBatchRequest(SqsError):
    pass


class EmptyBatchRequest(SqsError):
    pass


class BatchEntryIdsNotDistinct(SqsError):
    pass


class InvalidBatchEntryId(SqsError):
    default_message = (
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
        "It can be at most 80 letters long."
    )


class BatchRequestTooLong(SqsError):
    pass


class UnsupportedOperation(SqsError):
    pass


class ResourceNotFound(SqsError, shape="ResourceNotFoundException"):
    pass


class OverLimit(SqsError):
    pass


# -- not in the model: the query-era common errors -------------------------------------------


class InvalidParameterValue(AwsError):
    code = "InvalidParameterValue"


class MissingParameter(AwsError):
    code = "MissingParameter"


def invalid_value(name: str, value: object, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value {value} for parameter {name} is invalid. Reason: {reason}.")
