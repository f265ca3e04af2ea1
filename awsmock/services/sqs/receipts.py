"""Receipt handles: opaque to clients, naming the queue, the message row and the receive."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import secrets

from .errors import ReceiptHandleIsInvalid

#: random hex digits of a receive's nonce; the hex digits after them are the receive's time
_RANDOM = 16


def new_nonce(now: dt.datetime) -> str:
    """A receive's nonce: random, then when it happened (epoch seconds, hex), which bounds how
    long ChangeMessageVisibility may keep the message (12 hours from the receive)."""
    return f"{secrets.token_hex(_RANDOM // 2)}{int(now.timestamp()):x}"


def received_at(nonce: str) -> dt.datetime | None:
    """When the receive of ``nonce`` happened (None for a nonce of an older build)."""
    stamp = nonce[_RANDOM:]
    try:
        return dt.datetime.fromtimestamp(int(stamp, 16), dt.UTC) if stamp else None
    except (ValueError, OverflowError):
        return None


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
