"""Rotation by a Lambda function: RotateSecret and CancelRotateSecret, and the rotations they
start, run in the background through the durable outbox.

RotateSecret checks and keeps the configuration (the function, the rules), then, as AWS does,
answers at once: the rotation runs afterwards. It creates the new version (the request's
``ClientRequestToken``) without a value, labelled ``AWSPENDING``, and queues the rotation (an
outbox entry of kind ``secretsmanager.rotate``, written in the request's transaction). The
outbox's worker invokes the function four times, ``createSecret``, ``setSecret``,
``testSecret``, ``finishSecret``, each with the event Secrets Manager sends (``Step``,
``SecretId`` the secret's ARN, ``ClientRequestToken``, ``RotationToken``), synchronously and
outside any transaction: the function's own calls (GetSecretValue of ``AWSPENDING``,
PutSecretValue, UpdateSecretVersionStage moving ``AWSCURRENT``) come back to this awsmock. The
rotation succeeded when ``finishSecret`` leaves ``AWSCURRENT`` on the new version:
``LastRotatedDate`` is stamped and the next scheduled rotation armed.

A step that fails (the function raises, times out, or may not be invoked any more) stops the
rotation where it is: ``AWSPENDING`` stays where the function left it (on the new version,
empty when ``createSecret`` failed), and RotateSecret refuses until it is cleared ("A previous
rotation isn't complete..."). Secrets Manager tries the whole rotation again after 1, 2 and 4
hours (:data:`RETRY_WAITS`), then leaves it to the next scheduled window, which takes up the
stranded version again.

``RotateImmediately=false`` only tests the configuration: a version labelled ``AWSPENDING`` is
made, the ``testSecret`` step runs, and the label is taken off again; the first rotation waits
for its window. Scheduled rotations (:mod:`.schedule`'s windows) are outbox entries of kind
``secretsmanager.schedule``, due when the window opens; each carries the id of the arming that
wrote it, so a changed or cancelled schedule spends older entries without rotating. A worker
killed mid-rotation leaves its entry to be taken again when its lease ends (the steps are
idempotent by contract), so no rotation is lost.

A new AWSCURRENT value put by hand (PutSecretValue, UpdateSecret) counts as a rotation for a
schedule of ``AutomaticallyAfterDays``, as AWS documents: the next window is counted from it.

CancelRotateSecret turns rotation off (``RotationEnabled`` false, no next date), stops a
rotation in progress before its next step, and leaves ``AWSPENDING`` where it is; it answers
the id of the unfinished version, if any.

The function must exist and its resource policy must let ``secretsmanager.amazonaws.com``
invoke it (``lambda:InvokeFunction``, with ``aws:SourceArn`` the secret's ARN and
``aws:SourceAccount`` its account), else RotateSecret answers AccessDeniedException and changes
nothing. The caller needs ``lambda:InvokeFunction`` on the function too (:mod:`.access`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from awsmock.engine import outbox
from awsmock.engine.context import RequestContext, acting
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler

from . import replication, schedule, store, versions
from .errors import InvalidRequestException
from .store import CURRENT, PENDING, SECRETS, SERVICE, Secret

if TYPE_CHECKING:
    from awsmock.state.store import Store

ROTATE = "secretsmanager.rotate"
SCHEDULED = "secretsmanager.schedule"
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
PRINCIPAL = "secretsmanager.amazonaws.com"
#: the waits before Secrets Manager tries a failed rotation again
RETRY_WAITS = (3600.0, 7200.0, 14400.0)

CANNOT_INVOKE = (
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
    "grants access to the principal secretsmanager.amazonaws.com."
)


def _cannot_invoke() -> AwsError:
    return AwsError(CANNOT_INVOKE, code="AccessDeniedException", status=400)


def _incomplete() -> InvalidRequestException:
    return InvalidRequestException("A previous rotation isn't complete. That rotation will be reattempted.")


# -- what DescribeSecret and ListSecrets show ------------------------------------------------


def describe(doc: dict[str, Any]) -> dict[str, Any]:
    """RotationEnabled, RotationLambdaARN, RotationRules, LastRotatedDate and NextRotationDate
    (none of them for a secret never configured for rotation)."""
    if "RotationEnabled" not in doc:
        return {}
    enabled = bool(doc["RotationEnabled"])
    out: dict[str, Any] = {"RotationEnabled": enabled}
    if doc.get("RotationLambdaARN"):
        out["RotationLambdaARN"] = doc["RotationLambdaARN"]
    if doc.get("RotationRules"):
        out["RotationRules"] = schedule.described(doc["RotationRules"])
    if enabled and doc.get("LastRotatedDate"):
        out["LastRotatedDate"] = store.when(doc["LastRotatedDate"])
    if enabled and doc.get("NextRotationDate"):
        out["NextRotationDate"] = store.when(doc["NextRotationDate"])
    return out


def pending_version(secret: Secret) -> dict[str, Any] | None:
    """The version labelled AWSPENDING while it is not the current one (a rotation unfinished)."""
    found = secret.staged(PENDING)
    if found is None or CURRENT in found["Stages"]:
        return None
    return found


# -- RotateSecret ------------------------------------------------------------------------------


@handler("secretsmanager", "RotateSecret")
def rotate_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    rules = schedule.check(params["RotationRules"]) if params.get("RotationRules") is not None else None
    function = params.get("RotationLambdaARN") or secret.doc.get("RotationLambdaARN")
    if not function:
        raise InvalidRequestException("No Lambda rotation function ARN is associated with this secret.")
    if pending_version(secret) is not None:
        raise _incomplete()
    from awsmock.services.lambda_ import internal as lambda_

    if lambda_.service_may_invoke(
        ctx,
        function,
        service_principal=PRINCIPAL,
        source_arn=secret.arn,
        source_account=secret.row.account_id,
    ):
        raise _cannot_invoke()
    token = params.get("ClientRequestToken") or str(uuid.uuid4())
    if secret.version(token) is not None:
        raise versions.token_in_use(token, secret.arn)
    immediately = params.get("RotateImmediately")
    immediately = True if immediately is None else bool(immediately)
    doc = secret.edit()
    doc["RotationEnabled"] = True
    doc["RotationLambdaARN"] = function
    if rules is not None:
        doc["RotationRules"] = rules
    versions.add_empty(ctx, doc, token, PENDING)
    run = str(uuid.uuid4())
    doc["RotationRun"] = run
    _arm(ctx, secret, doc, ctx.now)
    secret.save(ctx, doc)
    replication.sync(ctx, secret)
    _queue(ctx, secret, run, token, test=not immediately)
    return {"ARN": secret.arn, "Name": secret.name, "VersionId": token}


def _queue(ctx: RequestContext, secret: Secret, run: str, token: str, *, test: bool) -> None:
    outbox.put(
        ctx,
        ROTATE,
        {
            "account": secret.row.account_id,
            "region": secret.row.region,
            "arn": secret.arn,
            "run": run,
            "token": token,
            "test": test,
        },
    )


def _arm(ctx: RequestContext, secret: Secret, doc: dict[str, Any], after: dt.datetime) -> None:
    """Schedule the next rotation window after ``after`` (none without rules or rotation)."""
    for field in ("RotationArm", "NextRotationDate"):
        doc.pop(field, None)
    if not doc.get("RotationEnabled") or not doc.get("RotationRules"):
        return
    window = schedule.next_window(doc["RotationRules"], after)
    if window is None:
        return
    opens, closes = window
    arm = str(uuid.uuid4())
    doc["RotationArm"] = arm
    doc["NextRotationDate"] = store.stamp(closes)
    outbox.put(
        ctx,
        SCHEDULED,
        {"account": secret.row.account_id, "region": secret.row.region, "arn": secret.arn, "arm": arm},
        delay=max(0.0, (opens - ctx.now).total_seconds()),
    )


def updated_by_hand(ctx: RequestContext, secret: Secret, doc: dict[str, Any]) -> None:
    """A new AWSCURRENT value put by PutSecretValue or UpdateSecret: for a schedule of
    ``AutomaticallyAfterDays`` it counts as a rotation, and the next window is counted from it."""
    rules = doc.get("RotationRules") or {}
    if doc.get("RotationEnabled") and not doc.get("RotationRun") and rules.get("AutomaticallyAfterDays"):
        _arm(ctx, secret, doc, ctx.now)


# -- CancelRotateSecret ------------------------------------------------------------------------


@handler("secretsmanager", "CancelRotateSecret")
def cancel_rotate_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
    unfinished = pending_version(secret)
    if unfinished is not None:
        out["VersionId"] = unfinished["VersionId"]
    if "RotationEnabled" not in secret.doc:
        return out
    doc = secret.edit()
    doc["RotationEnabled"] = False
    for field in ("RotationRun", "RotationArm", "NextRotationDate"):
        doc.pop(field, None)
    secret.save(ctx, doc)
    replication.sync(ctx, secret)
    return out


# -- running a rotation (the outbox's deliverers) ----------------------------------------------


@contextlib.contextmanager
def _acting(store_: Store, payload: dict[str, Any]) -> Iterator[RequestContext]:
    with acting(
        store_, SERVICE, "RotateSecret", account=str(payload["account"]), region=str(payload["region"])
    ) as ctx:
        yield ctx


def _secret(ctx: RequestContext, payload: dict[str, Any]) -> Secret | None:
    row = SECRETS.by_arn(ctx, str(payload["arn"]))
    if row is None:
        return None
    found = Secret(row)
    return None if found.deleted else found


def _running(secret: Secret | None, payload: dict[str, Any]) -> bool:
    """Whether the rotation ``payload`` names is still the secret's one in progress."""
    return (
        secret is not None
        and bool(secret.doc.get("RotationEnabled"))
        and secret.doc.get("RotationRun") == payload["run"]
        and secret.version(str(payload["token"])) is not None
    )


