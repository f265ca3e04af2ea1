"""Event notifications: a bucket's notification configuration (Put/Get) and the events its
object writes send, in the request's transaction.

PutBucketNotificationConfiguration checks what S3 checks: the event types S3 knows, filter
rules (one ``prefix`` and one ``suffix`` at most), no two configurations whose event types,
prefixes and suffixes overlap, and (unless ``SkipDestinationValidation``) that each queue and
topic exists and its policy lets ``s3.amazonaws.com`` send for this bucket, which S3 proves by
sending each of them the ``s3:TestEvent`` message. Lambda destinations are checked by the shape
of their ARN only. An empty configuration removes the bucket's.

Object events (``ObjectCreated:*``, ``ObjectRemoved:*``, ``ObjectRestore:Post``/``Completed``,
``ObjectTagging:*``, ``ObjectAcl:Put``) go to the matching queues (``sqs.internal.enqueue``) and
topics (``sns.internal.publish``, subject ``Amazon S3 Notification``) in the writing request's
transaction, with S3's event record, and are queued for Lambda functions
(``lambda_.internal.invoke_async``, also in the transaction). With ``EventBridgeConfiguration``
every event also goes to the default bus of the bucket's account and region, with the
``aws.s3`` detail types (``Object Created``, ``Object Deleted``...). A destination that is gone
or whose policy no longer allows S3 silently gets nothing, as in AWS.

The configuration rides with the bucket's row (:func:`buckets.bucket_row`, remembered across
requests): a write to a bucket without one finds that out at no extra cost.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .buckets import (
    UNREAD,
    AnyBucket,
    BucketRow,
    bucket_row,
    delete_config,
    get_bucket,
    get_config,
    set_config,
)
from .errors import InvalidArgument, MalformedXML
from .tags import bucket_arn
from .wire import host_id

PRINCIPAL = "s3.amazonaws.com"
SUBJECT = "Amazon S3 Notification"

#: every event type a notification configuration may name
EVENT_TYPES = frozenset(
    {
        "s3:ReducedRedundancyLostObject",
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed",
        "s3:ObjectRestore:Delete",
        "s3:Replication:*",
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleExpiration:*",
        "s3:LifecycleExpiration:Delete",
        "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:LifecycleTransition",
        "s3:IntelligentTiering",
        "s3:ObjectTagging:*",
        "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete",
        "s3:ObjectAcl:Put",
    }
)

#: (configuration list, its ARN member, what the destination is called in S3's errors)
KINDS = (
    ("QueueConfigurations", "QueueArn", "queue"),
    ("TopicConfigurations", "TopicArn", "topic"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn", "function"),
)
EVENTBRIDGE = "EventBridgeConfiguration"

_LAMBDA_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$"
)

#: eventVersion by event type (AWS's documented 2.3 for tagging, ACL and restore-delete events)
_V23 = ("ObjectTagging:", "ObjectAcl:", "ObjectRestore:Delete")

#: the EventBridge detail type of each event type, and the ``reason`` of object creations
_DETAIL_TYPES = {
    "ObjectCreated": "Object Created",
    "ObjectRemoved": "Object Deleted",
    "ObjectRestore:Post": "Object Restore Initiated",
    "ObjectRestore:Completed": "Object Restore Completed",
    "ObjectRestore:Delete": "Object Restore Expired",
    "ObjectTagging:Put": "Object Tags Added",
    "ObjectTagging:Delete": "Object Tags Deleted",
    "ObjectAcl:Put": "Object ACL Updated",
}
_CREATED_REASONS = {
    "Put": "PutObject",
    "Post": "POST Object",
    "Copy": "CopyObject",
    "CompleteMultipartUpload": "CompleteMultipartUpload",
}


# -- the configuration ----------------------------------------------------------------------


def configuration(ctx: RequestContext, bucket: AnyBucket) -> dict[str, Any] | None:
    """The bucket's notification configuration (None: it has none, or an empty one)."""
    doc = bucket.notification if isinstance(bucket, BucketRow) else UNREAD
    if doc is UNREAD:
        doc = bucket_row(ctx, bucket.name).notification
    return doc or None


