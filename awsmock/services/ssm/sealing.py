"""SecureString values, encrypted through KMS as Parameter Store does.

A value is encrypted under the parameter's KMS key (the AWS managed key ``alias/aws/ssm`` when
the request names none, which KMS makes on first use) with the encryption context
``{"PARAMETER_ARN": <the parameter's ARN>}``; the ciphertext blob, base64-encoded, is what the
parameter keeps and what reads without ``WithDecryption`` return. Reading with decryption asks
KMS, so a disabled or deleted key, or a value copied to another parameter, cannot be read; the
database never holds a SecureString in the clear.

KMS's refusals become SSM's: a key that does not exist or cannot be used is ``InvalidKeyId``, a
key the caller may not use ``AccessDeniedException``.
"""

from __future__ import annotations

import base64
import binascii

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.services.kms.internal import decrypt, encrypt

from .errors import AccessDeniedException, InvalidKeyId

DEFAULT_ALIAS = "alias/aws/ssm"


def _context(parameter_arn: str) -> dict[str, str]:
    return {"PARAMETER_ARN": parameter_arn}


def _translate(error: AwsError, key_id: str | None) -> AwsError:
    if error.code in ("AccessDeniedException", "AccessDenied"):
        return AccessDeniedException(error.message)
    if error.code == "NotFoundException":
        return InvalidKeyId(f"Invalid KeyId {key_id}: the KMS key does not exist.")
    return InvalidKeyId(f"{error.code}: {error.message}" if error.message else error.code)


def seal(ctx: RequestContext, key_id: str | None, parameter_arn: str, value: str) -> str:
    """The ciphertext of ``value`` under ``key_id`` (None: ``alias/aws/ssm``), base64."""
    try:
        blob, _key_arn = encrypt(
            ctx,
            None if key_id in (None, "", DEFAULT_ALIAS) else key_id,
            value.encode(),
            _context(parameter_arn),
            default_alias=DEFAULT_ALIAS,
        )
    except AwsError as exc:
        raise _translate(exc, key_id or DEFAULT_ALIAS) from None
    return base64.b64encode(blob).decode()


def unseal(ctx: RequestContext, stored: str, parameter_arn: str, key_id: str | None) -> str:
    """The plaintext :func:`seal` sealed."""
    try:
        blob = base64.b64decode(stored, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKeyId("The parameter's ciphertext is not valid.") from None
    try:
        plaintext, _key_arn = decrypt(ctx, blob, _context(parameter_arn))
    except AwsError as exc:
        raise _translate(exc, key_id or DEFAULT_ALIAS) from None
    return plaintext.decode("utf-8", errors="replace")
