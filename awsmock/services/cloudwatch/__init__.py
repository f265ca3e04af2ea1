"""Amazon CloudWatch: metrics and their datapoints, statistics and metric math, metric and
composite alarms whose state is computed from the stored datapoints when read, their history
and SNS actions, dashboards, anomaly detectors and Contributor Insights rules as records,
tags.

Modules by concern: ``lookup`` (metrics, dimensions, statistics of datapoints), ``metrics``
(PutMetricData, ListMetrics), ``statistics`` (GetMetricStatistics, GetMetricData), ``math``
(metric math), ``store`` (alarms and dashboards in the shared store, alarm history),
``evaluation`` (alarm states from datapoints, composite rules, transitions and actions),
``alarms``, ``dashboards``, ``records`` (anomaly detectors and Contributor Insights rules, as
records), ``tags``, ``errors``, ``dashboard`` (metrics with a plot of their last hour in
awsmock's dashboard); what CloudWatch declares about itself:
``access`` (resources). Metrics, datapoints and alarm history are CloudWatch's own tables
(``awsmock.models.cloudwatch``).
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import access, alarms, dashboard, dashboards, metrics, records, statistics, tags

FACTS = declare(ServiceFacts("cloudwatch", action_prefix="cloudwatch", resources=access.resource_arns))

__all__ = ["FACTS", "alarms", "dashboard", "dashboards", "metrics", "records", "statistics", "tags"]
