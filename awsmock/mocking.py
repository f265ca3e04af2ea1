"""In-process mocking (placeholder until the in-process issue lands)."""

from __future__ import annotations

MOCK_NAMES: dict[str, object] = {}
