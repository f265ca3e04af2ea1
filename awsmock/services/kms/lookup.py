"""KMS keys, aliases and grants in the shared resource store, and how a request names them.

A key is a row of kind ``key`` (id: the key id; state: its stored key state; document: its
metadata, policy, and sealed material, see :mod:`.vault`). What time changes is computed when
read, never by a background writer: a key whose deletion date has passed is gone (reads skip it,
writes purge it with its aliases and grants), imported material past its ``ValidTo`` leaves the
key ``PendingImport``, and automatic rotations that fell due exist (derived from the key's
sealed seed, :mod:`.rotation`).

The hot path (every cryptographic operation) reads a key with one prebuilt raw statement that
also returns the state's master key (:func:`key_by_arn`): no ORM object until a handler changes
the key (:func:`orm_row`). A key's last use is not in its document: it is a row of KMS's own
``kms_key_usage`` table (:func:`.keys.note_use`).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.orm import aliased

from awsmock.auth import policy
from awsmock.engine import arns, resources
from awsmock.engine.context import RequestContext
from awsmock.models.kms import KeyUsage
from awsmock.models.resources import Resource
from awsmock.state import jsontext

from . import keyspecs, vault
from .errors import (
    DisabledException,
    DryRunOperationException,
    KMSInvalidStateException,
    NotFoundException,
    access_denied,
)

KEYS = resources.Kind(
    "kms",
    "key",
    arn=lambda ctx, rid: ctx.arn("kms", f"key/{rid}"),
    not_found=lambda rid: NotFoundException(f"Invalid keyId {rid}"),
    title="Keys",
)
ALIASES = resources.Kind(
    "kms",
    "alias",
    arn=lambda ctx, rid: ctx.arn("kms", rid),
    not_found=lambda rid: NotFoundException(f"Alias {rid} is not found."),
    title="Aliases",
)
GRANTS = resources.Kind(
    "kms",
    "grant",
    arn=lambda ctx, rid: ctx.arn("kms", f"grant/{rid}"),
    not_found=lambda rid: NotFoundException(f"Grant {rid} does not exist"),
)

ENABLED, DISABLED, PENDING_DELETION, PENDING_IMPORT = (
    "Enabled",
    "Disabled",
    "PendingDeletion",
    "PendingImport",
)
UNAVAILABLE, PENDING_REPLICA_DELETION, CREATING, UPDATING = (
    "Unavailable",
    "PendingReplicaDeletion",
    "Creating",
    "Updating",
)

_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$")


def when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def dry_run(params: dict[str, Any]) -> None:
    """A request that would have succeeded, with ``DryRun`` set: nothing changes."""
    if params.get("DryRun"):
        raise DryRunOperationException()


class KeyRow:
    """A key's row as the hot path reads it: one raw statement, no ORM object (see
    :func:`key_by_arn`). Writes go through the ORM row (:func:`orm_row`)."""

    __slots__ = ("_created", "account_id", "arn", "document", "pk", "region", "rid", "state")

    def __init__(
        self,
        pk: int,
        rid: str,
        arn: str,
        account_id: str,
        region: str,
        state: str | None,
        created: Any,
        document: dict[str, Any],
    ) -> None:
        self.pk = pk
        self.rid = rid
        self.arn = arn
        self.account_id = account_id
        self.region = region
        self.state = state
        self._created = created
        self.document = document

    @property
    def created(self) -> dt.datetime:
        value = self._created
        if isinstance(value, str):  # SQLite's text
            value = dt.datetime.fromisoformat(value)
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass
class Key:
    """A key row and what its stored times make of it now."""

    row: Resource | KeyRow
    now: dt.datetime

    @property
    def doc(self) -> dict[str, Any]:
        """The key's document, to read only (requests reading the same stored document share
        it): change a copy from :meth:`edit`."""
        return self.row.document

    @property
    def id(self) -> str:
        return self.row.rid

    @property
    def arn(self) -> str:
        return self.row.arn

    @property
    def account(self) -> str:
        return self.row.account_id

    @property
    def region(self) -> str:
        return self.row.region

    @property
    def spec(self) -> keyspecs.Spec:
        return keyspecs.SPECS[self.doc["KeySpec"]]

    @property
    def usage(self) -> str:
        return str(self.doc["KeyUsage"])

    @property
    def deleted(self) -> bool:
        due = when(self.doc.get("DeletionDate"))
        return self.row.state == PENDING_DELETION and due is not None and due <= self.now

    @property
    def state(self) -> str:
        stored = self.row.state or ENABLED
        if stored in (ENABLED, DISABLED) and self.doc.get("Origin") == "EXTERNAL":
            valid_to = when(self.doc.get("ValidTo"))
            if valid_to is not None and valid_to <= self.now:
                return PENDING_IMPORT
        return stored

    @property
    def aws_managed(self) -> bool:
        return self.doc.get("KeyManager") == "AWS"

    def edit(self) -> dict[str, Any]:
        """A copy of the document to change and store with :func:`save`."""
        return copy.deepcopy(self.doc)


def orm_row(ctx: RequestContext, key: Key) -> Resource:
    """The key's ORM row, to change or delete (loaded by primary key when the key was read raw)."""
    row = key.row
    if isinstance(row, Resource):
        return row
    loaded = ctx.session.get(Resource, row.pk)
    assert loaded is not None  # read in this transaction
    key.row = loaded
    return loaded


