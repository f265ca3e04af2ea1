"""Where secrets live: two kinds of the shared resource store, and how a request finds a secret.

* ``SECRETS``: one row per secret, ``rid`` its name (unique in the account and Region, as AWS
  keeps names), ARN ``arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random>``. Its
  document holds the metadata: description, KMS key, the versions with their staging labels,
  times, the resource policy, replication. State ``PendingDeletion`` while it waits out its
  recovery window (``DeletionDate`` in the document); once that date has passed the secret is
  gone for every reader, and the next writer that meets it removes it.
* ``VALUES``: one row per version, parent the secret's ARN, holding only the version's value
  sealed by :mod:`.sealing` (ciphertext and the KMS-encrypted data key, never the plaintext).
  The row of the version labelled ``AWSCURRENT`` has that as its state (kept by
  :meth:`Secret.save`), so GetSecretValue reads a secret and its current value in one query.

A ``SecretId`` names a secret by name, by complete ARN, or by partial ARN (the ARN without the
hyphen and six random characters); an ARN whose last seven characters look like that suffix is
taken as complete, as AWS does.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import secrets as random
import string
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, update

from awsmock.engine import arns, resources, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.resources import Resource

from .errors import INVALID_NAME, ResourceNotFoundException, marked_for_deletion, on_replica, validation

SERVICE = "secretsmanager"
PENDING_DELETION = "PendingDeletion"
CURRENT, PREVIOUS, PENDING = "AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"

SECRETS = resources.Kind(
    SERVICE,
    "secret",
    arn=lambda ctx, rid: ctx.arn(SERVICE, f"secret:{rid}"),
    not_found=lambda rid: ResourceNotFoundException(),
    title="Secrets",
)

VALUES = resources.Kind(
    SERVICE,
    "secret-value",
    arn=lambda ctx, rid: ctx.arn(SERVICE, f"secret-value:{rid}"),
    not_found=lambda rid: ResourceNotFoundException(),
)

_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]+")
_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}")
_ALPHABET = string.ascii_letters + string.digits


def check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise validation(INVALID_NAME)


def new_arn(ctx: RequestContext, name: str) -> str:
    suffix = "".join(random.choice(_ALPHABET) for _ in range(6))
    return ctx.arn(SERVICE, f"secret:{name}-{suffix}")


def value_rid(secret_arn: str, version_id: str) -> str:
    """The id of a version's value row (a secret's ARN and a version id, hashed to a fixed length)."""
    return hashlib.sha256(f"{secret_arn}\n{version_id}".encode()).hexdigest()


def in_region(ctx: RequestContext, region: str) -> RequestContext:
    """The request's context, acting in another Region (the same transaction and caller)."""
    if region == ctx.region:
        return ctx
    other = copy.copy(ctx)
    other.region = region
    return other


# -- times ---------------------------------------------------------------------------------


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


#: each day's text, as :func:`day_of` gives it (every read asks for today's)
_DAYS: dict[dt.date, str] = {}


def day_of(moment: dt.datetime) -> str:
    """A moment as Secrets Manager keeps access times: the date, at midnight UTC."""
    day = (moment if moment.tzinfo is dt.UTC else moment.astimezone(dt.UTC)).date()
    text = _DAYS.get(day)
    if text is None:
        if len(_DAYS) >= 64:
            _DAYS.clear()
        text = _DAYS[day] = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).isoformat()
    return text


# -- the secret as a handler sees it -------------------------------------------------------


@dataclass
class Secret:
    """A secret's row, with what handlers read from its document."""

    row: Resource

    @property
    def arn(self) -> str:
        return self.row.arn

    @property
    def name(self) -> str:
        return self.row.rid

    @property
    def doc(self) -> dict[str, Any]:
        return self.row.document

    @property
    def deleted(self) -> bool:
        return self.row.state == PENDING_DELETION

    @property
    def deletion_date(self) -> dt.datetime | None:
        return when(self.doc.get("DeletionDate"))

    @property
    def is_replica(self) -> bool:
        return bool(self.doc.get("ReplicaOf"))

    @property
    def versions(self) -> list[dict[str, Any]]:
        """The versions, oldest first: ``VersionId``, ``Stages``, ``Created``, ``LastAccessed``,
        ``KmsKeyId``."""
        return [dict(v) for v in self.doc.get("Versions") or []]

    def version(self, version_id: str) -> dict[str, Any] | None:
        return next((v for v in self.versions if v["VersionId"] == version_id), None)

    def staged(self, stage: str) -> dict[str, Any] | None:
        return next((v for v in self.versions if stage in v["Stages"]), None)

    def edit(self) -> dict[str, Any]:
        """A copy of the document to change and :meth:`save`."""
        return copy.deepcopy(self.row.document)

    def save(
        self, ctx: RequestContext, doc: dict[str, Any], *, changed: bool = True, state: Any = ...
    ) -> None:
        """Write the document back (``changed``: LastChangedDate moves too; ``state``: the new
        state, None for an active secret)."""
        if changed:
            doc["LastChangedDate"] = stamp(ctx.now)
        before = current_id(self.row.document)
        SECRETS.update(ctx, self.row, document=doc)
        if current_id(doc) != before:
            mark_current(ctx, self.arn, doc)
        if state is not ...:
            self.row.state = state

    def expired(self, now: dt.datetime) -> bool:
        date = self.deletion_date
        return self.deleted and date is not None and date <= now


