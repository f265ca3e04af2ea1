"""AWS X-Ray: trace segments sent with PutTraceSegments (checked as X-Ray checks them) and read
back as traces (BatchGetTraces), trace summaries over a time range with filter expressions
(GetTraceSummaries), the service graph their segments and subsegments draw (GetServiceGraph,
GetTraceGraph), sampling rules with the Default rule, sampling targets and statistics, groups,
resource policies, the encryption configuration, the trace segment destination and indexing
rule, telemetry records, tags.

Modules by concern: ``segments`` (PutTraceSegments, BatchGetTraces, GetTraceSummaries),
``traces`` (what a trace's documents say: root, times, flags, annotations, its summary),
``filters`` (the filter expression language), ``graph`` (GetServiceGraph), ``sampling``,
``groups``, ``policies`` (resource policies), ``settings`` (encryption, destination, indexing
rule, telemetry), ``tags``, ``dashboard``, ``errors``,
``lookup`` (the shared store's kinds, identifiers); what X-Ray declares about itself:
``access``. Segments and telemetry records are X-Ray's own tables (``awsmock.models.xray``);
groups and sampling rules are rows of the shared store.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import access, dashboard, graph, groups, policies, sampling, segments, settings, tags

FACTS = declare(ServiceFacts("xray", resources=access.resource_arns))

__all__ = ["FACTS", "dashboard", "graph", "groups", "policies", "sampling", "segments", "settings", "tags"]
