"""The handler registry against botocore's models."""

from __future__ import annotations

from awsmock.engine import catalog, registry, specs
from awsmock.engine.coverage import coverage_rows


def test_every_service_module_imports() -> None:
    assert registry.import_errors() == {}


def test_every_registered_operation_exists_in_the_botocore_model() -> None:
    missing = []
    for reg in registry.registrations():
        try:
            model = specs.service_model(reg.service)
        except KeyError:
            missing.append(f"{reg.service} (no such service)")
            continue
        if reg.operation not in model.operation_names:
            missing.append(f"{reg.service}.{reg.operation}")
    assert missing == []


def test_coverage_has_a_row_per_catalog_service_with_model_totals() -> None:
    rows = {r["service"]: r for r in coverage_rows()}
    assert set(rows) == {s.name for s in catalog.SERVICES}
    assert rows["sqs"]["total"] == len(specs.service_model("sqs").operation_names)
    for r in rows.values():
        assert 0 <= r["implemented"] <= r["total"]


def test_read_operations_run_in_read_transactions() -> None:
    assert not registry.is_read_operation("ReceiveMessage")
    assert not registry.is_read_operation("PutItem")
    assert registry.is_read_operation("GetItem")
    assert registry.is_read_operation("ListBuckets")
