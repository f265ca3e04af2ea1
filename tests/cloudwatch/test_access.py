"""Access control: ``cloudwatch:<Operation>`` on the alarm or dashboard ARNs a request names."""

from __future__ import annotations

from typing import Any

from tests.auth.test_access_control import allow, policy, user_with_key

from .conftest import error_of

ALARM = {
    "Namespace": "N", "MetricName": "M", "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1,
    "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold",
}


def test_alarm_and_dashboard_arns_decide(clients: Any) -> None:
    iam = clients("iam")
    key = user_with_key(
        iam,
        "ops",
        policy(
            allow("cloudwatch:PutMetricAlarm", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ops-*"),
            allow(["cloudwatch:PutDashboard", "cloudwatch:GetDashboard"],
                  "arn:aws:cloudwatch::123456789012:dashboard/ops"),
            allow("cloudwatch:PutMetricData"),
        ),
    )
    cw = clients("cloudwatch", key)
    clients.on()
    cw.put_metric_alarm(AlarmName="ops-cpu", **ALARM)
    assert error_of(lambda: cw.put_metric_alarm(AlarmName="db-cpu", **ALARM))[0] == "AccessDenied"
    cw.put_dashboard(DashboardName="ops", DashboardBody='{"widgets": []}')
    assert cw.get_dashboard(DashboardName="ops")["DashboardName"] == "ops"
    assert error_of(lambda: cw.put_dashboard(DashboardName="db", DashboardBody='{"widgets": []}'))[0] == "AccessDenied"
    cw.put_metric_data(Namespace="N", MetricData=[{"MetricName": "M", "Value": 1}])
    assert error_of(lambda: cw.list_metrics())[0] == "AccessDenied"
