"""S3's modeled errors answer the code and status S3 does (from its model), with S3's message."""

from __future__ import annotations

import pytest

from awsmock.services.s3 import errors
from awsmock.services.s3.errors import S3Error

#: code -> (HTTP status, default message) as S3 answers them
ANSWERS = {
    "AccessDenied": (403, "Access Denied"),
    "BucketAlreadyExists": (409, "The requested bucket name is not available."),
    "BucketAlreadyOwnedByYou": (409, "Your previous request to create the named bucket succeeded"),
    "InvalidObjectState": (403, "The operation is not valid for the object's storage class"),
    "InvalidRequest": (400, ""),
    "NoSuchBucket": (404, "The specified bucket does not exist"),
    "NoSuchKey": (404, "The specified key does not exist."),
    "NoSuchUpload": (404, "The specified upload does not exist."),
}

MODELED = sorted(
    (c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, S3Error) and c is not S3Error),
    key=lambda c: c.__name__,
)


def test_every_modeled_error_is_listed() -> None:
    assert sorted(c.__name__ for c in MODELED) == sorted(ANSWERS)


@pytest.mark.parametrize("cls", MODELED, ids=lambda c: c.__name__)
def test_modeled_errors_answer_as_s3_does(cls: type[S3Error]) -> None:
    err = cls()
    status, message = ANSWERS[err.code]
    assert (err.code, err.status, err.sender_fault) == (cls.__name__, status, True)
    assert err.message.startswith(message) and bool(err.message) == bool(message)
