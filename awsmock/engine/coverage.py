"""Operation coverage measured from botocore's models: implemented handlers / all operations."""

from __future__ import annotations

from typing import Any

from awsmock.engine import catalog, registry, specs


def coverage_rows() -> list[dict[str, Any]]:
    implemented = registry.implemented_services()
    rows = []
    for entry in catalog.SERVICES:
        total = 0
        done = 0
        for name in entry.botocore:
            ops = set(specs.service_model(name).operation_names)
            total += len(ops)
            done += len(ops & implemented.get(name, set()))
        rows.append({
            "service": entry.name,
            "title": entry.title,
            "implemented": done,
            "total": total,
            "percent": round(100.0 * done / total, 1) if total else 0.0,
        })
    return rows


def render_table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'service':<18}{'implemented':>12}{'total':>8}{'coverage':>10}"]
    for r in rows:
        lines.append(f"{r['service']:<18}{r['implemented']:>12}{r['total']:>8}{r['percent']:>9.1f}%")
    done = sum(r["implemented"] for r in rows)
    total = sum(r["total"] for r in rows)
    lines.append(f"{'all':<18}{done:>12}{total:>8}{100.0 * done / total:>9.1f}%")
    return "\n".join(lines)


def readme_table(rows: list[dict[str, Any]]) -> str:
    """The README's service table (mock name, title, coverage)."""
    import botocore

    out = [f"Measured against botocore {botocore.__version__}'s models (the version the test extras pin).", "",
           "| Service | `mock_*` | Operations implemented | Coverage |", "|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['title']} | `mock_{r['service']}` | {r['implemented']} / {r['total']} | {r['percent']:.1f}% |")
    return "\n".join(out)
