"""How SQS's wire differs from what its model says.

SQS moved from the query protocol to JSON, and its model lost what the query protocol needs:

* the codes its query protocol used (``AWS.SimpleQueueService.NonExistentQueue``...), which
  clients still report (``x-amzn-query-error`` on JSON answers, ``<Code>`` on query answers);
* the XML traits older SDKs rely on: every list and map flattened, list items named
  ``QueueUrl`` / ``Message`` / ``AttributeName`` / ``<Entry shape name>``..., maps as
  ``Attribute.N.Name`` / ``.Value`` (tags ``Tag.N.Key`` / ``.Value``), member renames
  ``Attributes`` -> ``Attribute``, ``MessageAttributes`` -> ``MessageAttribute``, ``Tags`` ->
  ``Tag``, results wrapped in ``<OpResult>``, its own namespace;
* that a request posted to a queue's URL (``/<account>/<name>``) names that queue.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.facts import QueryQuirks
from awsmock.engine.wire import WireRequest

from .lookup import QUEUE_PATH

#: modeled error (shape name) -> the code SQS's query protocol answers
LEGACY_ERROR_CODES = {
    "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue",
    "QueueNameExists": "QueueAlreadyExists",
    "QueueDeletedRecently": "AWS.SimpleQueueService.QueueDeletedRecently",
    "PurgeQueueInProgress": "AWS.SimpleQueueService.PurgeQueueInProgress",
    "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
    "TooManyEntriesInBatchRequest": "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    "EmptyBatchRequest": "AWS.SimpleQueueService.EmptyBatchRequest",
    "BatchEntryIdsNotDistinct": "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    "BatchRequestTooLong": "AWS.SimpleQueueService.BatchRequestTooLong",
    "InvalidBatchEntryId": "AWS.SimpleQueueService.InvalidBatchEntryId",
    "UnsupportedOperation": "AWS.SimpleQueueService.UnsupportedOperation",
    "InvalidMessageContents": "InvalidMessageContents",
    "KmsAccessDenied": "KMS.AccessDeniedException",
    "KmsDisabled": "KMS.DisabledException",
    "KmsInvalidKeyUsage": "KMS.InvalidKeyUsageException",
    "KmsInvalidState": "KMS.InvalidStateException",
    "KmsNotFound": "KMS.NotFoundException",
    "KmsOptInRequired": "KMS.OptInRequired",
    "KmsThrottled": "KMS.ThrottlingException",
    "InvalidAddress": "InvalidAddress",
    "InvalidSecurity": "InvalidSecurity",
    "RequestThrottled": "RequestThrottled",
}


def _flat_list(item: str) -> dict[str, Any]:
    return {"flattened": True, "member_name": item}


_MAP = {"flattened": True, "key_name": "Name", "value_name": "Value"}

QUERY = QueryQuirks(
    shapes={
        "AWSAccountIdList": _flat_list("AWSAccountId"),
        "ActionNameList": _flat_list("ActionName"),
        "AttributeNameList": _flat_list("AttributeName"),
        "BatchResultErrorEntryList": _flat_list("BatchResultErrorEntry"),
        "BinaryList": _flat_list("BinaryListValue"),
        "ChangeMessageVisibilityBatchRequestEntryList": _flat_list("ChangeMessageVisibilityBatchRequestEntry"),
        "ChangeMessageVisibilityBatchResultEntryList": _flat_list("ChangeMessageVisibilityBatchResultEntry"),
        "DeleteMessageBatchRequestEntryList": _flat_list("DeleteMessageBatchRequestEntry"),
        "DeleteMessageBatchResultEntryList": _flat_list("DeleteMessageBatchResultEntry"),
        "ListMessageMoveTasksResultEntryList": _flat_list("ListMessageMoveTasksResultEntry"),
        "MessageAttributeNameList": _flat_list("MessageAttributeName"),
        "MessageList": _flat_list("Message"),
        "MessageSystemAttributeList": _flat_list("MessageSystemAttributeName"),
        "QueueUrlList": _flat_list("QueueUrl"),
        "SendMessageBatchRequestEntryList": _flat_list("SendMessageBatchRequestEntry"),
        "SendMessageBatchResultEntryList": _flat_list("SendMessageBatchResultEntry"),
        "StringList": _flat_list("StringListValue"),
        "TagKeyList": _flat_list("TagKey"),
        "MessageBodyAttributeMap": _MAP,
        "MessageBodySystemAttributeMap": _MAP,
        "MessageSystemAttributeMap": _MAP,
        "QueueAttributeMap": _MAP,
        "TagMap": {"flattened": True, "key_name": "Key", "value_name": "Value"},
    },
    members={
        "Attributes": "Attribute",
        "MessageAttributes": "MessageAttribute",
        "MessageSystemAttributes": "MessageSystemAttribute",
        "Tags": "Tag",
        "tags": "Tag",
    },
    namespace="http://queue.amazonaws.com/doc/2012-11-05/",
    member_from_path=("QueueUrl", QUEUE_PATH.pattern),
)


def is_unsigned_request(req: WireRequest) -> bool:
    """An unsigned query request that names a queue (by its URL's path or a queue member)."""
    action = req.query_dict.get("Action") or (req.form.get("Action") if req.method == "POST" else None)
    if not action:
        return False
    return bool(QUEUE_PATH.match(req.path)) or "QueueUrl" in req.form or "QueueName" in req.form
