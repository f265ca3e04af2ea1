"""Authentication and authorization errors as each AWS service family sends them.

The code, message and status depend on the service's protocol (query services say
``InvalidClientTokenId``, JSON services ``UnrecognizedClientException``, EC2 ``AuthFailure``);
services that keep their query-era codes on a newer protocol (the model's ``awsQueryCompatible``
trait) answer as query services do, and a service with refusals of its own declares them
(:attr:`awsmock.engine.facts.AuthFacts.errors`). The protocol layer renders the result.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from awsmock.engine import registry, specs
from awsmock.engine.errors import AwsError

SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
EXPIRED_MESSAGE = "The security token included in the request is expired"

# family -> kind -> (code, status, message)
_TABLE: dict[str, dict[str, tuple[str, int, str]]] = {
    "query": {
        "invalid_key": ("InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE),
        "invalid_token": ("InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE),
        "signature": ("SignatureDoesNotMatch", 403, SIGNATURE_MESSAGE),
        "expired": ("ExpiredToken", 403, EXPIRED_MESSAGE),
        "denied": ("AccessDenied", 403, "Access Denied"),
        "missing": ("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
        "malformed": ("IncompleteSignature", 400, "The request signature does not conform to AWS standards."),
        "skewed": ("SignatureDoesNotMatch", 403, "Signature expired"),
    },
    "ec2": {
        "invalid_key": ("AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
        "invalid_token": ("AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
        "signature": ("AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
        "expired": ("RequestExpired", 400, "Request has expired."),
        "denied": ("UnauthorizedOperation", 403, "You are not authorized to perform this operation."),
        "missing": ("MissingParameter", 400, "The request must contain the parameter AWSAccessKeyId"),
        "malformed": ("IncompleteSignature", 400, "The request signature does not conform to AWS standards."),
        "skewed": ("RequestExpired", 400, "Request has expired."),
    },
    "json": {
        "invalid_key": ("UnrecognizedClientException", 400, INVALID_TOKEN_MESSAGE),
        "invalid_token": ("UnrecognizedClientException", 400, INVALID_TOKEN_MESSAGE),
        "signature": ("InvalidSignatureException", 400, SIGNATURE_MESSAGE),
        "expired": ("ExpiredTokenException", 400, EXPIRED_MESSAGE),
        "denied": ("AccessDeniedException", 400, "Access Denied"),
        "missing": ("MissingAuthenticationTokenException", 400, "Missing Authentication Token"),
        "malformed": (
            "IncompleteSignatureException",
            400,
            "The request signature does not conform to AWS standards.",
        ),
        "skewed": ("InvalidSignatureException", 400, "Signature expired"),
    },
    "rest-json": {
        "invalid_key": ("UnrecognizedClientException", 403, INVALID_TOKEN_MESSAGE),
        "invalid_token": ("UnrecognizedClientException", 403, INVALID_TOKEN_MESSAGE),
        "signature": ("InvalidSignatureException", 403, SIGNATURE_MESSAGE),
        "expired": ("ExpiredTokenException", 403, EXPIRED_MESSAGE),
        "denied": ("AccessDeniedException", 403, "Access Denied"),
        "missing": ("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
        "malformed": (
            "IncompleteSignatureException",
            403,
            "The request signature does not conform to AWS standards.",
        ),
        "skewed": ("InvalidSignatureException", 403, "Signature expired"),
    },
}


@cache
def _query_compatible(service: str) -> bool:
    try:
        return "awsQueryCompatible" in specs.service_metadata(service)
    except KeyError:
        return False


def family(service: str, protocol: str) -> str:
    if _query_compatible(service) or protocol in ("query", "rest-xml"):
        return "query"
    if protocol == "ec2":
        return "ec2"
    if protocol == "rest-json":
        return "rest-json"
    return "json"


#: refusal kinds a family words as another (the payload that is not what was signed: the
#: signature does not match; presigned parameters that cannot be read: a malformed signature)
_AS = {"payload": "signature", "query_parameters": "malformed"}


def auth_error(
    kind: str, service: str, protocol: str, message: str | None = None, **fields: Any
) -> AwsError:
    """The error of ``kind`` (invalid_key, invalid_token, signature, payload, expired, denied,
    missing, malformed, query_parameters, skewed) in ``service``'s dialect. ``fields`` go with a
    service's own refusal only (one that names both digests of a payload, say)."""
    own = registry.facts(service).auth.errors
    if own is not None and kind in own:
        code, status, default = own[kind]
    else:
        code, status, default = _TABLE[family(service, protocol)][_AS.get(kind, kind)]
        fields = {}
    return AwsError(
        default if message is None else message, code=code, status=status, sender_fault=True, **fields
    )
