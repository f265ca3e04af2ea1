"""Fixtures for the dashboard tests: a Falcon test client on the in-memory ``app``."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest

from awsmock.api.app import AwsmockApp


@pytest.fixture
def web(app: AwsmockApp) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(app)


def group(body: dict[str, Any], kind: str) -> dict[str, Any]:
    """The listing of ``kind`` in a ``/resources`` answer."""
    found = [g for g in body["groups"] if g["kind"] == kind]
    assert found, f"no {kind} group in {[g['kind'] for g in body['groups']]}"
    return found[0]


def names(listing: dict[str, Any], key: str = "name") -> list[str]:
    return [row[key] for row in listing["items"]]
