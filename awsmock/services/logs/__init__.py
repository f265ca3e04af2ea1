"""CloudWatch Logs: log groups (retention, KMS keys, classes, deletion protection, tags), log
streams, log events in Logs' own tables (PutLogEvents with AWS's limits, GetLogEvents'
forward and backward tokens, FilterLogEvents across streams), the filter-pattern language,
metric and subscription filters, Logs Insights queries, destinations, resource and data
protection policies, and export tasks to S3.

Modules by concern: ``lookup`` (where each resource is kept, names, ARNs, retention),
``groups``, ``streams``, ``events`` (PutLogEvents, GetLogEvents, FilterLogEvents),
``patterns`` (the filter-pattern language), ``filters`` (metric filters, subscription filters,
TestMetricFilter), ``fanout`` (what written events set off: metric filters' CloudWatch
datapoints, subscription filters' deliveries), ``insights`` (the Logs Insights query language) and ``queries`` (StartQuery and
the rest, query definitions), ``destinations``, ``deliveries`` (vended-log delivery sources, destinations and
deliveries), ``policies`` (resource, data protection and
account policies), ``exports`` (export tasks to S3), ``tags``, ``dashboard``, ``errors``; what Logs
declares about itself: ``access``; ``internal`` is what other services call.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import (
    access,
    dashboard,
    deliveries,
    destinations,
    events,
    exports,
    filters,
    groups,
    policies,
    queries,
    streams,
    tags,
)

FACTS = declare(ServiceFacts("logs", resources=access.resource_arns))

__all__ = [
    "FACTS",
    "dashboard",
    "deliveries",
    "destinations",
    "events",
    "exports",
    "filters",
    "groups",
    "policies",
    "queries",
    "streams",
    "tags",
]
