"""DynamoDB's error classes and message texts (as AWS words them).

Errors of DynamoDB's model (and DynamoDB Streams') take their code, HTTP status and fault from
the error shape they are named after; here are only their default messages. ValidationException
is no shape of either model: it stays a plain :class:`AwsError`.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.errors import AwsError, ModeledError


class DynamoError(ModeledError, service="dynamodb"):
    """An error of DynamoDB's model."""


class StreamsError(ModeledError, service="dynamodbstreams"):
    """An error only DynamoDB Streams' model has."""


class DynamoValidation(AwsError):
    code = "ValidationException"


class ResourceNotFound(DynamoError, shape="ResourceNotFoundException"):
    default_message = "Requested resource not found"


class TableNotFound(DynamoError, shape="TableNotFoundException"):
    pass


class ResourceInUse(DynamoError, shape="ResourceInUseException"):
    pass


class ConditionalCheckFailed(DynamoError, shape="ConditionalCheckFailedException"):
    default_message = "The conditional request failed"

    def __init__(self, item: dict[str, Any] | None = None, message: str | None = None) -> None:
        if item is not None:
            super().__init__(message, Item=item)
        else:
            super().__init__(message)


class TransactionCanceled(DynamoError, shape="TransactionCanceledException"):
    pass


class IdempotentParameterMismatch(DynamoError, shape="IdempotentParameterMismatchException"):
    default_message = (
        "Transaction ClientRequestToken was used in a previous request with different parameters"
    )


class DuplicateItem(DynamoError, shape="DuplicateItemException"):
    default_message = "Duplicate primary key exists in table"


class BackupNotFound(DynamoError, shape="BackupNotFoundException"):
    pass


class TableAlreadyExists(DynamoError, shape="TableAlreadyExistsException"):
    pass


class PointInTimeRecoveryUnavailable(DynamoError, shape="PointInTimeRecoveryUnavailableException"):
    pass


class InvalidExportTime(DynamoError, shape="InvalidExportTimeException"):
    pass


class InvalidRestoreTime(DynamoError, shape="InvalidRestoreTimeException"):
    pass


class ExportConflict(DynamoError, shape="ExportConflictException"):
    pass


class ExportNotFound(DynamoError, shape="ExportNotFoundException"):
    pass


class PolicyNotFound(DynamoError, shape="PolicyNotFoundException"):
    pass


class ImportConflict(DynamoError, shape="ImportConflictException"):
    pass


class ImportNotFound(DynamoError, shape="ImportNotFoundException"):
    pass


class ExpiredIterator(StreamsError, shape="ExpiredIteratorException"):
    pass


def invalid(message: str) -> DynamoValidation:
    """``One or more parameter values were invalid: <message>``."""
    return DynamoValidation(f"One or more parameter values were invalid: {message}")


class GlobalTableAlreadyExists(DynamoError, shape="GlobalTableAlreadyExistsException"):
    pass


class GlobalTableNotFound(DynamoError, shape="GlobalTableNotFoundException"):
    pass


class ReplicaAlreadyExists(DynamoError, shape="ReplicaAlreadyExistsException"):
    pass


class ReplicaNotFound(DynamoError, shape="ReplicaNotFoundException"):
    pass


class IndexNotFound(DynamoError, shape="IndexNotFoundException"):
    pass