def _filter_rules(config: dict[str, Any]) -> list[dict[str, Any]]:
    return list(((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or [])


def _rules(config: dict[str, Any]) -> tuple[str, str]:
    """A configuration's (prefix, suffix); InvalidArgument for rules S3 refuses."""
    prefix = suffix = None
    for rule in _filter_rules(config):
        name = str(rule.get("Name") or "").lower()
        value = str(rule.get("Value") or "")
        if name == "prefix":
            if prefix is not None:
                raise InvalidArgument("Cannot specify more than one prefix rule in a filter.")
            prefix = value
        elif name == "suffix":
            if suffix is not None:
                raise InvalidArgument("Cannot specify more than one suffix rule in a filter.")
            suffix = value
        else:
            raise InvalidArgument("filter rule name must be either prefix or suffix")
    return prefix or "", suffix or ""


def _events_overlap(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.endswith(":*") and b.startswith(a[:-1]):
        return True
    return b.endswith(":*") and a.startswith(b[:-1])


def _checked(doc: dict[str, Any]) -> dict[str, Any]:
    """The configuration to store: event types known, filters well formed, no two
    configurations that one event could match both of; each configuration with an Id."""
    seen: list[tuple[list[str], str, str]] = []
    for kind, _member, _what in KINDS:
        for config in doc.get(kind) or []:
            events_ = list(config.get("Events") or [])
            for event in events_:
                if event not in EVENT_TYPES:
                    raise InvalidArgument(
                        "The event is not supported for notifications",
                        ArgumentName="Event",
                        ArgumentValue=event,
                    )
            prefix, suffix = _rules(config)
            for rule in _filter_rules(config):
                rule["Name"] = str(rule["Name"]).capitalize()  # (kept as S3 answers it: Prefix, Suffix)
            for other_events, other_prefix, other_suffix in seen:
                if (
                    any(_events_overlap(a, b) for a in events_ for b in other_events)
                    and (prefix.startswith(other_prefix) or other_prefix.startswith(prefix))
                    and (suffix.endswith(other_suffix) or other_suffix.endswith(suffix))
                ):
                    raise InvalidArgument(
                        "Configuration is ambiguously defined. Cannot have overlapping suffixes in two "
                        "rules if the prefixes are overlapping for the same event type."
                    )
            seen.append((events_, prefix, suffix))
            if not config.get("Id"):
                config["Id"] = str(uuid.uuid4())
    return doc


def _test_event(ctx: RequestContext, bucket_name: str) -> str:
    return _dumps(
        {
            "Service": "Amazon S3",
            "Event": "s3:TestEvent",
            "Time": _iso_ms(ctx),
            "Bucket": bucket_name,
            "RequestId": ctx.request_id,
            "HostId": host_id(ctx.request_id),
        }
    )


def _destination_failure(
    ctx: RequestContext, bucket: AnyBucket, what: str, arn: str, test: str
) -> str | None:
    """Why S3 cannot use the destination ``arn`` (None: it can; a queue or topic then got
    the test event)."""
    from awsmock.services.sns import internal as sns  # (see _send)
    from awsmock.services.sqs import internal as sqs

    source = bucket_arn(bucket.name, bucket.region)
    refused = (
        f"Permissions on the destination {what} do not allow S3 to publish notifications from this bucket"
    )
    parsed = arns.parse(arn)
    if what != "function" and (parsed is None or parsed.region != bucket.region):
        return refused  # (a destination must be in the bucket's region)
    if what == "queue":
        if sqs.is_fifo_queue(arn):
            return refused
        delivered = sqs.enqueue(
            ctx, arn, test, service_principal=PRINCIPAL, source_arn=source, source_account=bucket.account_id
        )
        return None if delivered.delivered else refused
    if what == "topic":
        if sns.is_fifo_topic(arn):
            return refused
        message_id, _why = sns.publish(
            ctx,
            arn,
            test,
            service_principal=PRINCIPAL,
            source_arn=source,
            subject=SUBJECT,
            source_account=bucket.account_id,
        )
        return None if message_id is not None else refused
    if not _LAMBDA_ARN.match(arn) or parsed is None or parsed.region != bucket.region:
        return f"Not authorized to invoke function [{arn}]"
    return None


@handler("s3", "PutBucketNotificationConfiguration")
def put_bucket_notification_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = params.get("NotificationConfiguration")
    if doc is None:
        raise MalformedXML()
    doc = _checked(dict(doc))
    if not params.get("SkipDestinationValidation"):
        test = _test_event(ctx, bucket.name)
        checked: dict[str, str | None] = {}  # (each destination is checked, and sent the test, once)
        for kind, member, what in KINDS:
            for config in doc.get(kind) or []:
                arn = str(config.get(member) or "")
                if arn not in checked:
                    checked[arn] = _destination_failure(ctx, bucket, what, arn, test)
        failures = {arn: why for arn, why in checked.items() if why is not None}
        if failures:
            details: dict[str, Any] = {}
            for number, (arn, why) in enumerate(failures.items(), 1):
                details[f"ArgumentName{number}"] = arn
                details[f"ArgumentValue{number}"] = why
            # (the test events already sent go with the rest of this failed request)
            raise InvalidArgument("Unable to validate the following destination configurations", **details)
    if any(doc.get(kind) for kind, _member, _what in KINDS) or EVENTBRIDGE in doc:
        set_config(ctx, bucket, "notification", doc)
    else:
        delete_config(ctx, bucket, "notification")
    return {}


@handler("s3", "GetBucketNotificationConfiguration")
def get_bucket_notification_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    return dict(get_config(ctx, bucket, "notification") or {})


# -- events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What an event says of the object it is about."""

    key: str
    size: int | None = None
    etag: str | None = None
    #: the version's id (sent only when the bucket is or was versioned)
    version_id: str | None = None
    #: restores: the object's storage class and when the restored copy expires
    storage_class: str | None = None
    restore_expiry: Any = None


def _iso_ms(ctx: RequestContext) -> str:
    return ctx.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ctx.now.microsecond // 1000:03d}Z"


def _dumps(doc: Any) -> str:
    return json.dumps(doc, separators=(",", ":"))


def _matches(config: dict[str, Any], event: str, key: str) -> bool:
    full = "s3:" + event
    if not any(_events_overlap(wanted, full) for wanted in config.get("Events") or []):
        return False
    try:
        prefix, suffix = _rules(config)
    except InvalidArgument:
        return False
    return key.startswith(prefix) and key.endswith(suffix)


def _sequencer(ctx: RequestContext, number: int) -> str:
    """Increases with time for one key, as S3's does (compare the longer string's length)."""
    micros = int(ctx.now.timestamp() * 1_000_000)
    return f"{micros:014X}{number & 0xFFFF:04X}"


def _object(bucket: AnyBucket, event: str, change: Change, sequencer: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": quote_plus(change.key, safe="/")}
    if not event.startswith("ObjectRemoved:"):
        if change.size is not None and not event.startswith(("ObjectTagging:", "ObjectAcl:")):
            out["size"] = change.size
        if change.etag:
            out["eTag"] = change.etag.strip('"')
    if bucket.versioning is not None and change.version_id is not None:
        out["versionId"] = change.version_id
    out["sequencer"] = sequencer
    return out


def _record(
    ctx: RequestContext, bucket: AnyBucket, event: str, change: Change, config_id: str, sequencer: str
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventVersion": "2.3" if event.startswith(_V23) else "2.1",
        "eventSource": "aws:s3",
        "awsRegion": bucket.region,
        "eventTime": _iso_ms(ctx),
        "eventName": event,
        "userIdentity": {"principalId": ctx.account_id},
        "requestParameters": {"sourceIPAddress": ctx.source_ip},
        "responseElements": {"x-amz-request-id": ctx.request_id, "x-amz-id-2": host_id(ctx.request_id)},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": config_id,
            "bucket": {
                "name": bucket.name,
                "ownerIdentity": {"principalId": bucket.account_id},
                "arn": bucket_arn(bucket.name, bucket.region),
            },
            "object": _object(bucket, event, change, sequencer),
        },
    }
    if event == "ObjectRestore:Completed":
        record["glacierEventData"] = {
            "restoreEventData": {
                "lifecycleRestorationExpiryTime": _iso_of(change.restore_expiry),
                "lifecycleRestoreStorageClass": change.storage_class,
            }
        }
    return record


def _iso_of(when: Any) -> str | None:
    if when is None:
        return None
    return str(when.strftime("%Y-%m-%dT%H:%M:%S.000Z"))


def _detail(
    ctx: RequestContext, bucket: AnyBucket, event: str, change: Change, sequencer: str
) -> tuple[str, dict[str, Any]] | None:
    """The EventBridge detail type and detail of an event (None: S3 sends none for it)."""
    family, _, kind = event.partition(":")
    detail_type = _DETAIL_TYPES.get(event) or _DETAIL_TYPES.get(family)
    if detail_type is None:
        return None
    obj: dict[str, Any] = {"key": change.key}
    if change.size is not None and family in ("ObjectCreated", "ObjectRestore"):
        obj["size"] = change.size
    if change.etag:
        obj["etag"] = change.etag.strip('"')
    if bucket.versioning is not None and change.version_id is not None:
        obj["version-id"] = change.version_id
    if family in ("ObjectCreated", "ObjectRemoved"):
        obj["sequencer"] = sequencer
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket.name},
        "object": obj,
        "request-id": ctx.request_id,
        "requester": PRINCIPAL if event == "ObjectRestore:Completed" else ctx.account_id,
    }
    if event != "ObjectRestore:Completed":
        detail["source-ip-address"] = ctx.source_ip
    if family == "ObjectCreated":
        detail["reason"] = _CREATED_REASONS.get(kind, kind)
    elif family == "ObjectRemoved":
        detail["reason"] = "DeleteObject"
        detail["deletion-type"] = (
            "Delete Marker Created" if kind == "DeleteMarkerCreated" else "Permanently Deleted"
        )
    elif family == "ObjectRestore":
        if event == "ObjectRestore:Completed":
            detail["restore-expiry-time"] = _iso_of(change.restore_expiry)
        detail["source-storage-class"] = change.storage_class
    return detail_type, detail


def _send(ctx: RequestContext, bucket: AnyBucket, what: str, arn: str, body: str, source: str) -> None:
    """Deliver ``body`` to one destination (one gone or refusing gets nothing, as in AWS)."""
    # other rooms' internals are imported when first used: some of them write to S3 through
    # s3.internal (CloudWatch Logs' exports, Lambda's code), which imports this module
    from awsmock.services.sns import internal as sns
    from awsmock.services.sqs import internal as sqs

    if what == "queue":
        sqs.enqueue(
            ctx, arn, body, service_principal=PRINCIPAL, source_arn=source, source_account=bucket.account_id
        )
    elif what == "topic":
        sns.publish(
            ctx,
            arn,
            body,
            service_principal=PRINCIPAL,
            source_arn=source,
            subject=SUBJECT,
            source_account=bucket.account_id,
        )
    else:
        from awsmock.services.lambda_ import internal as lambda_

        lambda_.invoke_async(
            ctx, arn, body.encode(), service_principal=PRINCIPAL, source_arn=source, source_account=bucket.account_id
        )


def emit(
    ctx: RequestContext,
    bucket: AnyBucket,
    happened: Iterable[tuple[str, Change]],
    doc: dict[str, Any] | None = None,
) -> None:
    """Send each ``(event type, change)`` of ``happened`` (``("ObjectCreated:Put", ...)``) to
    the bucket's matching destinations (``doc``: its configuration, when the caller has it)."""
    doc = doc or configuration(ctx, bucket)
    if not doc:
        return
    source = bucket_arn(bucket.name, bucket.region)
    for number, (event, change) in enumerate(happened):
        sequencer = _sequencer(ctx, number)
        for kind, member, what in KINDS:
            for config in doc.get(kind) or []:
                if _matches(config, event, change.key):
                    record = _record(ctx, bucket, event, change, str(config.get("Id") or ""), sequencer)
                    _send(
                        ctx,
                        bucket,
                        what,
                        str(config.get(member) or ""),
                        _dumps({"Records": [record]}),
                        source,
                    )
        if EVENTBRIDGE in doc:
            shaped = _detail(ctx, bucket, event, change, sequencer)
            if shaped is not None:
                from awsmock.services.events import internal as events  # (see _send)

                events.put_service_event(
                    ctx,
                    source="aws.s3",
                    detail_type=shaped[0],
                    detail=shaped[1],
                    resources=[source],
                    region=bucket.region,
                    account=bucket.account_id,
                )


def notify(ctx: RequestContext, bucket: AnyBucket, event: str, change: Change) -> None:
    """:func:`emit` of one event (nothing to do, and nothing read, for a bucket without a
    configuration whose row is at hand)."""
    if isinstance(bucket, BucketRow) and not bucket.notification:
        return
    emit(ctx, bucket, [(event, change)])


def removal(key: str, version_id: str | None, result: dict[str, Any]) -> tuple[str, Change]:
    """The event of a deletion that answered ``result`` (DeleteObject's; ``version_id``: the
    version the request named)."""
    if version_id is None and result.get("DeleteMarker"):
        return "ObjectRemoved:DeleteMarkerCreated", Change(key, version_id=result.get("VersionId"))
    return "ObjectRemoved:Delete", Change(key, version_id=version_id)
