"""KMS's own table: the last use of each key (GetKeyLastUsage).

Keys, aliases and grants are rows of the shared resource store. What changes on every
cryptographic operation, the key's last successful use, has a table of its own: one small row
per key, written with one ``UPDATE`` by primary key, so an Encrypt or a Decrypt never rewrites the
key's document (its policy and sealed material).

* ``kms_key_usage``: keyed by the key's ARN (a multi-Region replica has its own, and tracks its
  own use, as KMS does): the operation, when (ISO 8601 text, UTC), the CloudTrail event id and the
  request id of the last successful cryptographic operation with the key.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import AccountScoped, Base


class KeyUsage(AccountScoped, Base):
    __tablename__ = "kms_key_usage"

    key_arn: Mapped[str] = mapped_column(String(2048), primary_key=True)
    operation: Mapped[str] = mapped_column(String(64))
    #: ISO 8601 with its UTC offset, as the raw statements of the hot path write it
    at: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(128))
