"""STS's errors. Those of STS's model take their code, HTTP status and fault from its error
shapes; ``ValidationError`` and ``AccessDenied``, which STS answers without modeling them, are
written out here."""

from __future__ import annotations

from awsmock.engine.errors import AwsError, ModeledError, constraint_message


class StsError(ModeledError, service="sts"):
    """An error of STS's model."""


class MalformedPolicyDocument(StsError, shape="MalformedPolicyDocumentException"):
    pass


class PackedPolicyTooLarge(StsError, shape="PackedPolicyTooLargeException"):
    pass


class InvalidIdentityToken(StsError, shape="InvalidIdentityTokenException"):
    pass


class InvalidAuthorizationMessage(StsError, shape="InvalidAuthorizationMessageException"):
    pass


class StsValidationError(AwsError):
    code = "ValidationError"
    status = 400


class StsAccessDenied(AwsError):
    code = "AccessDenied"
    status = 403


def validation(value: object, member: str, constraint: str) -> StsValidationError:
    """``1 validation error detected: Value '<value>' at '<member>' failed to satisfy constraint: ...``"""
    return StsValidationError(constraint_message(value, member, constraint))
