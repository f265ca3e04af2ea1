"""Secret values, encrypted as Secrets Manager encrypts them: envelope encryption under KMS.

For every version, KMS makes a fresh 256-bit data key under the secret's KMS key (the AWS
managed key ``alias/aws/secretsmanager`` when the secret names none, which KMS creates on first
use), with the encryption context ``{"SecretARN": <arn>, "SecretVersionId": <id>}``. The value is
sealed with AES-256-GCM under that data key, outside KMS; the plaintext data key is dropped and
only its KMS ciphertext is kept beside the sealed value. Reading a value asks KMS to decrypt the
data key with the same context, so a disabled or deleted key, or a value moved to another secret
or version, cannot be read. The database never holds a value or a data key in the clear.

KMS's errors become Secrets Manager's: a key that does not exist is ``ResourceNotFoundException``,
a key KMS cannot use (disabled, pending deletion, of the wrong kind) ``EncryptionFailure`` or
``DecryptionFailure``, a key the caller may not use ``AccessDeniedException``.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.services.kms.internal import decrypt, generate_data_key

from .errors import DecryptionFailure, EncryptionFailure, ResourceNotFoundException, kms_access_denied

DEFAULT_ALIAS = "alias/aws/secretsmanager"

#: how ListSecretVersionIds names the AWS managed key
DEFAULT_KEY_NAME = "DefaultEncryptionKey"


def _context(secret_arn: str, version_id: str) -> dict[str, str]:
    return {"SecretARN": secret_arn, "SecretVersionId": version_id}


def _translate(error: AwsError, *, encrypting: bool) -> AwsError:
    code = error.code
    if code == "NotFoundException":
        return ResourceNotFoundException(f"Secrets Manager can't find the specified KMS key: {error.message}")
    if code in ("AccessDeniedException", "AccessDenied"):
        return kms_access_denied()
    return EncryptionFailure() if encrypting else DecryptionFailure()


def seal(
    ctx: RequestContext, key_id: str | None, secret_arn: str, version_id: str, value: bytes
) -> dict[str, Any]:
    """``value`` sealed for version ``version_id`` of the secret ``secret_arn``, under the KMS
    key ``key_id`` (None: the AWS managed key): what the version's value row keeps."""
    context = _context(secret_arn, version_id)
    try:
        data_key, wrapped, key_arn = generate_data_key(
            ctx, key_id or None, context, default_alias=DEFAULT_ALIAS, length=32
        )
    except AwsError as exc:
        raise _translate(exc, encrypting=True) from None
    nonce = os.urandom(12)
    sealed = AESGCM(data_key).encrypt(nonce, value, f"{secret_arn}\n{version_id}".encode())
    return {
        "DataKey": base64.b64encode(wrapped).decode(),
        "Nonce": base64.b64encode(nonce).decode(),
        "Ciphertext": base64.b64encode(sealed).decode(),
        "KeyArn": key_arn,
    }


#: values already opened, by everything that opens them (the data key, the nonce, the sealed
#: value, the version they are bound to): a value read again skips its AES-GCM. KMS opens the
#: data key first on every read, so a key that was disabled or deleted still refuses it.
#: Bounded by the bytes it holds.
_OPENED: dict[tuple[bytes, str, str, str, str], bytes] = {}
_OPENED_BYTES = 0
_OPENED_LIMIT = 16 << 20


def unseal(ctx: RequestContext, stored: dict[str, Any], secret_arn: str, version_id: str) -> bytes:
    """The value :func:`seal` sealed (``DecryptionFailure`` when it cannot be opened)."""
    global _OPENED_BYTES
    try:
        data_key, _key_arn = decrypt(
            ctx, base64.b64decode(stored["DataKey"]), _context(secret_arn, version_id)
        )
    except AwsError as exc:
        raise _translate(exc, encrypting=False) from None
    try:
        memo = (data_key, stored["Nonce"], stored["Ciphertext"], secret_arn, version_id)
        value = _OPENED.get(memo)
        if value is not None:
            return value
        value = AESGCM(data_key).decrypt(
            base64.b64decode(stored["Nonce"]),
            base64.b64decode(stored["Ciphertext"]),
            f"{secret_arn}\n{version_id}".encode(),
        )
    except (InvalidTag, ValueError, KeyError):
        raise DecryptionFailure() from None
    if _OPENED_BYTES + len(value) > _OPENED_LIMIT:
        _OPENED.clear()
        _OPENED_BYTES = 0
    _OPENED[memo] = value
    _OPENED_BYTES += len(value)
    return value