def rotate(store_: Store, payload: dict[str, Any]) -> None:
    """Run the rotation's steps (only ``testSecret`` for a test), then record the outcome."""
    from awsmock.services.lambda_ import internal as lambda_

    with _acting(store_, payload) as ctx:
        secret = _secret(ctx, payload)
        if secret is None or not _running(secret, payload):
            return
        function = str(secret.doc["RotationLambdaARN"])
    token = str(payload["token"])
    steps = ("testSecret",) if payload.get("test") else STEPS
    for step in steps:
        if step != steps[0]:
            with _acting(store_, payload) as ctx:
                if not _running(_secret(ctx, payload), payload):
                    return  # cancelled meanwhile
        event = {
            "Step": step,
            "SecretId": payload["arn"],
            "ClientRequestToken": token,
            "RotationToken": str(uuid.uuid4()),
        }
        ran = lambda_.invoke_now(
            store_,
            str(payload["account"]),
            str(payload["region"]),
            function,
            json.dumps(event).encode(),
            service_principal=PRINCIPAL,
            source_arn=str(payload["arn"]),
            source_account=str(payload["account"]),
        )
        if not ran.ok:
            if payload.get("test"):
                _finish(store_, payload)
            why = ran.refused or ran.payload.decode("utf-8", "replace")
            raise outbox.Failed(f"{step} failed: {why}"[:2000], permanent=bool(payload.get("test")))
    _finish(store_, payload)


