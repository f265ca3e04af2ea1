"""SQS errors (HTTP 400 unless noted, as the SQS API reference lists them). Codes are the query-compatible codes boto3 reports as ``Error.Code``; the JSON
protocol maps them to the modeled shapes (``__type``) and the ``x-amzn-query-error`` header."""

from __future__ import annotations

from awsmock.engine.errors import AwsError


class QueueDoesNotExist(AwsError):
    code = "AWS.SimpleQueueService.NonExistentQueue"
    default_message = "The specified queue does not exist."


class QueueNameExists(AwsError):
    code = "QueueAlreadyExists"


class PurgeQueueInProgress(AwsError):
    code = "AWS.SimpleQueueService.PurgeQueueInProgress"


class InvalidParameterValue(AwsError):
    code = "InvalidParameterValue"


class MissingParameter(AwsError):
    code = "MissingParameter"


class InvalidAttributeName(AwsError):
    code = "InvalidAttributeName"


class InvalidAttributeValue(AwsError):
    code = "InvalidAttributeValue"


class InvalidMessageContents(AwsError):
    code = "InvalidMessageContents"


class ReceiptHandleIsInvalid(AwsError):
    code = "ReceiptHandleIsInvalid"


class MessageNotInflight(AwsError):
    code = "AWS.SimpleQueueService.MessageNotInflight"
    default_message = "Message does not exist or is not available for visibility timeout change."


class TooManyEntriesInBatchRequest(AwsError):
    code = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


class EmptyBatchRequest(AwsError):
    code = "AWS.SimpleQueueService.EmptyBatchRequest"


class BatchEntryIdsNotDistinct(AwsError):
    code = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


class InvalidBatchEntryId(AwsError):
    code = "AWS.SimpleQueueService.InvalidBatchEntryId"
    default_message = (
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
        "It can be at most 80 letters long."
    )


class BatchRequestTooLong(AwsError):
    code = "AWS.SimpleQueueService.BatchRequestTooLong"


class UnsupportedOperation(AwsError):
    code = "AWS.SimpleQueueService.UnsupportedOperation"


class ResourceNotFound(AwsError):
    code = "ResourceNotFoundException"
    status = 404


class OverLimit(AwsError):
    code = "OverLimit"


def invalid_value(name: str, value: object, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value {value} for parameter {name} is invalid. Reason: {reason}.")
