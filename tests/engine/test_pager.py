"""The one pager: keyset pages in key order, tokens bound to their listing, bad tokens refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from awsmock.engine import pager
from awsmock.engine.errors import AwsError
from awsmock.models.awsmock import Setting
from awsmock.state.store import Store


def _invalid(token: str) -> AwsError:
    return AwsError(f"Invalid token: {token}", code="InvalidToken")


@pytest.fixture
def settings() -> Iterator[Store]:
    store = Store("sqlite://")
    with store.session() as s:
        s.add_all(Setting(key=f"k{i:02d}", value=str(i)) for i in range(25))
    yield store
    store.dispose()


def _all_pages(store: Store, limit: int, **kw: object) -> list[list[str]]:
    pages, token = [], None
    while True:
        with store.session(write=False) as s:
            found = pager.page(
                s,
                select(Setting),
                keys=(Setting.key,),
                limit=limit,
                token=token,
                scope="S",
                invalid=_invalid,
                **kw,
            )
            pages.append([r.key for r in found.rows])
        token = found.token
        if token is None:
            return pages


@pytest.mark.parametrize("style", ["base64", "hex"])
def test_pages_follow_the_keys_and_end_without_a_token(settings: Store, style: str) -> None:
    pages = _all_pages(settings, 10, style=style)
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [key for p in pages for key in p] == [f"k{i:02d}" for i in range(25)]
    assert _all_pages(settings, 25) == [[f"k{i:02d}" for i in range(25)]]


def test_a_row_added_behind_the_cursor_is_not_listed_twice(settings: Store) -> None:
    with settings.session(write=False) as s:
        first = pager.page(
            s, select(Setting), keys=(Setting.key,), limit=5, token=None, scope="S", invalid=_invalid
        )
    with settings.session() as s:
        s.add(Setting(key="k00a", value="x"))  # before the cursor
        s.delete(s.get(Setting, "k07"))  # after it
    with settings.session(write=False) as s:
        rest = pager.page(
            s, select(Setting), keys=(Setting.key,), limit=50, token=first.token, scope="S", invalid=_invalid
        )
    assert [r.key for r in rest.rows] == [f"k{i:02d}" for i in range(5, 25) if i != 7]


@pytest.mark.parametrize("token", ["garbage", "e30=", pager.encode("other", ["k01"]), "00zz", "x" * 40000])
def test_tokens_of_another_listing_or_none_at_all_are_refused(settings: Store, token: str) -> None:
    with settings.session(write=False) as s, pytest.raises(AwsError, match="Invalid token"):
        pager.page(s, select(Setting), keys=(Setting.key,), limit=5, token=token, scope="S", invalid=_invalid)


def test_lists_in_memory_page_the_same_way() -> None:
    items = [("a", 2), ("a", 10), ("b", 1)]
    first = pager.page_list(items, key=lambda i: i, limit=2, token=None, scope="L", invalid=_invalid)
    assert first.rows == items[:2] and first.token is not None
    rest = pager.page_list(items, key=lambda i: i, limit=2, token=first.token, scope="L", invalid=_invalid)
    assert rest.rows == items[2:] and rest.token is None
    with pytest.raises(AwsError):
        pager.page_list([1, 2, 3], key=lambda i: i, limit=2, token=first.token, scope="L", invalid=_invalid)


def test_tokens_carry_times_and_bytes() -> None:
    when = dt.datetime(2026, 12, 7, 12, 30, 1, 500, tzinfo=dt.UTC)
    token = pager.encode("T", [when, b"\x00\xff", "ключ", 7])
    assert pager.decode(token, "T", _invalid) == [when, b"\x00\xff", "ключ", 7]
    assert len(pager.encode("T", ["k" * 100])) <= 160  # compact: base64 of {"s":"T","k":[...]}
