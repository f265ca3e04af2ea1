"""The inventory registry's contract for providers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query


@pytest.mark.parametrize("after", [None, 7, "a/b/\U0010ffff", [123, "pk", "00ff"], {"k": "ü"}])
def test_cursors_round_trip(after: Any) -> None:
    cursor = inventory.encode_cursor(after)
    assert cursor is None or cursor.isascii()
    assert inventory.decode_cursor(cursor) == after


def test_a_foreign_cursor_is_refused() -> None:
    with pytest.raises(ValueError):
        inventory.decode_cursor("%%%not-a-cursor")


def test_like_pattern_escapes_wildcards() -> None:
    assert Query(q="50%_Off\\").like() == "%50\\%\\_off\\\\%"
    assert Query().like() is None


def test_page_size_is_clamped() -> None:
    assert inventory.clamp_limit(None) == inventory.DEFAULT_PAGE
    assert inventory.clamp_limit(10_000) == inventory.MAX_PAGE == 100
    assert inventory.clamp_limit(0) == 1


def test_tags_from_either_shape() -> None:
    assert inventory.tag_dict([{"Key": "a", "Value": "1"}]) == {"a": "1"}
    assert inventory.tag_dict({"a": "1"}) == {"a": "1"}
    assert inventory.tag_dict(None) == {}


@pytest.fixture
def scratch_service() -> Iterator[str]:
    inventory.load_all()
    yield "zz-scratch"
    inventory._KINDS.pop("zz-scratch", None)


def test_a_view_may_register_before_its_kind(scratch_service: str) -> None:
    @inventory.view(scratch_service, "boxes", "contents", title="Contents", columns=[Column("key", "Key")])
    def contents(session: Any, name: str, query: Query) -> Page:
        return Page([{"key": name}])

    @inventory.download(scratch_service, "boxes")
    def fetch(store: Any, name: str, query: Query) -> inventory.Download:
        return inventory.Download("f", "text/plain", 1, [b"x"])

    @inventory.resources(scratch_service, "boxes", title="Boxes", columns=[Column("name", "Name")])
    def boxes(session: Any, query: Query) -> Page:
        return Page([{"name": "b"}])

    kind = inventory.kind(scratch_service, "boxes")
    assert kind is not None
    assert kind.views["contents"].fn is contents
    assert kind.download is fetch
    assert kind.describe()["views"] == [
        {"view": "contents", "title": "Contents", "columns": [{"key": "key", "title": "Key", "type": "text"}]}
    ]
    assert scratch_service in inventory.services()
