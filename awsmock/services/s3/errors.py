"""S3's errors, with the codes, statuses and messages AWS answers.

The errors S3's model describes (:class:`S3Error` subclasses) take their code and HTTP status
from its error shape and write only their message; most of S3's codes are not in its model and
are written out in full below them.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.errors import AwsError, ModeledError

# -- in S3's model ------------------------------------------------------------------------------


class S3Error(ModeledError, service="s3"):
    """An error of S3's model (code and status from the error shape named like the class)."""


class AccessDenied(S3Error):
    default_message = "Access Denied"


class BucketAlreadyExists(S3Error):
    default_message = (
        "The requested bucket name is not available. The bucket namespace is shared by all "
        "users of the system. Please select a different name and try again."
    )


class BucketAlreadyOwnedByYou(S3Error):
    default_message = "Your previous request to create the named bucket succeeded and you already own it."


class InvalidObjectState(S3Error):
    default_message = "The operation is not valid for the object's storage class"


class InvalidRequest(S3Error):
    pass


class NoSuchBucket(S3Error):
    default_message = "The specified bucket does not exist"


class NoSuchKey(S3Error):
    default_message = "The specified key does not exist."


class NoSuchUpload(S3Error):
    default_message = (
        "The specified upload does not exist. The upload ID may be invalid, or the upload "
        "may have been aborted or completed."
    )


# -- not in S3's model ----------------------------------------------------------------------------


class NoSuchVersion(AwsError):
    code = "NoSuchVersion"
    status = 404
    default_message = "The specified version does not exist."


class BucketNotEmpty(AwsError):
    code = "BucketNotEmpty"
    status = 409
    default_message = "The bucket you tried to delete is not empty"


class InvalidBucketState(AwsError):
    code = "InvalidBucketState"
    status = 409


class InvalidBucketName(AwsError):
    code = "InvalidBucketName"
    default_message = "The specified bucket is not valid."


class IllegalLocationConstraint(AwsError):
    code = "IllegalLocationConstraintException"


class InvalidLocationConstraint(AwsError):
    code = "InvalidLocationConstraint"
    default_message = "The specified location-constraint is not valid"


class InvalidArgument(AwsError):
    code = "InvalidArgument"


class MalformedXML(AwsError):
    code = "MalformedXML"
    default_message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class InvalidPart(AwsError):
    code = "InvalidPart"
    default_message = (
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag."
    )


class InvalidPartOrder(AwsError):
    code = "InvalidPartOrder"
    default_message = "The list of parts was not in ascending order. Parts must be ordered by part number."


class EntityTooSmall(AwsError):
    code = "EntityTooSmall"
    default_message = "Your proposed upload is smaller than the minimum allowed size"


class InvalidRange(AwsError):
    code = "InvalidRange"
    status = 416
    default_message = "The requested range is not satisfiable"


class PreconditionFailed(AwsError):
    code = "PreconditionFailed"
    status = 412
    default_message = "At least one of the pre-conditions you specified did not hold"


class NotModified(AwsError):
    code = "NotModified"
    status = 304
    default_message = "Not Modified"


class BadDigest(AwsError):
    code = "BadDigest"
    default_message = "The Content-MD5 you specified did not match what we received."


class InvalidDigest(AwsError):
    code = "InvalidDigest"
    default_message = "The Content-MD5 you specified was invalid."


class MethodNotAllowed(AwsError):
    code = "MethodNotAllowed"
    status = 405
    default_message = "The specified method is not allowed against this resource."


class KeyTooLong(AwsError):
    code = "KeyTooLongError"
    default_message = "Your key is too long"


class InvalidStorageClass(AwsError):
    code = "InvalidStorageClass"
    default_message = "The storage class you specified is not valid"


class AccessControlListNotSupported(AwsError):
    code = "AccessControlListNotSupported"
    default_message = "The bucket does not allow ACLs"


class InvalidTag(AwsError):
    code = "InvalidTag"


class MissingRequestBody(AwsError):
    code = "MissingRequestBodyError"
    default_message = "Request Body is empty"


class BadRequest(AwsError):
    code = "BadRequest"


class ObjectNotInActiveTier(AwsError):
    code = "ObjectNotInActiveTierError"
    status = 403
    default_message = "The source object of the COPY operation is not in the active tier and is only stored in Amazon Glacier."


class InvalidPartNumber(AwsError):
    code = "InvalidPartNumber"
    status = 416
    default_message = "The requested partnumber is not satisfiable"


def not_found(code: str, message: str, **fields: Any) -> AwsError:
    """A 404 for an absent bucket sub-resource (``NoSuchTagSet``, ``NoSuchCORSConfiguration``...)."""
    return AwsError(message, code=code, status=404, **fields)


def bad_token(token: str) -> AwsError:
    """S3's answer to a continuation token it did not give for this listing."""
    return InvalidArgument(
        "The continuation token provided is incorrect", ArgumentName="continuation-token", ArgumentValue=token
    )
