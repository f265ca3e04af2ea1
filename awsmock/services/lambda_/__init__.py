"""AWS Lambda: functions that really run (through the execution engine of
``awsmock.services.lambda_.execution``), their versions, aliases, layers, policies and settings.

Modules by concern: ``functions`` (create, read, update, delete, list), ``configuration`` (what
a configuration may hold, and the FunctionConfiguration answer), ``code`` (zip archives by
digest, from the request or S3, served back by URL), ``versions`` (versions, aliases),
``layers``, ``policies`` (function resource policies), ``settings`` (concurrency, provisioned
concurrency, event invoke configs, code signing configs, function URLs, runtime and recursion
settings, account settings), ``invoke`` (Invoke, asynchronous invocations through the outbox,
destinations, dead-letter queues, logs), ``endpoint`` (the URL a function's own SDK calls
reach), ``tags``, ``dashboard``, ``errors``, ``lookup`` (the shared store's kinds, how requests
name functions); ``internal`` for other services; what Lambda declares about itself:
``access``. Code and recent invocations are Lambda's own tables (``awsmock.models.lambda_``).
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import access, code, dashboard, functions, invoke, layers, policies, settings, tags, versions

FACTS = declare(
    ServiceFacts(
        "lambda",
        actions=access.ACTIONS,
        resources=access.resource_arns,
        resource_policy=policies.resource_policy,
        public_files=code.public_file,
    )
)

__all__ = [
    "FACTS",
    "dashboard",
    "functions",
    "invoke",
    "layers",
    "policies",
    "settings",
    "tags",
    "versions",
]
