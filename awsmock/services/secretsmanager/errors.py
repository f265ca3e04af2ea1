"""Secrets Manager errors.

Those the model describes are :class:`~awsmock.engine.errors.ModeledError` s named like their
error shape (code, HTTP 400 and fault from the model); their messages are the ones Secrets
Manager returns. Written by hand: the errors the model does not carry (``ValidationException``
for a malformed secret name, ``AccessDeniedException`` when KMS refuses).
"""

from __future__ import annotations

from awsmock.engine.errors import AwsError, ModeledError


class SecretsManagerError(ModeledError, service="secretsmanager"):
    """An error of Secrets Manager's model."""


class ResourceNotFoundException(SecretsManagerError):
    default_message = "Secrets Manager can't find the specified secret."


class InvalidParameterException(SecretsManagerError):
    pass


class InvalidRequestException(SecretsManagerError):
    pass


class ResourceExistsException(SecretsManagerError):
    pass


class LimitExceededException(SecretsManagerError):
    pass


class MalformedPolicyDocumentException(SecretsManagerError):
    pass


class PublicPolicyException(SecretsManagerError):
    default_message = "This resource policy contains an unsupported principal."


class EncryptionFailure(SecretsManagerError):
    default_message = (
        "Secrets Manager can't encrypt the protected secret text using the provided KMS key. "
        "Check that the KMS key is available, enabled, and not in an invalid state."
    )


class DecryptionFailure(SecretsManagerError):
    default_message = "Secrets Manager can't decrypt the protected secret text using the provided KMS key."


class InvalidNextTokenException(SecretsManagerError):
    default_message = "The NextToken value is invalid."


#: the name rule every name and SecretId (that is not an ARN) must keep, in AWS's words
INVALID_NAME = (
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
)


def validation(message: str) -> AwsError:
    """A request the service refuses before looking anything up (``ValidationException``)."""
    return AwsError(message, code="ValidationException", status=400)


def missing(member: str) -> AwsError:
    """A member the model leaves optional but Secrets Manager needs (a tag's key, a filter's
    key, a replica's Region), absent or null: AWS's validation text for it."""
    return validation(
        f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
        "Member must not be null"
    )


def kms_access_denied() -> AwsError:
    """KMS refused the caller (its key policy or grants)."""
    return AwsError("Access to KMS is not allowed", code="AccessDeniedException", status=400)


def marked_for_deletion() -> InvalidRequestException:
    return InvalidRequestException(
        "You can't perform this operation on the secret because it was marked for deletion."
    )


def on_replica() -> InvalidRequestException:
    return InvalidRequestException(
        "Operation not permitted on a replica secret. Call must be made in primary secret's region."
    )


def token_required() -> InvalidRequestException:
    return InvalidRequestException(
        "You must provide a ClientRequestToken value. We recommend a UUID-type value."
    )
