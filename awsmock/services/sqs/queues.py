"""Queue lifecycle: create, find, list, delete, purge, attributes, tags, permissions."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import delete, select

from awsmock.engine import arns, pager, tagging, turns
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.sqs import Deduplication, Message, Queue, ReceiveAttempt

from . import attributes
from .errors import (
    InvalidParameterValue,
    MissingParameter,
    OverLimit,
    PurgeQueueInProgress,
    QueueDoesNotExist,
    QueueNameExists,
    invalid_value,
)
from .lookup import find_queue, get_queue, queue_arn, queue_url

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")
#: SQS's quotas on queue tags
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
#: the most queue URLs a list operation answers at once
MAX_LISTED = 1000
PURGE_INTERVAL = dt.timedelta(seconds=60)
#: the actions AddPermission may share with other accounts
GRANTABLE = frozenset(
    {
        "*",
        "ChangeMessageVisibility",
        "DeleteMessage",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ListDeadLetterSourceQueues",
        "PurgeQueue",
        "ReceiveMessage",
        "SendMessage",
    }
)
#: actions only the queue's owner may call, which AddPermission cannot share
OWNER_ONLY = frozenset(
    {
        "AddPermission",
        "CreateQueue",
        "DeleteQueue",
        "ListQueues",
        "ListQueueTags",
        "RemovePermission",
        "SetQueueAttributes",
        "TagQueue",
        "UntagQueue",
    }
)
#: actions per statement AddPermission writes
MAX_PERMISSION_ACTIONS = 7


def _check_name(name: str, fifo: bool) -> None:
    if fifo:
        if not _FIFO_NAME.match(name):
            raise InvalidParameterValue(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                "must end with .fifo suffix and be 1 to 80 in length."
            )
    elif not _NAME.match(name):
        raise InvalidParameterValue(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


@handler("sqs", "CreateQueue")
def create_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.after_commit(turns.forget_default_waits)  # a new queue may reuse a URL
    name = params["QueueName"]
    given = dict(params.get("Attributes") or {})
    fifo = str(given.get("FifoQueue", "false")).lower() == "true"
    _check_name(name, fifo)
    values = attributes.normalize(ctx, given, fifo=fifo, creating=True)
    if not fifo:
        values.pop("FifoQueue", None)
    existing = find_queue(ctx, ctx.account_id, name)
    if existing is not None:
        current = existing.attributes or {}
        for key, value in values.items():
            if current.get(key, "") != value:
                raise QueueNameExists(
                    f"A queue already exists with the same name and a different value for attribute {key}"
                )
        return {"QueueUrl": queue_url(ctx, existing)}
    queue = Queue(
        account_id=ctx.account_id,
        region=ctx.region,
        name=name,
        fifo=fifo,
        attributes=attributes.defaults(fifo),
        created_at=ctx.now,
        modified_at=ctx.now,
    )
    attributes.apply(queue, values)
    ctx.session.add(queue)
    ctx.session.flush()
    tags = params.get("tags")
    if tags:
        tagging.tag(ctx, "sqs", queue_arn(queue), tags, tag_rules(name))
    return {"QueueUrl": queue_url(ctx, queue)}


@handler("sqs", "GetQueueUrl")
def get_queue_url(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = params.get("QueueOwnerAWSAccountId") or ctx.account_id
    queue = find_queue(ctx, account, params["QueueName"])
    if queue is None:
        raise QueueDoesNotExist()
    return {"QueueUrl": queue_url(ctx, queue)}


def _max_results(params: dict[str, Any]) -> int | None:
    n = params.get("MaxResults")
    if n is not None and not 1 <= n <= MAX_LISTED:
        raise invalid_value("MaxResults", n, f"MaxResults must be an integer between 1 and {MAX_LISTED}")
    return n


def _bad_token(token: str) -> InvalidParameterValue:
    return InvalidParameterValue("Invalid NextToken value.")


def _page(
    ctx: RequestContext, stmt: Any, params: dict[str, Any], scope: str, keys: tuple[Any, ...]
) -> dict[str, Any]:
    """A page of queue URLs in name order; a NextToken only when the client asked for MaxResults."""
    limit = _max_results(params)
    found = pager.page(
        ctx.session,
        stmt,
        keys=keys,
        limit=limit or MAX_LISTED,
        token=params.get("NextToken"),
        scope=scope,
        invalid=_bad_token,
    )
    out: dict[str, Any] = {}
    if found.rows:
        out["QueueUrls"] = [queue_url(ctx, q) for q in found.rows]
    if limit is not None and found.token is not None:
        out["NextToken"] = found.token
    return out


@handler("sqs", "ListQueues")
def list_queues(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stmt = select(Queue).where(Queue.account_id == ctx.account_id, Queue.region == ctx.region)
    prefix = params.get("QueueNamePrefix")
    if prefix:
        stmt = stmt.where(Queue.name.startswith(prefix, autoescape=True))
    return _page(ctx, stmt, params, f"ListQueues:{prefix or ''}", (Queue.name,))


@handler("sqs", "ListDeadLetterSourceQueues")
def list_dead_letter_source_queues(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    arn = queue_arn(queue)
    stmt = select(Queue).where(Queue.dead_letter_target_arn == arn)
    # sources may sit in other accounts or regions, so a name alone does not order them
    out = _page(ctx, stmt, params, f"ListDeadLetterSourceQueues:{arn}", (Queue.name, Queue.id))
    out.setdefault("queueUrls", out.pop("QueueUrls", []))
    return out


def delete_messages(ctx: RequestContext, queue: Queue) -> None:
    ctx.session.execute(delete(Message).where(Message.queue_id == queue.id))


@handler("sqs", "DeleteQueue")
def delete_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    delete_messages(ctx, queue)
    ctx.session.execute(delete(Deduplication).where(Deduplication.queue_id == queue.id))
    ctx.session.execute(delete(ReceiveAttempt).where(ReceiveAttempt.queue_id == queue.id))
    tagging.drop(ctx.session, queue_arn(queue))
    ctx.session.delete(queue)
    return {}


@handler("sqs", "PurgeQueue")
def purge_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    if queue.purged_at is not None and ctx.now - queue.purged_at < PURGE_INTERVAL:
        raise PurgeQueueInProgress(
            f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds."
        )
    delete_messages(ctx, queue)
    queue.purged_at = ctx.now
    return {}


@handler("sqs", "GetQueueAttributes")
def get_queue_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    attrs = attributes.render(ctx, queue, params.get("AttributeNames"))
    return {"Attributes": attrs} if attrs else {}


@handler("sqs", "SetQueueAttributes")
def set_queue_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.after_commit(turns.forget_default_waits)  # ReceiveMessageWaitTimeSeconds may change
    queue = get_queue(ctx, params["QueueUrl"])
    values = attributes.normalize(ctx, params.get("Attributes") or {}, fifo=queue.fifo, creating=False)
    attributes.apply(queue, values)
    queue.modified_at = ctx.now
    return {}


def tag_rules(name: str) -> tagging.TagRules:
    """SQS's limits on the tags of queue ``name``, and its answers when one is broken.

    The quotas SQS documents for queue tags: 50 a queue; a key of 1 to 128 characters that does
    not start with ``aws:`` (AWS's own); a value of up to 256 characters."""

    def error(rule: str, detail: dict[str, Any]) -> AwsError:
        if rule == tagging.TOO_MANY:
            return InvalidParameterValue(f"Too many tags added for queue {name}.")
        key = detail.get("key", "")
        if rule == tagging.EMPTY_KEY:
            return InvalidParameterValue("Tag keys must not be empty.")
        if rule == tagging.KEY_TOO_LONG:
            return invalid_value("Tag.Key", key, f"Tag keys can be at most {MAX_TAG_KEY} characters long")
        if rule == tagging.VALUE_TOO_LONG:
            return invalid_value(
                "Tag.Value",
                detail.get("value", ""),
                f"Tag values can be at most {MAX_TAG_VALUE} characters long",
            )
        return invalid_value("Tag.Key", key, "Tag keys must not start with the reserved prefix aws:")

    return tagging.TagRules(
        error=error, max_tags=MAX_TAGS, max_key=MAX_TAG_KEY, max_value=MAX_TAG_VALUE, reserved_prefix="aws:"
    )


@handler("sqs", "TagQueue")
def tag_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    tagging.tag(ctx, "sqs", queue_arn(queue), params.get("Tags") or {}, tag_rules(queue.name))
    return {}


@handler("sqs", "UntagQueue")
def untag_queue(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    tagging.untag(ctx, queue_arn(queue), params.get("TagKeys") or [])
    return {}


@handler("sqs", "ListQueueTags")
def list_queue_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    tags = tagging.tags_of(ctx.session, queue_arn(queue))
    return {"Tags": tags} if tags else {}


def _policy(queue: Queue) -> dict[str, Any]:
    raw = (queue.attributes or {}).get("Policy")
    if raw:
        doc = json.loads(raw)  # checked when set: an object whose statements are objects
        statements = doc.get("Statement") or []
        doc["Statement"] = [statements] if isinstance(statements, dict) else statements
        return doc
    return {"Version": "2012-10-17", "Id": f"{queue_arn(queue)}/SQSDefaultPolicy", "Statement": []}


def _set_policy(ctx: RequestContext, queue: Queue, doc: dict[str, Any]) -> None:
    attrs = dict(queue.attributes or {})
    if doc["Statement"]:
        attrs["Policy"] = json.dumps(doc, separators=(",", ":"))
    else:
        attrs.pop("Policy", None)
    queue.attributes = attrs
    queue.modified_at = ctx.now


def _check_permission(params: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """AddPermission's label, accounts and actions, checked in the order SQS checks them."""
    label = params.get("Label") or ""
    if not label:
        raise MissingParameter("The request must contain the parameter Label.")
    if not _NAME.match(label):
        raise invalid_value(
            "Label",
            label,
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        )
    actions = list(params.get("Actions") or [])
    if not actions:
        raise MissingParameter("The request must contain the parameter Actions.")
    if len(actions) > MAX_PERMISSION_ACTIONS:
        raise OverLimit(
            f"{len(actions)} Actions were found, maximum allowed is {MAX_PERMISSION_ACTIONS}.", status=403
        )
    accounts = list(params.get("AWSAccountIds") or [])
    if not accounts:
        raise invalid_value("PrincipalId", "[]", "Unable to verify")
    for account in accounts:
        if not re.fullmatch(r"\d{12}", account):
            raise invalid_value("PrincipalId", account, "Unable to verify principal")
    for action in actions:
        if action in OWNER_ONLY:
            raise invalid_value(
                "ActionName", f"SQS:{action}", "Only the queue owner is allowed to invoke this action"
            )
        if action not in GRANTABLE:
            raise invalid_value(
                "ActionName",
                f"SQS:{action}",
                "Please refer to the appropriate WSDL for a list of valid actions",
            )
    return label, accounts, actions


@handler("sqs", "AddPermission")
def add_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    label, accounts, actions = _check_permission(params)
    doc = _policy(queue)
    if any(s.get("Sid") == label for s in doc["Statement"]):
        raise invalid_value("Label", label, "Already exists")
    partition = arns.partition_of(queue.region)
    principals = [arns.account_root(a, partition) for a in accounts]
    doc["Statement"].append(
        {
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": f"SQS:{actions[0]}" if len(actions) == 1 else [f"SQS:{a}" for a in actions],
            "Resource": queue_arn(queue),
        }
    )
    _set_policy(ctx, queue, doc)
    return {}


@handler("sqs", "RemovePermission")
def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue(ctx, params["QueueUrl"])
    label = params["Label"]
    doc = _policy(queue)
    kept = [s for s in doc["Statement"] if s.get("Sid") != label]
    if len(kept) == len(doc["Statement"]):
        raise invalid_value("Label", label, "can't find label on existing policy")
    doc["Statement"] = kept
    _set_policy(ctx, queue, doc)
    return {}
