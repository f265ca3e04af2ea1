"""What other services ask of KMS inside their own request (Secrets Manager, SSM, S3...).

Each function acts in the caller's account and region, with KMS's own rules (key states, key
usage, encryption contexts bound to the ciphertext) and raises KMS's errors as the room's
:class:`~awsmock.engine.errors.ModeledError`\\ s (``NotFoundException``, ``DisabledException``,
``KMSInvalidStateException``, ``InvalidCiphertextException``, ``IncorrectKeyException``,
``InvalidKeyUsageException``...); callers translate them where their service documents its own.
``key_id`` is a key id, key ARN, alias name or alias ARN; None names the AWS managed key
``default_alias`` (``alias/aws/secretsmanager``...), made on first use in the caller's account
and region, as AWS does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from awsmock.engine.context import RequestContext

from . import crypto
from .errors import KmsError
from .keys import aws_managed_key
from .lookup import Key, check_cross_account, require_usable, resolve

__all__ = ["KmsError", "decrypt", "encrypt", "generate_data_key", "key_arn"]


def _key(ctx: RequestContext, key_id: str | None, default_alias: str, action: str) -> Key:
    if key_id is None:
        return aws_managed_key(ctx, default_alias)
    key = resolve(ctx, key_id, cross_account=True)
    check_cross_account(ctx, key, action)
    return key


def encrypt(
    ctx: RequestContext,
    key_id: str | None,
    plaintext: bytes,
    context: Mapping[str, str] | None = None,
    *,
    default_alias: str,
) -> tuple[bytes, str]:
    """(ciphertext blob, the key's ARN). key_id: a key id, key ARN, alias name or alias ARN;
    None: the AWS managed key ``default_alias`` (e.g. "alias/aws/secretsmanager"), created on
    first use in the caller's account and region as AWS does."""
    key = _key(ctx, key_id, default_alias, "Encrypt")
    sealed = crypto.encrypt_with(ctx, key, plaintext, context, operation="Encrypt")
    return sealed.blob, key.arn


def decrypt(ctx: RequestContext, blob: bytes, context: Mapping[str, str] | None = None) -> tuple[bytes, str]:
    """(plaintext, the key's ARN)."""
    opened = crypto.decrypt_blob(ctx, blob, context)
    return opened.plaintext, opened.key.arn


def generate_data_key(
    ctx: RequestContext,
    key_id: str | None,
    context: Mapping[str, str] | None = None,
    *,
    default_alias: str,
    length: int = 32,
) -> tuple[bytes, bytes, str]:
    """(plaintext data key, its ciphertext blob, the key's ARN)."""
    key = _key(ctx, key_id, default_alias, "GenerateDataKey")
    require_usable(key)
    crypto.require_symmetric(key, "GenerateDataKey")
    plaintext = os.urandom(length)
    sealed = crypto.encrypt_with(ctx, key, plaintext, context, operation="GenerateDataKey")
    return plaintext, sealed.blob, key.arn


def key_arn(ctx: RequestContext, key_id: str) -> str:
    """The ARN of an existing key named by id, ARN or alias (NotFoundException otherwise)."""
    return resolve(ctx, key_id, cross_account=True).arn
