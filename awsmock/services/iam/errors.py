"""IAM's errors. Those of IAM's model take their code, HTTP status and fault from its error
shapes; IAM's ``ValidationError`` is not in the model and is written out here."""

from __future__ import annotations

from awsmock.engine.errors import AwsError, ModeledError, constraint_message


class IamError(ModeledError, service="iam"):
    """An error of IAM's model."""


class NoSuchEntity(IamError, shape="NoSuchEntityException"):
    pass


class EntityAlreadyExists(IamError, shape="EntityAlreadyExistsException"):
    pass


class DeleteConflict(IamError, shape="DeleteConflictException"):
    pass


class MalformedPolicyDocument(IamError, shape="MalformedPolicyDocumentException"):
    pass


class LimitExceeded(IamError, shape="LimitExceededException"):
    pass


class InvalidInput(IamError, shape="InvalidInputException"):
    pass


class UnmodifiableEntity(IamError, shape="UnmodifiableEntityException"):
    pass


class MalformedCertificate(IamError, shape="MalformedCertificateException"):
    pass


class KeyPairMismatch(IamError, shape="KeyPairMismatchException"):
    pass


class DuplicateCertificate(IamError, shape="DuplicateCertificateException"):
    pass


class InvalidAuthenticationCode(IamError, shape="InvalidAuthenticationCodeException"):
    pass


class ReportNotPresent(IamError, shape="CredentialReportNotPresentException"):
    pass


class PasswordPolicyViolation(IamError, shape="PasswordPolicyViolationException"):
    pass


class InvalidPublicKey(IamError, shape="InvalidPublicKeyException"):
    pass


class DuplicateSSHPublicKey(IamError, shape="DuplicateSSHPublicKeyException"):
    pass


class IamValidationError(AwsError):
    """Input that breaks a constraint IAM checks itself (not an error shape of its model)."""

    code = "ValidationError"
    status = 400


def validation(value: object, member: str, constraint: str) -> IamValidationError:
    """``1 validation error detected: Value '<value>' at '<member>' failed to satisfy constraint: ...``"""
    return IamValidationError(constraint_message(value, member, constraint))


def no_such(kind: str, name: str) -> NoSuchEntity:
    """``The user with name bob cannot be found.``"""
    return NoSuchEntity(f"The {kind} with name {name} cannot be found.")


def already_exists(kind: str, name: str) -> EntityAlreadyExists:
    """``User with name bob already exists.``"""
    return EntityAlreadyExists(f"{kind} with name {name} already exists.")


def invalid_marker(marker: str) -> InvalidInput:
    """A ``Marker`` that is not one this listing handed out."""
    return InvalidInput("Invalid Marker.")
