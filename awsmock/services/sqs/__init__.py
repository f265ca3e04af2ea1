"""Amazon SQS: queues, messages, FIFO, dead-letter queues and redrive, long polling.

Modules by concern: ``queues`` (lifecycle, attributes, tags, permissions), ``messages`` (send,
receive, delete, visibility), ``claim`` (atomic receive), ``fifo``, ``redrive`` (move tasks),
``attributes``, ``lookup`` (URLs/ARNs), ``receipts``, ``md5``, ``errors``.
"""

from __future__ import annotations

from . import messages, queues, redrive

__all__ = ["messages", "queues", "redrive"]
