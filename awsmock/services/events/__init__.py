"""Amazon EventBridge (CloudWatch Events): event buses (the default one of each account and
region, and custom ones) with their policies, rules with event patterns (the shared
``awsmock.engine.patterns`` language with EventBridge's operators) and schedules, targets with
``Input``, ``InputPath`` and ``InputTransformer``, PutEvents delivered in its transaction to SQS,
SNS, another bus, CloudWatch Logs and Kinesis (Lambda through the outbox), TestEventPattern,
scheduled rules fired on time through the outbox's leases, partner event sources, archives and
replays, connections and API destinations as records.

Modules by concern: ``store`` (the resources in the shared store, names and ARNs), ``buses``
(lifecycle and policies), ``rules``, ``schedules`` (rate and cron expressions), ``targets``,
``scheduler`` (firing them), ``eventpatterns``, ``transform`` (what a target receives),
``putevents`` (PutEvents, TestEventPattern), ``delivery`` (rules to targets), ``partners``
(partner event sources, PutPartnerEvents), ``archives`` (archives and replays),
``connections`` (connections and API destinations), ``dashboard`` (buses, rules with their
targets), ``tags``, ``errors``; ``access`` (what a request acts on, bus policies).

Global endpoints are records (``endpoints``): awsmock does not fail over between regions.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import (
    access,
    archives,
    buses,
    connections,
    dashboard,
    endpoints,
    partners,
    putevents,
    rules,
    scheduler,
    tags,
    targets,
)

FACTS = declare(
    ServiceFacts(
        "events",
        resources=access.resource_arns,
        resource_policy=access.bus_policy,
    )
)

__all__ = [
    "FACTS",
    "archives",
    "buses",
    "connections",
    "dashboard",
    "endpoints",
    "partners",
    "putevents",
    "rules",
    "scheduler",
    "tags",
    "targets",
]
