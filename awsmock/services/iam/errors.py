"""IAM's errors (codes, statuses and message forms as IAM returns them)."""

from __future__ import annotations

from awsmock.engine.errors import AwsError


class NoSuchEntity(AwsError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(AwsError):
    code = "EntityAlreadyExists"
    status = 409


class DeleteConflict(AwsError):
    code = "DeleteConflict"
    status = 409


class MalformedPolicyDocument(AwsError):
    code = "MalformedPolicyDocument"
    status = 400


class LimitExceeded(AwsError):
    code = "LimitExceeded"
    status = 409


class InvalidInput(AwsError):
    code = "InvalidInput"
    status = 400


class IamValidationError(AwsError):
    code = "ValidationError"
    status = 400


class UnmodifiableEntity(AwsError):
    code = "UnmodifiableEntity"
    status = 400


class MalformedCertificate(AwsError):
    code = "MalformedCertificate"
    status = 400


class KeyPairMismatch(AwsError):
    code = "KeyPairMismatch"
    status = 400


class DuplicateCertificate(AwsError):
    code = "DuplicateCertificate"
    status = 409


class InvalidAuthenticationCode(AwsError):
    code = "InvalidAuthenticationCode"
    status = 403


class ReportNotPresent(AwsError):
    code = "ReportNotPresent"
    status = 410


class PasswordPolicyViolation(AwsError):
    code = "PasswordPolicyViolation"
    status = 400


def no_such(kind: str, name: str) -> NoSuchEntity:
    """``The user with name bob cannot be found.``"""
    return NoSuchEntity(f"The {kind} with name {name} cannot be found.")


def already_exists(kind: str, name: str) -> EntityAlreadyExists:
    """``User with name bob already exists.``"""
    return EntityAlreadyExists(f"{kind} with name {name} already exists.")
