"""A secret's values: GetSecretValue, BatchGetSecretValue, PutSecretValue, ListSecretVersionIds
and UpdateSecretVersionStage.

Reading a value stamps the secret's and the version's LastAccessedDate, to the day as AWS keeps
it ("the resolution of this field is at the date level"): the first read of a day writes it, in a
transaction of its own once the read has answered, so GetSecretValue and BatchGetSecretValue run
as reads. GetSecretValue of the AWSCURRENT version reads the secret and that version's sealed
value in one query (the value row of the current version is marked, see :mod:`.store`).
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource
from awsmock.state import jsontext

from . import access, listing, replication, rotation, sealing, store, versions
from .errors import (
    InvalidNextTokenException,
    InvalidParameterException,
    InvalidRequestException,
    LimitExceededException,
    ResourceNotFoundException,
    marked_for_deletion,
    token_required,
)
from .secrets import both_values
from .store import CURRENT, SECRETS, SERVICE, VALUES, Secret

#: the most labels one version may carry
MAX_STAGES = 20


def _invalid_token(token: str) -> AwsError:
    return InvalidNextTokenException()


def _pick(secret: Secret, version_id: str | None, stage: str | None) -> dict[str, Any]:
    """The version a GetSecretValue names (AWSCURRENT by default), or AWS's error."""
    if version_id is not None:
        version = secret.version(version_id)
        if version is None:
            raise ResourceNotFoundException(
                f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"
            )
        if stage is not None and stage not in version["Stages"]:
            raise InvalidRequestException(
                "You provided a VersionStage that is not associated to the provided VersionId."
            )
        return version
    stage = stage or CURRENT
    version = secret.staged(stage)
    if version is None:
        raise ResourceNotFoundException(
            f"Secrets Manager can't find the specified secret value for staging label: {stage}"
        )
    return version


def _accessed_today(doc: dict[str, Any], version: dict[str, Any], today: str) -> bool:
    return doc.get("LastAccessedDate") == today and version.get("LastAccessed") == today


def _stamp(ctx: RequestContext, secret_arn: str, version_id: str) -> None:
    """Record, in a write transaction of its own, that the secret (and this version) was read
    today. Run once the read has answered, and only the first time in a day: reads stay reads."""
    today = store.day_of(ctx.now)
    with ctx.store.transaction(write=True) as tx:
        wctx = copy.copy(ctx)
        wctx.tx = tx
        wctx._after_commit = []
        row = SECRETS.by_arn(wctx, secret_arn)
        if row is None:
            return
        secret = Secret(row)
        version = secret.version(version_id)
        if version is None or _accessed_today(secret.doc, version, today):
            return
        doc = secret.edit()
        doc["LastAccessedDate"] = today
        for v in doc.get("Versions") or []:
            if v["VersionId"] == version_id:
                v["LastAccessed"] = today
        SECRETS.update(wctx, row, document=doc)


def _touch(ctx: RequestContext, secret_arn: str, doc: dict[str, Any], version: dict[str, Any]) -> None:
    """Stamp the day the secret (and this version) was last read, once a day (after the answer)."""
    if not _accessed_today(doc, version, store.day_of(ctx.now)):
        version_id = version["VersionId"]
        ctx.after_commit(lambda: _stamp(ctx, secret_arn, version_id))


def _answer(arn: str, name: str, version: dict[str, Any], kind: str, payload: bytes) -> dict[str, Any]:
    return {
        "ARN": arn,
        "Name": name,
        "VersionId": version["VersionId"],
        **versions.value_fields(kind, payload),
        "VersionStages": list(version["Stages"]),
        "CreatedDate": store.when(version["Created"]),
    }


def read(
    ctx: RequestContext, secret: Secret, version_id: str | None = None, stage: str | None = None
) -> dict[str, Any]:
    """A version's value as GetSecretValue answers it."""
    version = _pick(secret, version_id, stage)
    if version.get("Empty"):  # a rotation's new version, before its createSecret step filled it
        raise ResourceNotFoundException(
            "Secrets Manager can't find the specified secret value for "
            + (f"VersionId: {version_id}" if version_id is not None else f"staging label: {stage or CURRENT}")
        )
    kind, payload = versions.read_value(ctx, secret, version["VersionId"])
    _touch(ctx, secret.arn, secret.doc, version)
    return _answer(secret.arn, secret.name, version, kind, payload)


