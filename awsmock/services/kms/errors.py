"""KMS's errors: the model's shapes (code, status and fault from botocore), and the few codes the
model lacks (``ValidationException``, ``AccessDeniedException``), in AWS's words."""

from __future__ import annotations

from awsmock.engine.errors import AwsError, ModeledError


class KmsError(ModeledError, service="kms"):
    pass


class NotFoundException(KmsError):
    pass


class AlreadyExistsException(KmsError):
    pass


class DisabledException(KmsError):
    pass


class KMSInvalidStateException(KmsError):
    pass


class InvalidCiphertextException(KmsError):
    # AWS answers it without a message (the SDKs print "None")
    default_message = ""


class IncorrectKeyException(KmsError):
    default_message = "The key ID in the request does not identify a KMS key that can perform this operation."


class InvalidKeyUsageException(KmsError):
    pass


class InvalidAliasNameException(KmsError):
    pass


class InvalidArnException(KmsError):
    pass


class InvalidMarkerException(KmsError):
    default_message = "Invalid marker"


class MalformedPolicyDocumentException(KmsError):
    pass


class TagException(KmsError):
    pass


class UnsupportedOperationException(KmsError):
    pass


class LimitExceededException(KmsError):
    pass


class InvalidGrantIdException(KmsError):
    pass


class InvalidGrantTokenException(KmsError):
    default_message = "Invalid grant token"


class KMSInvalidSignatureException(KmsError):
    default_message = ""


class KMSInvalidMacException(KmsError):
    default_message = ""


class InvalidImportTokenException(KmsError):
    pass


class ExpiredImportTokenException(KmsError):
    pass


class IncorrectKeyMaterialException(KmsError):
    pass


class DryRunOperationException(KmsError):
    default_message = "The request would have succeeded, but the DryRun option is set."


class CustomKeyStoreNotFoundException(KmsError):
    pass


def validation(message: str) -> AwsError:
    """KMS's ``ValidationException`` (not a shape of its model)."""
    return AwsError(message, code="ValidationException", status=400)


def access_denied(message: str) -> AwsError:
    return AwsError(message, code="AccessDeniedException", status=400)
