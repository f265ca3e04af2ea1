"""SSM's errors: the model's shapes (code, status and fault from botocore), in AWS's words, and
``ValidationException`` for the input rules SSM checks itself."""

from __future__ import annotations

from awsmock.engine.errors import ModeledError


class SsmError(ModeledError, service="ssm"):
    pass


class ValidationException(SsmError):
    pass


class AccessDeniedException(SsmError):
    pass


# -- Parameter Store --------------------------------------------------------------------------


class ParameterNotFound(SsmError):
    pass


class ParameterAlreadyExists(SsmError):
    default_message = (
        "The parameter already exists. To overwrite this value, set the overwrite option in the "
        "request to true."
    )


class ParameterVersionNotFound(SsmError):
    pass


class ParameterLimitExceeded(SsmError):
    default_message = (
        "You have exceeded the number of parameters for this AWS account. Delete one or more "
        "parameters and try again."
    )


class ParameterMaxVersionLimitExceeded(SsmError):
    pass


class ParameterVersionLabelLimitExceeded(SsmError):
    default_message = (
        "A parameter version can have maximum 10 labels.Move one or more labels to another version "
        "and try again."
    )


class ParameterPatternMismatchException(SsmError):
    pass


class InvalidAllowedPatternException(SsmError):
    pass


class HierarchyLevelLimitExceededException(SsmError):
    default_message = (
        "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and "
        "constraints for parameter names in the AWS Systems Manager User Guide."
    )


class UnsupportedParameterType(SsmError):
    pass


class InvalidKeyId(SsmError):
    pass


class PoliciesLimitExceededException(SsmError):
    default_message = (
        "You specified more than the maximum number of allowed policies for the parameter. The maximum is 10."
    )


class InvalidPolicyTypeException(SsmError):
    pass


class InvalidPolicyAttributeException(SsmError):
    pass


class IncompatiblePolicyException(SsmError):
    default_message = (
        "There is a conflict in the policies specified for this parameter. You can't, for example, "
        "specify two Expiration policies for a parameter. Review your policies, and try again."
    )


class InvalidFilterKey(SsmError):
    pass


class InvalidFilterOption(SsmError):
    pass


class InvalidFilterValue(SsmError):
    pass


class InvalidNextToken(SsmError):
    default_message = "The nextToken is not valid"


# -- tags -------------------------------------------------------------------------------------


class InvalidResourceId(SsmError):
    default_message = "The resource ID isn't valid. Verify that you entered the correct ID and try again."


class InvalidResourceType(SsmError):
    default_message = "The resource type isn't valid."


class TooManyTagsError(SsmError):
    default_message = (
        "The Targets parameter includes too many tags. Remove one or more tags and try the command again."
    )


# -- documents --------------------------------------------------------------------------------


class DocumentAlreadyExists(SsmError):
    default_message = "Document with same name already exists"


class InvalidDocument(SsmError):
    pass


class InvalidDocumentContent(SsmError):
    pass


class InvalidDocumentSchemaVersion(SsmError):
    pass


class InvalidDocumentVersion(SsmError):
    pass


class InvalidDocumentOperation(SsmError):
    pass


class DuplicateDocumentContent(SsmError):
    default_message = (
        "The content of the association document matches another document. Change the content "
        "of the document and try again."
    )


class DuplicateDocumentVersionName(SsmError):
    pass


class MaxDocumentSizeExceeded(SsmError):
    default_message = "The size limit of a document is 64 KB."


class InvalidPermissionType(SsmError):
    default_message = "The permission type isn't supported. Share is the only supported permission type."


class DocumentPermissionLimit(SsmError):
    pass


# -- commands ---------------------------------------------------------------------------------


class InvalidCommandId(SsmError):
    pass


class InvalidInstanceId(SsmError):
    pass


class DuplicateInstanceId(SsmError):
    default_message = "You can't specify a managed node ID in more than one association."


class InvalidParameters(SsmError):
    pass


class InvocationDoesNotExist(SsmError):
    pass


# -- maintenance windows and associations -----------------------------------------------------


class DoesNotExistException(SsmError):
    pass


class AssociationDoesNotExist(SsmError):
    default_message = "The specified association does not exist."


class AssociationAlreadyExists(SsmError):
    default_message = "The specified association already exists."


class InvalidSchedule(SsmError):
    pass


class InvalidTarget(SsmError):
    pass


class InvalidAssociationVersion(SsmError):
    pass
