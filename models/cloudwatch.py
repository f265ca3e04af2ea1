"""CloudWatch tables: metrics and their datapoints.

Alarms and dashboards are rows of the shared resource store; metrics are here because they are
many and read by time. A metric is identified by (account, region, namespace, name, dimensions
key): the key is its dimensions sorted by name, written ``name=value`` and joined by a byte that
no dimension may hold (so equal sets of dimensions give equal keys whatever their order). Every
datapoint a PutMetricData call writes is one row of :class:`MetricPoint`, as a statistic set
(sample count, sum, minimum, maximum) and, when the caller sent values, the values themselves
(for percentiles); a statistic over a day of one-minute points is one range of the index
``(metric_id, timestamp)``.

:class:`Metric` rows are what ListMetrics pages through: one per metric, with the time of its
last datapoint (RecentlyActive).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Metric(Base):
    __tablename__ = "cloudwatch_metric"
    __table_args__ = (
        UniqueConstraint("account_id", "region", "namespace", "name", "dims_key", name="uq_cloudwatch_metric_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(12))
    region: Mapped[str] = mapped_column(String(32))
    namespace: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    #: the dimensions, sorted by name, ``name=value`` joined by U+0001 ("" for none)
    dims_key: Mapped[str] = mapped_column(Text)
    #: milliseconds since the epoch: when its newest datapoint was put
    last_put: Mapped[int] = mapped_column(BigInteger)


class MetricPoint(Base):
    __tablename__ = "cloudwatch_point"
    __table_args__ = (Index("ix_cloudwatch_point_metric_time", "metric_id", "timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    metric_id: Mapped[int] = mapped_column(Integer)
    #: milliseconds since the epoch, as the client gave it
    timestamp: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(32))
    #: 1 (high resolution) or 60
    resolution: Mapped[int] = mapped_column(Integer, default=60)
    sample_count: Mapped[float] = mapped_column(Float)
    sum: Mapped[float] = mapped_column(Float)
    minimum: Mapped[float] = mapped_column(Float)
    maximum: Mapped[float] = mapped_column(Float)
    #: the values sent, as JSON ``[[value, count], ...]`` (None for a statistic set)
    values: Mapped[str | None] = mapped_column(Text, default=None)


class AlarmHistory(Base):
    """An alarm's history (configuration updates, state changes, actions), kept after the alarm
    is deleted as AWS keeps it, read by alarm and time."""

    __tablename__ = "cloudwatch_alarm_history"
    __table_args__ = (
        Index("ix_cloudwatch_alarm_history_alarm", "account_id", "region", "alarm_name", "timestamp"),
        Index("ix_cloudwatch_alarm_history_time", "account_id", "region", "timestamp"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(12))
    region: Mapped[str] = mapped_column(String(32))
    alarm_name: Mapped[str] = mapped_column(String(255))
    #: MetricAlarm or CompositeAlarm
    alarm_type: Mapped[str] = mapped_column(String(32))
    #: milliseconds since the epoch
    timestamp: Mapped[int] = mapped_column(BigInteger)
    #: ConfigurationUpdate, StateUpdate, Action
    item_type: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)