def current_id(doc: dict[str, Any]) -> str | None:
    """The id of the version labelled AWSCURRENT in a secret's document (None: none is)."""
    for version in doc.get("Versions") or ():
        if CURRENT in version["Stages"]:
            return str(version["VersionId"])
    return None


def mark_current(ctx: RequestContext, secret_arn: str, doc: dict[str, Any]) -> None:
    """Give the value row of the document's AWSCURRENT version the state ``AWSCURRENT`` (and
    take it from the others), after AWSCURRENT moved."""
    current = current_id(doc)
    wanted = value_rid(secret_arn, current) if current is not None else ""
    ctx.session.execute(
        update(Resource)
        .where(Resource.service == SERVICE, Resource.kind == VALUES.kind, Resource.parent == secret_arn)
        .values(state=case((Resource.rid == wanted, CURRENT), else_=None)),
        execution_options={"synchronize_session": "fetch"},
    )


def remove(ctx: RequestContext, row: Resource) -> None:
    """A secret gone for good: its values, its tags and itself."""
    ctx.session.execute(
        delete(Resource).where(
            Resource.service == SERVICE, Resource.kind == VALUES.kind, Resource.parent == row.arn
        )
    )
    tagging.drop(ctx.session, row.arn)
    SECRETS.delete(ctx, row)
    ctx.session.flush()


# -- finding a secret ----------------------------------------------------------------------


def by_name(ctx: RequestContext, name: str) -> Secret | None:
    """The secret named ``name`` in the context's account and Region (gone ones excluded)."""
    row = SECRETS.find(ctx, name)
    if row is None:
        return None
    found = Secret(row)
    return None if found.expired(ctx.now) else found


def stored_named(ctx: RequestContext, name: str) -> Secret | None:
    """The row of that name, even one whose recovery window has ended (for writers to clear)."""
    row = SECRETS.find(ctx, name)
    return Secret(row) if row is not None else None


def resolve(ctx: RequestContext, secret_id: str) -> Secret | None:
    """The secret ``secret_id`` names (a name, a complete ARN or a partial ARN), or None."""
    if not secret_id.startswith("arn:"):
        check_name(secret_id)
        return by_name(ctx, secret_id)
    parsed = arns.parse(secret_id)
    if parsed is None or parsed.service != SERVICE or parsed.resource_type != "secret":
        return None
    if parsed.region != ctx.region:
        return None
    tail = parsed.resource_id
    if len(tail) > 7 and _SUFFIX.fullmatch(tail[-7:]):
        row = SECRETS.by_arn(ctx, secret_id)
        if row is None:
            return None
        found = Secret(row)
        return None if found.expired(ctx.now) else found
    if parsed.account != ctx.account_id or not _NAME.fullmatch(tail):
        return None  # a partial ARN finds a secret by name, in the caller's own account
    return by_name(ctx, tail)


def direct(ctx: RequestContext, secret_id: str) -> tuple[str, str] | None:
    """How a query finds the secret ``secret_id`` names: ("name", its name in the caller's
    account and Region) or ("arn", its complete ARN); None when only :func:`resolve` can say
    (an ARN of another service or Region, a partial ARN of another account). A name outside
    the allowed characters is AWS's validation error."""
    if not secret_id.startswith("arn:"):
        check_name(secret_id)
        return "name", secret_id
    parsed = arns.parse(secret_id)
    if parsed is None or parsed.service != SERVICE or parsed.resource_type != "secret":
        return None
    if parsed.region != ctx.region:
        return None
    tail = parsed.resource_id
    if len(tail) > 7 and _SUFFIX.fullmatch(tail[-7:]):
        return "arn", secret_id
    if parsed.account == ctx.account_id and _NAME.fullmatch(tail):
        return "name", tail
    return None


def request_arn(ctx: RequestContext, secret_id: str) -> str:
    """The ARN a request for ``secret_id`` acts on (for authorization): the secret's own, or,
    when none exists, the ARN the identifier spells."""
    try:
        found = resolve(ctx, secret_id)
    except Exception:  # a malformed name: the handler refuses it
        found = None
    if found is not None:
        return found.arn
    if secret_id.startswith("arn:"):
        return secret_id
    return ctx.arn(SERVICE, f"secret:{secret_id}")


def lookup(
    ctx: RequestContext, secret_id: str, *, deleted_ok: bool = False, replica_ok: bool = True
) -> Secret:
    """The secret ``secret_id`` names, or the error AWS answers: not found, marked for deletion
    (unless ``deleted_ok``), or a replica (unless ``replica_ok``)."""
    found = resolve(ctx, secret_id)
    if found is None:
        raise ResourceNotFoundException()
    if found.deleted and not deleted_ok:
        raise marked_for_deletion()
    if found.is_replica and not replica_ok:
        raise on_replica()
    return found
