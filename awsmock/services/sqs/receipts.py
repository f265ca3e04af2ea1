"""Receipt handles: opaque to clients, naming the queue, the message row and the receive."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets

from .errors import ReceiptHandleIsInvalid


def new_nonce() -> str:
    return secrets.token_hex(8)


def make(queue_id: int, row_id: int, nonce: str) -> str:
    filler = hashlib.sha256(f"{queue_id}:{row_id}:{nonce}".encode()).hexdigest()[:48]
    raw = f"{queue_id}:{row_id}:{nonce}:{filler}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse(handle: str | None) -> tuple[int, int, str]:
    """``(queue row id, message row id, receive nonce)``, or ReceiptHandleIsInvalid."""
    try:
        text = base64.urlsafe_b64decode((handle or "") + "=" * (-len(handle or "") % 4)).decode()
        queue_id, row_id, nonce, _ = text.split(":")
        return int(queue_id), int(row_id), nonce
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        ) from None