def _finish(store_: Store, payload: dict[str, Any]) -> None:
    """A test's end (AWSPENDING taken off again), or a rotation's (it succeeded when
    AWSCURRENT is on the new version: LastRotatedDate, and the next window armed)."""
    with _acting(store_, payload) as ctx:
        secret = _secret(ctx, payload)
        if secret is None or not _running(secret, payload):
            return
        doc = secret.edit()
        token = str(payload["token"])
        if payload.get("test"):
            versions.detach(doc, token, PENDING)
        else:
            rotated = next(v for v in doc["Versions"] if v["VersionId"] == token)
            if CURRENT not in rotated["Stages"]:
                raise outbox.Failed("finishSecret left AWSCURRENT where it was")
            doc["LastRotatedDate"] = store.stamp(ctx.now)
            _arm(ctx, secret, doc, ctx.now)
        doc.pop("RotationRun", None)
        secret.save(ctx, doc, changed=False)
        replication.sync(ctx, secret)


def _retry(payload: dict[str, Any], attempts: int) -> float | None:
    if payload.get("test") or attempts > len(RETRY_WAITS):
        return None
    return RETRY_WAITS[attempts - 1]


def _gave_up(store_: Store, payload: dict[str, Any], error: str) -> None:
    """The rotation failed for good: the next window takes up the stranded version again."""
    with _acting(store_, payload) as ctx:
        secret = _secret(ctx, payload)
        if secret is None or not _running(secret, payload):
            return
        doc = secret.edit()
        doc.pop("RotationRun", None)
        _arm(ctx, secret, doc, ctx.now)
        secret.save(ctx, doc, changed=False)


def scheduled(store_: Store, payload: dict[str, Any]) -> None:
    """A rotation window opens: start the rotation (a new version, or the stranded one)."""
    with _acting(store_, payload) as ctx:
        secret = _secret(ctx, payload)
        if secret is None or not secret.doc.get("RotationEnabled"):
            return
        if secret.doc.get("RotationArm") != payload["arm"] or secret.doc.get("RotationRun"):
            return  # re-armed, cancelled, or a rotation is running
        doc = secret.edit()
        stranded = pending_version(secret)
        if stranded is not None:
            token = str(stranded["VersionId"])
        else:
            token = str(uuid.uuid4())
            versions.add_empty(ctx, doc, token, PENDING)
        run = str(uuid.uuid4())
        doc["RotationRun"] = run
        doc.pop("RotationArm", None)
        secret.save(ctx, doc, changed=False)
        replication.sync(ctx, secret)
        _queue(ctx, secret, run, token, test=False)


outbox.register(ROTATE, deliver=rotate, retry=_retry, gave_up=_gave_up, with_store=True)
outbox.register(
    SCHEDULED, deliver=scheduled, retry=lambda payload, n: 5.0 if n < 5 else None, with_store=True
)