# -- GetSecretValue's one query ----------------------------------------------------------------

_S = aliased(Resource, name="s")
_V = aliased(Resource, name="v")


def _current_statement(*where: Any) -> Any:
    """A secret and the value row of its AWSCURRENT version, in one query."""
    return (
        select(_S.arn, _S.rid, _S.state, _S.document, _V.document)
        .select_from(_S)
        .outerjoin(
            _V,
            and_(_V.parent == _S.arn, _V.service == SERVICE, _V.kind == VALUES.kind, _V.state == CURRENT),
        )
        .where(_S.service == SERVICE, _S.kind == SECRETS.kind, *where)
    )


_BY_NAME = _current_statement(
    _S.account_id == bindparam("account"), _S.region == bindparam("region"), _S.rid == bindparam("name")
)
_BY_ARN = _current_statement(_S.arn == bindparam("arn"))


#: documents GetSecretValue's query read, parsed once per stored text
_PARSED = jsontext.ParsedByText()


def _json(value: Any) -> dict[str, Any]:
    """A JSON column as the driver gives it (text on SQLite, parsed on PostgreSQL); read only."""
    return value if isinstance(value, dict) else _PARSED(value)  # type: ignore[no-any-return]


def _current(ctx: RequestContext, secret_id: str) -> dict[str, Any] | None:
    """GetSecretValue of a secret's AWSCURRENT version in one query, or None when the SecretId
    is of a form the ORM path resolves (a partial ARN of another account...)."""
    found = store.direct(ctx, secret_id)
    if found is None:
        return None
    how, value = found
    if how == "name":
        params = {"account": ctx.account_id, "region": ctx.region, "name": value}
        row = ctx.tx.execute(_BY_NAME, params).fetchone()
    else:
        row = ctx.tx.execute(_BY_ARN, {"arn": value}).fetchone()
    if row is None:
        raise ResourceNotFoundException()
    arn, name, state, raw_doc, raw_value = row
    doc = _json(raw_doc)
    if state == store.PENDING_DELETION:
        deletion = store.when(doc.get("DeletionDate"))
        if deletion is not None and deletion <= ctx.now:
            raise ResourceNotFoundException()
        raise marked_for_deletion()
    version = next((v for v in doc.get("Versions") or () if CURRENT in v["Stages"]), None)
    if version is None or raw_value is None:
        raise ResourceNotFoundException(
            f"Secrets Manager can't find the specified secret value for staging label: {CURRENT}"
        )
    sealed = _json(raw_value)
    payload = sealing.unseal(ctx, sealed, arn, version["VersionId"])
    _touch(ctx, arn, doc, version)
    return _answer(arn, name, version, sealed["Kind"], payload)


