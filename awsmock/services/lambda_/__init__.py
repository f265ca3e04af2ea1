"""AWS Lambda: functions that really run (through the execution engine of
``awsmock.services.lambda_.execution``), their versions, aliases, layers, policies and settings.

Modules by concern: ``functions`` (create, read, update, delete, list), ``configuration`` (what
a configuration may hold, and the FunctionConfiguration answer), ``code`` (zip archives by
digest, from the request or S3, served back by URL), ``versions`` (versions, aliases),
``layers``, ``policies`` (function resource policies), ``settings`` (concurrency, provisioned
concurrency, event invoke configs, code signing configs, function URLs, runtime and recursion
settings, account settings), ``invoke`` (Invoke and InvokeWithResponseStream, asynchronous
invocations through the outbox, destinations, dead-letter queues, logs), ``urls`` (function URLs
served: HTTP requests to ``<url-id>.lambda-url.<region>.<domain>`` run the function with a payload
format 2.0 event, under the URL's auth type and CORS configuration; declared as Lambda's
:class:`~awsmock.engine.facts.HttpEndpoint`), ``event_sources`` and ``pollers`` (event source
mappings, polled in the background; they start again when a server starts, a snapshot is
restored or a mock attaches to a state with enabled mappings), ``endpoint`` (the URL a
function's own SDK calls reach), ``tags``, ``dashboard``, ``errors``, ``lookup`` (the shared
store's kinds, how requests name functions); ``internal`` for other services (a function
without a resource policy refuses every service principal, as in AWS); what Lambda declares
about itself: ``access``. Code and recent invocations are Lambda's own tables
(``awsmock.models.lambda_``).
"""

from __future__ import annotations

from awsmock.engine.facts import Detection, ServiceFacts
from awsmock.engine.registry import declare

from . import (
    access,
    code,
    dashboard,
    functions,
    invoke,
    layers,
    policies,
    service_runs,
    settings,
    tags,
    urls,
    versions,
)

FACTS = declare(
    ServiceFacts(
        "lambda",
        actions=access.ACTIONS,
        resources=access.resource_arns,
        access=access.access_checks,
        condition_keys=access.condition_keys,
        resource_policy=policies.resource_policy,
        public_files=code.public_file,
        detection=Detection(host=urls.is_url_host),
        endpoint=urls.ENDPOINT,
    )
)

__all__ = [
    "FACTS",
    "dashboard",
    "functions",
    "invoke",
    "layers",
    "policies",
    "service_runs",
    "settings",
    "tags",
    "versions",
]