def save(
    ctx: RequestContext, key: Key, document: dict[str, Any] | None = None, state: str | None = None
) -> None:
    KEYS.update(ctx, orm_row(ctx, key), document=document, state=state)


# -- naming a key ------------------------------------------------------------------------------


def key_arn_of(
    ctx: RequestContext, key_id: str, *, account: str | None = None, region: str | None = None
) -> str:
    return ctx.arn("kms", f"key/{key_id}", account=account, region=region)


def _not_found(arn: str) -> NotFoundException:
    return NotFoundException(f"Key '{arn}' does not exist")


def _alias_not_found(arn: str) -> NotFoundException:
    return NotFoundException(f"Alias {arn} is not found.")


_MASTER = aliased(Resource)
#: a key by ARN and the state's master key, in one statement (the master key's row by its unique
#: index); run raw (``Transaction.execute``): no ORM object, no statement built per request
_KEY_BY_ARN = (
    select(
        Resource.pk,
        Resource.rid,
        Resource.arn,
        Resource.account_id,
        Resource.region,
        Resource.state,
        Resource.created,
        Resource.document,
        _MASTER.document,
    )
    .select_from(Resource)
    .outerjoin(
        _MASTER,
        and_(
            _MASTER.service == "kms",
            _MASTER.kind == vault.MASTER_KIND,
            _MASTER.account_id == "",
            _MASTER.region == "",
            _MASTER.rid == vault.MASTER_ID,
        ),
    )
    .where(Resource.arn == bindparam("b_arn"), Resource.service == "kms", Resource.kind == "key")
)


#: parsed key documents by their stored text (SQLite hands a raw statement text)
_DOCUMENTS = jsontext.ParsedByText()


def _document(stored: Any) -> dict[str, Any]:
    """A key's document as a raw statement returns it: text on SQLite, parsed on PostgreSQL."""
    if not isinstance(stored, str):
        return dict(stored)  # (a fresh object per read)
    found: dict[str, Any] = _DOCUMENTS(stored)
    return found


def key_by_arn(ctx: RequestContext, arn: str) -> Key | None:
    ctx.tx.flush()  # the raw read must see what this request changed through the ORM
    found = ctx.tx.execute(_KEY_BY_ARN, {"b_arn": arn}).fetchone()
    if found is None:
        return None
    pk, rid, key_arn, account, region, state, created, document, master = found
    if master is not None:
        vault.remember_master(ctx, master)
    key = Key(KeyRow(pk, rid, key_arn, account, region, state, created, _document(document)), ctx.now)
    return None if key.deleted else key


def alias_target(ctx: RequestContext, alias_arn: str) -> Key | None:
    """The key an alias (by ARN) points to, or None (no alias, or its key is gone)."""
    alias = ALIASES.by_arn(ctx, alias_arn)
    if alias is None:
        return None
    parsed = arns.parse(alias_arn)
    assert parsed is not None
    return key_by_arn(
        ctx, key_arn_of(ctx, alias.document["TargetKeyId"], account=parsed.account, region=parsed.region)
    )


def resolve(ctx: RequestContext, identifier: str, *, cross_account: bool = False) -> Key:
    """The key a request's ``KeyId`` names: a key id, key ARN, alias name or alias ARN.

    ``cross_account``: the operation may use a key of another account named by its ARN (the
    cryptographic operations, DescribeKey, GetPublicKey, CreateGrant...).
    """
    if identifier.startswith("arn:"):
        parsed = arns.parse(identifier)
        if parsed is None or parsed.service != "kms" or parsed.resource_type not in ("key", "alias"):
            raise NotFoundException("Invalid arn")
        if parsed.region != ctx.region:
            raise NotFoundException(f"Invalid arn {parsed.region}")
        foreign = parsed.account != ctx.account_id
        if parsed.resource_type == "alias":
            found = alias_target(ctx, identifier) if cross_account or not foreign else None
            if found is None:
                raise _alias_not_found(identifier)
        else:
            found = key_by_arn(ctx, identifier) if cross_account or not foreign else None
            if found is None:
                raise _not_found(identifier)
        return found
    if identifier.startswith("alias/"):
        arn = ctx.arn("kms", identifier)
        found = alias_target(ctx, arn)
        if found is None:
            raise _alias_not_found(arn)
        return found
    if not _KEY_ID.match(identifier):
        raise NotFoundException(f"Invalid keyId {identifier}")
    arn = key_arn_of(ctx, identifier)
    found = key_by_arn(ctx, arn)
    if found is None:
        raise _not_found(arn)
    return found