@handler("secretsmanager", "GetSecretValue", write=False)
def get_secret_value(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    version_id, stage = params.get("VersionId"), params.get("VersionStage")
    if version_id is None and stage in (None, CURRENT):
        answer = _current(ctx, params["SecretId"])
        if answer is not None:
            return answer
    secret = store.lookup(ctx, params["SecretId"])
    return read(ctx, secret, version_id, stage)


@handler("secretsmanager", "BatchGetSecretValue", write=False)
def batch_get_secret_value(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ids = params.get("SecretIdList")
    filters = params.get("Filters")
    if (ids is None) == (filters is None):
        raise InvalidParameterException("Either 'SecretIdList' or 'Filters' must be provided, but not both.")
    if params.get("MaxResults") is not None and filters is None:
        raise InvalidParameterException(
            "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided."
        )
    values: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {}
    if ids is not None:
        chosen: list[tuple[str, Secret | None]] = [(i, None) for i in ids]
    else:
        page = listing.page(
            ctx,
            filters=filters,
            limit=params.get("MaxResults") or 20,
            token=params.get("NextToken"),
            scope="BatchGetSecretValue",
        )
        chosen = [(s.arn, s) for s in page.rows]
        if page.token:
            out["NextToken"] = page.token
    for secret_id, secret in chosen:
        try:
            if secret is None:
                secret = store.lookup(ctx, secret_id)
            access.check_each(ctx, "GetSecretValue", secret)
            values.append(read(ctx, secret))
        except AwsError as exc:
            errors.append({"SecretId": secret_id, "ErrorCode": exc.code, "Message": exc.message})
    out["SecretValues"] = values
    out["Errors"] = errors
    return out


# -- PutSecretValue ------------------------------------------------------------------------


@handler("secretsmanager", "PutSecretValue")
def put_secret_value(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    both_values(params)
    value = versions.encode(params)
    if value is None:
        raise InvalidRequestException("You must provide either SecretString or SecretBinary.")
    token = params.get("ClientRequestToken")
    if not token:
        raise token_required()
    stages = params.get("VersionStages")
    existing = secret.version(token)
    if existing is not None and existing.get("Empty"):  # a rotation's createSecret step
        doc = secret.edit()
        entry = versions.fill(ctx, secret, doc, token, value, stages)
        secret.save(ctx, doc)
        replication.sync(ctx, secret)
        return _put_answer(secret, token, entry)
    if existing is not None:
        if not versions.same_value(ctx, secret, token, value):
            raise versions.token_in_use(token, secret.arn)
        return _put_answer(secret, token, existing)
    doc = secret.edit()
    entry = versions.add(ctx, secret, doc, token, value, stages)
    if CURRENT in entry["Stages"]:
        rotation.updated_by_hand(ctx, secret, doc)
    secret.save(ctx, doc)
    replication.sync(ctx, secret)
    return _put_answer(secret, token, entry)


def _put_answer(secret: Secret, token: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "ARN": secret.arn,
        "Name": secret.name,
        "VersionId": token,
        "VersionStages": list(entry["Stages"]),
    }


# -- ListSecretVersionIds ------------------------------------------------------------------


def _version_key(version: dict[str, Any]) -> list[str]:
    return [str(store.when(version["Created"])), version["VersionId"]]


@handler("secretsmanager", "ListSecretVersionIds")
def list_secret_version_ids(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], deleted_ok=True)
    shown = [v for v in secret.versions if v["Stages"] or params.get("IncludeDeprecated")]
    shown.sort(key=_version_key)  # oldest first; one moment's versions by id
    page = pager.page_list(
        shown,
        key=_version_key,
        limit=params.get("MaxResults") or 100,
        token=params.get("NextToken"),
        scope=f"ListSecretVersionIds:{secret.arn}:{bool(params.get('IncludeDeprecated'))}",
        invalid=_invalid_token,
    )
    out: dict[str, Any] = {"Versions": [versions.version_listing(v) for v in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    out["ARN"] = secret.arn
    out["Name"] = secret.name
    return out


# -- UpdateSecretVersionStage --------------------------------------------------------------


def _known(secret: Secret, version_id: str) -> dict[str, Any]:
    version = secret.version(version_id)
    if version is None:
        raise InvalidParameterException(f"Not a valid version: {version_id}")
    return version


@handler("secretsmanager", "UpdateSecretVersionStage")
def update_secret_version_stage(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    stage = params["VersionStage"]
    remove_from = params.get("RemoveFromVersionId")
    move_to = params.get("MoveToVersionId")
    target = _known(secret, move_to) if move_to is not None else None
    if remove_from is not None:
        source = _known(secret, remove_from)
        if stage not in source["Stages"]:
            raise InvalidParameterException(f"Version stage {stage} not found in version {remove_from}")
    holder = secret.staged(stage)
    if target is not None and holder is not None and holder["VersionId"] != move_to and remove_from is None:
        raise InvalidParameterException(
            f"The parameter RemoveFromVersionId can't be empty. Staging label {stage} is currently attached "
            f"to version {holder['VersionId']}, so you must explicitly reference that version in "
            "RemoveFromVersionId."
        )
    if target is None and stage == CURRENT and remove_from is not None:
        raise InvalidParameterException(
            "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed."
        )
    doc = secret.edit()
    if target is not None and move_to is not None:
        if stage not in target["Stages"] and len(target["Stages"]) >= MAX_STAGES:
            raise LimitExceededException(f"A version can have at most {MAX_STAGES} staging labels attached.")
        versions.attach(doc, move_to, stage)
    elif remove_from is not None:
        versions.detach(doc, remove_from, stage)
    secret.save(ctx, doc)
    replication.sync(ctx, secret)
    return {"ARN": secret.arn, "Name": secret.name}
