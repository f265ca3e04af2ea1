"""Every Python package in the source tree ships in the distribution."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_source_package_is_in_the_distribution() -> None:
    listed = set(runpy.run_path(str(ROOT / "setup.py"), run_name="packaging")["packages"]())
    mapping = {"awsmock": "awsmock", "api": "awsmock.api", "models": "awsmock.models",
               "migrations": "awsmock.migrations"}
    found = set()
    for folder, dotted in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([dotted, *rel.parts]) if rel.parts else dotted)
    assert found - listed == set()
    assert {"awsmock.auth", "awsmock.services.s3", "awsmock.api.protocols", "awsmock.migrations.versions"} <= listed