def check_cross_account(ctx: RequestContext, key: Key, action: str) -> None:
    """A key of another account is used only where its key policy lets the caller's account in
    (KMS requires the key policy to allow; IAM policies of the caller's account come on top
    when access control is on)."""
    if key.account == ctx.account_id:
        return
    principal_arn = ctx.principal_arn or arns.account_root(ctx.account_id, arns.partition_of(ctx.region))
    request = policy.Request(
        f"kms:{action}",
        (key.arn,),
        policy.Principal(ctx.account_id, (principal_arn,)),
        {"kms:CallerAccount": ctx.account_id},
    )
    if policy.evaluate([key.doc["Policy"]], request, resource_policy=True).decision != policy.ALLOW:
        raise access_denied(policy.denial_message(principal_arn, f"kms:{action}", key.arn, "resource"))


def require_customer_managed(ctx: RequestContext, key: Key) -> None:
    """AWS managed keys' policies let no one manage them: AccessDeniedException."""
    if key.aws_managed:
        principal_arn = ctx.principal_arn or arns.account_root(ctx.account_id, arns.partition_of(ctx.region))
        action = f"kms:{ctx.operation}"
        raise access_denied(policy.denial_message(principal_arn, action, key.arn, "resource"))


# -- what each state allows --------------------------------------------------------------------

_STATE_WORDS = {
    PENDING_DELETION: "pending deletion",
    PENDING_IMPORT: "pending import",
    UNAVAILABLE: "unavailable",
    PENDING_REPLICA_DELETION: "pending replica deletion",
    CREATING: "creating",
    UPDATING: "updating",
    DISABLED: "disabled",
}


def invalid_state(
    key: Key, state: str | None = None, *, words: str | None = None
) -> KMSInvalidStateException:
    """KMS's words for a key whose state does not allow the operation: ``<arn> is pending deletion.``"""
    return KMSInvalidStateException(
        f"{key.arn} is {words or _STATE_WORDS.get(state or key.state, 'not enabled')}."
    )


def require_usable(key: Key) -> None:
    """A cryptographic operation needs an enabled key."""
    state = key.state
    if state == ENABLED:
        return
    if state == DISABLED:
        raise DisabledException(f"{key.arn} is disabled.")
    raise invalid_state(key, state)


def require_manageable(key: Key, *, pending_import: bool = True, disabled: bool = True) -> None:
    """Management operations refuse a key pending deletion (and, where AWS does, a key pending
    import, or a disabled one)."""
    state = key.state
    if state in (PENDING_DELETION, PENDING_REPLICA_DELETION):
        raise invalid_state(key, state)
    if state == PENDING_IMPORT and not pending_import:
        raise invalid_state(key, state)
    if state == DISABLED and not disabled:
        raise DisabledException(f"{key.arn} is disabled.")


# -- keys whose deletion date has passed -------------------------------------------------------


def purge(ctx: RequestContext) -> None:
    """Remove the caller's keys whose deletion date has passed, with their aliases and grants
    (run by writes; reads already skip them)."""
    rows = ctx.session.scalars(
        KEYS._mine(ctx).where(Resource.state.in_((PENDING_DELETION, PENDING_REPLICA_DELETION)))
    ).all()
    for row in rows:
        key = Key(row, ctx.now)
        if key.deleted:
            forget(ctx, key)


def forget(ctx: RequestContext, key: Key) -> None:
    for kind in (ALIASES, GRANTS):
        for child in _children(ctx, kind, key):
            kind.delete(ctx, child)
    ctx.session.execute(delete(KeyUsage).where(KeyUsage.key_arn == key.arn))
    KEYS.delete(ctx, orm_row(ctx, key))


def _children(ctx: RequestContext, kind: resources.Kind, key: Key) -> Iterable[Resource]:
    return ctx.session.scalars(
        select(Resource).where(
            Resource.service == "kms",
            Resource.kind == kind.kind,
            Resource.account_id == key.account,
            Resource.region == key.region,
            Resource.parent == key.arn,
        )
    ).all()


def aliases_of(ctx: RequestContext, key: Key) -> list[Resource]:
    return sorted(_children(ctx, ALIASES, key), key=lambda r: r.rid)


def grants_of(ctx: RequestContext, key: Key) -> list[Resource]:
    return sorted(_children(ctx, GRANTS, key), key=lambda r: (r.created, r.rid))
