"""What other services ask of CloudWatch inside their own request: put datapoints of metrics
(CloudWatch Logs' metric filters, a service's own ``AWS/...`` metrics), in the caller's
transaction, with PutMetricData's checks.

    from awsmock.services.cloudwatch import internal as cloudwatch
    cloudwatch.put_metric_data(ctx, "MyApp", [{"MetricName": "Errors", "Value": 1.0, "Unit": "Count"}])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from awsmock.engine.context import RequestContext

from .metrics import check_namespace, put

__all__ = ["put_metric_data"]


def put_metric_data(ctx: RequestContext, namespace: str, metric_data: Sequence[dict[str, Any]]) -> int:
    """Write MetricDatum-shaped datapoints (``MetricName``, ``Value`` / ``Values`` and
    ``Counts`` / ``StatisticValues``, ``Dimensions``, ``Timestamp``, ``Unit``) to the metrics of
    ``namespace`` in the caller's account and region, as PutMetricData does (its errors for a bad
    datapoint; ``AWS/`` namespaces are allowed: AWS's services write there). Returns the number
    of datapoints written."""
    check_namespace(namespace)
    return put(ctx, namespace, [(f"MetricData.member.{i}", d) for i, d in enumerate(metric_data, 1)])
