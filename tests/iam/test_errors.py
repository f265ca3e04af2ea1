"""IAM's and STS's errors as clients read them: each error class, written by the query protocol,
reaches boto3 with the code and HTTP status IAM and STS answer, and its message. Those the
service model describes come from the model; the others stay hand-written."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser

from awsmock.api.protocols import get
from awsmock.engine import specs
from awsmock.engine.errors import AwsError, ModeledError
from awsmock.services.iam import errors as iam
from awsmock.services.sts import errors as sts

#: error class -> (service, the code boto3 reports, the HTTP status)
ANSWERS: dict[type[AwsError], tuple[str, str, int]] = {
    iam.NoSuchEntity: ("iam", "NoSuchEntity", 404),
    iam.EntityAlreadyExists: ("iam", "EntityAlreadyExists", 409),
    iam.DeleteConflict: ("iam", "DeleteConflict", 409),
    iam.MalformedPolicyDocument: ("iam", "MalformedPolicyDocument", 400),
    iam.LimitExceeded: ("iam", "LimitExceeded", 409),
    iam.InvalidInput: ("iam", "InvalidInput", 400),
    iam.IamValidationError: ("iam", "ValidationError", 400),
    iam.UnmodifiableEntity: ("iam", "UnmodifiableEntity", 400),
    iam.MalformedCertificate: ("iam", "MalformedCertificate", 400),
    iam.KeyPairMismatch: ("iam", "KeyPairMismatch", 400),
    iam.DuplicateCertificate: ("iam", "DuplicateCertificate", 409),
    iam.InvalidAuthenticationCode: ("iam", "InvalidAuthenticationCode", 403),
    iam.ReportNotPresent: ("iam", "ReportNotPresent", 410),
    iam.PasswordPolicyViolation: ("iam", "PasswordPolicyViolation", 400),
    iam.InvalidPublicKey: ("iam", "InvalidPublicKey", 400),
    iam.DuplicateSSHPublicKey: ("iam", "DuplicateSSHPublicKey", 400),
    sts.StsValidationError: ("sts", "ValidationError", 400),
    sts.StsAccessDenied: ("sts", "AccessDenied", 403),
    sts.MalformedPolicyDocument: ("sts", "MalformedPolicyDocument", 400),
    sts.PackedPolicyTooLarge: ("sts", "PackedPolicyTooLarge", 400),
    sts.InvalidIdentityToken: ("sts", "InvalidIdentityToken", 400),
    sts.InvalidAuthorizationMessage: ("sts", "InvalidAuthorizationMessageException", 400),
}


def _classes(module: ModuleType, base: type) -> set[type[AwsError]]:
    return {
        v
        for v in vars(module).values()
        if isinstance(v, type)
        and issubclass(v, AwsError)
        and v.__module__ == module.__name__
        and v is not base
    }


def test_every_error_class_is_listed() -> None:
    assert _classes(iam, iam.IamError) | _classes(sts, sts.StsError) == set(ANSWERS)


@pytest.mark.parametrize("cls", list(ANSWERS), ids=lambda c: f"{c.__module__.split('.')[-2]}.{c.__name__}")
def test_the_modeled_ones_are_the_models_shapes(cls: type[AwsError]) -> None:
    service, code, _ = ANSWERS[cls]
    codes = {s.error_code for s in specs.service_model(service).error_shapes}
    assert issubclass(cls, ModeledError) == (code in codes)


def _parse(service: str, error: AwsError) -> tuple[int, dict[str, Any]]:
    model = specs.service_model(service)
    operation = model.operation_model(model.operation_names[0])
    resp = get("query").serialize_error(model, operation, error, "r-1")
    headers = HeadersDict()
    for k, v in resp.headers.items():
        headers[k] = v
    raw = {"status_code": resp.status, "headers": headers, "body": b"".join(resp.iter_body())}
    return resp.status, create_parser("query").parse(raw, None)["Error"]


@pytest.mark.parametrize("cls", list(ANSWERS), ids=lambda c: f"{c.__module__.split('.')[-2]}.{c.__name__}")
def test_clients_read_the_code_status_and_message(cls: type[AwsError]) -> None:
    service, code, status = ANSWERS[cls]
    error = cls("it went wrong")
    assert _parse(service, error) == (status, {"Type": "Sender", "Code": code, "Message": "it went wrong"})
    assert error.sender_fault
