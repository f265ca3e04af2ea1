"""Identifiers and secrets in AWS's formats.

Access key ids carry their account as AWS's do (GetAccessKeyInfo decodes it): after the
four-letter prefix, the key is base32; bits 7..46 of its first six bytes are the account id.
"""

from __future__ import annotations

import base64
import secrets
import string

#: the fake credentials a mocked environment holds (``awsmock.mocking`` puts them there): the
#: secret of a presigned URL signed with them is known even while authentication is off
FAKE_ACCESS_KEY_ID = "testing"
FAKE_SECRET_ACCESS_KEY = "testing"

_ID_ALPHABET = string.ascii_uppercase + string.digits
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def unique_id(prefix: str, length: int = 21) -> str:
    """An IAM unique id (``AIDA…``, ``AROA…``, ``ANPA…``), 21 characters by default."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length - len(prefix)))


def access_key_id(account_id: str, prefix: str = "AKIA") -> str:
    """A 20-character access key id (``AKIA`` long-term, ``ASIA`` temporary) for ``account_id``."""
    account = int(account_id) if account_id.isdigit() else 0
    z = (secrets.randbits(1) << 47) | ((account & ((1 << 40) - 1)) << 7) | secrets.randbits(7)
    raw = z.to_bytes(6, "big") + secrets.token_bytes(4)
    return prefix + base64.b32encode(raw).decode("ascii")[:16]


def account_of_access_key(key_id: str) -> str | None:
    """The account an AWS-format access key id names, or None when it is not one."""
    if len(key_id) != 20 or key_id[:4] not in ("AKIA", "ASIA") or any(c not in _B32 for c in key_id[4:]):
        return None
    try:
        raw = base64.b32decode(key_id[4:])
    except ValueError:
        return None
    z = int.from_bytes(raw[:6], "big")
    return f"{(z & 0x7FFFFFFFFF80) >> 7:012d}"


def secret_access_key() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def session_token() -> str:
    body = base64.b64encode(secrets.token_bytes(264)).decode("ascii")
    return "IQoJb3JpZ2luX2VjE" + body
