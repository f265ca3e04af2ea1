"""S3 Control's errors, in AWS's words. Its model names few error shapes; the rest are the codes
S3 Control answers with (404 for a missing resource, 409 for a name taken, 403 for a refusal)."""

from __future__ import annotations

from typing import Any

from awsmock.engine.errors import AwsError, ModeledError


class S3ControlError(ModeledError, service="s3control"):
    pass


class NoSuchPublicAccessBlockConfiguration(S3ControlError):
    default_message = "The public access block configuration was not found"


def access_denied() -> AwsError:
    return AwsError("Access Denied", code="AccessDenied", status=403)


def no_such_access_point(name: str) -> AwsError:
    return AwsError(
        "The specified accesspoint does not exist", code="NoSuchAccessPoint", status=404, AccessPointName=name
    )


def no_such_access_point_policy(name: str) -> AwsError:
    return AwsError(
        "The specified accesspoint policy does not exist",
        code="NoSuchAccessPointPolicy",
        status=404,
        AccessPointName=name,
    )


def access_point_exists(name: str) -> AwsError:
    return AwsError(
        "Your previous request to create the named accesspoint succeeded and you already own it.",
        code="AccessPointAlreadyOwnedByYou",
        status=409,
        AccessPointName=name,
    )


def no_such_bucket(name: str) -> AwsError:
    return AwsError("The specified bucket does not exist", code="NoSuchBucket", status=404, BucketName=name)


def invalid_uri() -> AwsError:
    return AwsError("Couldn't parse the specified URI.", code="InvalidURI", status=400)


def invalid_request(message: str, **fields: Any) -> AwsError:
    return AwsError(message, code="InvalidRequest", status=400, **fields)


def malformed_policy(message: str) -> AwsError:
    return AwsError(message, code="MalformedPolicy", status=400)


def no_such_configuration() -> AwsError:
    return AwsError("The specified configuration does not exist.", code="NoSuchConfiguration", status=404)


def invalid_token(_token: str) -> AwsError:
    return AwsError("The continuation token provided is invalid", code="InvalidToken", status=400)
