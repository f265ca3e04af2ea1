"""Amazon SQS: queues, messages, FIFO, dead-letter queues and redrive, long polling.

Modules by concern: ``queues`` (lifecycle, attributes, tags, permissions), ``messages`` (send,
receive, delete, visibility), ``claim`` (atomic receive), ``fifo``, ``redrive`` (move tasks),
``attributes``, ``lookup`` (URLs/ARNs), ``receipts``, ``md5``, ``errors``; what SQS declares
about itself: ``wire`` (its query-era codes and XML traits), ``access`` (resources, queue
policies).
"""

from __future__ import annotations

from awsmock.engine.facts import Detection, LongPoll, ServiceFacts
from awsmock.engine.registry import declare

from . import access, messages, queues, redrive, wire

FACTS = declare(
    ServiceFacts(
        "sqs",
        resources=access.resource_arns,
        access=access.access,
        resource_policy=access.queue_policy,
        detection=Detection(unsigned=wire.is_unsigned_request),
        long_polls={"ReceiveMessage": LongPoll("WaitTimeSeconds", "QueueUrl")},
        query=wire.QUERY,
        json_type_namespace="com.amazonaws.sqs",
        legacy_error_codes=wire.LEGACY_ERROR_CODES,
    )
)

__all__ = ["FACTS", "messages", "queues", "redrive"]
