"""DynamoDB's error classes and message texts (as AWS words them)."""

from __future__ import annotations

from typing import Any

from awsmock.engine.errors import AwsError


class DynamoValidation(AwsError):
    code = "ValidationException"


class ResourceNotFound(AwsError):
    code = "ResourceNotFoundException"
    default_message = "Requested resource not found"


class ResourceInUse(AwsError):
    code = "ResourceInUseException"


class ConditionalCheckFailed(AwsError):
    code = "ConditionalCheckFailedException"
    default_message = "The conditional request failed"

    def __init__(self, item: dict[str, Any] | None = None, message: str | None = None) -> None:
        if item is not None:
            super().__init__(message, Item=item)
        else:
            super().__init__(message)


class TransactionCanceled(AwsError):
    code = "TransactionCanceledException"


class TransactionConflict(AwsError):
    code = "TransactionConflictException"


class IdempotentParameterMismatch(AwsError):
    code = "IdempotentParameterMismatchException"
    default_message = (
        "Transaction ClientRequestToken was used in a previous request with different parameters"
    )


class ExpiredIterator(AwsError):
    code = "ExpiredIteratorException"


class TrimmedDataAccess(AwsError):
    code = "TrimmedDataAccessException"


class DuplicateItem(AwsError):
    code = "DuplicateItemException"
    default_message = "Duplicate primary key exists in table"


class LimitExceeded(AwsError):
    code = "LimitExceededException"


class BackupNotFound(AwsError):
    code = "BackupNotFoundException"


class TableAlreadyExists(AwsError):
    code = "TableAlreadyExistsException"


class PointInTimeRecoveryUnavailable(AwsError):
    code = "PointInTimeRecoveryUnavailableException"


class InvalidExportTime(AwsError):
    code = "InvalidExportTimeException"


class InvalidRestoreTime(AwsError):
    code = "InvalidRestoreTimeException"


class ExportConflict(AwsError):
    code = "ExportConflictException"


class ExportNotFound(AwsError):
    code = "ExportNotFoundException"


class PolicyNotFound(AwsError):
    code = "PolicyNotFoundException"


class ImportConflict(AwsError):
    code = "ImportConflictException"


class ImportNotFound(AwsError):
    code = "ImportNotFoundException"


def invalid(message: str) -> DynamoValidation:
    """``One or more parameter values were invalid: <message>``."""
    return DynamoValidation(f"One or more parameter values were invalid: {message}")


def table_not_found(name: str | None = None) -> ResourceNotFound:
    return ResourceNotFound()


def expression_error(kind: str, message: str) -> DynamoValidation:
    """``Invalid <Kind>Expression: <message>``."""
    return DynamoValidation(f"Invalid {kind}: {message}")
