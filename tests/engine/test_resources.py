"""The shared resource store and the one tagging implementation, as a handler uses them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.resources import Kind
from awsmock.models.resources import Resource, Tag
from awsmock.state.store import Store


def _missing(rid: str) -> AwsError:
    return AwsError(f"Thing {rid} does not exist", code="NotFound", status=404)


def _exists(rid: str) -> AwsError:
    return AwsError(f"Thing {rid} exists", code="AlreadyExists", status=409)


def _invalid(token: str) -> AwsError:
    return AwsError("Invalid NextToken", code="InvalidNextToken")


THINGS = Kind(
    "demo", "thing", arn=lambda ctx, rid: ctx.arn("demo", f"thing/{rid}"), not_found=_missing, exists=_exists
)
NAMED = Kind(
    "demo", "named", arn=lambda ctx, rid: ctx.arn("demo", f"named/{rid}"), not_found=_missing, unique="name"
)
RULES = tagging.TagRules(
    error=lambda rule, detail: AwsError(f"{rule} {detail}", code="InvalidTag"), max_tags=3
)


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store("sqlite://")
    yield s
    s.dispose()


def _request(store: Store, fn: Any, account: str = "111111111111", region: str = "eu-west-1") -> Any:
    with store.transaction() as tx:
        ctx = RequestContext("demo", "Op", tx, store, account_id=account, region=region)
        return fn(ctx)


def test_create_get_list_update_delete(store: Store) -> None:
    for i in range(5):
        _request(
            store, lambda ctx, i=i: THINGS.create(ctx, rid=f"t{i}", name=f"thing {i}", document={"n": i})
        )
    row = _request(store, lambda ctx: THINGS.get(ctx, "t3"))
    assert (row.arn, row.document, row.region) == (
        "arn:aws:demo:eu-west-1:111111111111:thing/t3",
        {"n": 3},
        "eu-west-1",
    )
    with pytest.raises(AwsError, match="exists"):
        _request(store, lambda ctx: THINGS.create(ctx, rid="t3", document={}))
    with pytest.raises(AwsError, match="Thing t9 does not exist"):
        _request(store, lambda ctx: THINGS.get(ctx, "t9"))
    # another account or region sees none of them
    assert _request(store, lambda ctx: THINGS.find(ctx, "t3"), account="222222222222") is None
    assert _request(store, lambda ctx: THINGS.find(ctx, "t3"), region="us-east-1") is None
    ids, token = [], None
    while True:
        page = _request(
            store, lambda ctx, token=token: THINGS.page(ctx, limit=2, token=token, invalid=_invalid)
        )
        ids += [r.rid for r in page.rows]
        token = page.token
        if token is None:
            break
    assert ids == ["t0", "t1", "t2", "t3", "t4"]
    by_time = _request(
        store, lambda ctx: THINGS.page(ctx, limit=10, token=None, invalid=_invalid, order="created")
    )
    assert [r.rid for r in by_time.rows] == ids
    _request(store, lambda ctx: THINGS.update(ctx, THINGS.get(ctx, "t1"), document={"n": 10}, state="ACTIVE"))
    assert _request(store, lambda ctx: (THINGS.get(ctx, "t1").document, THINGS.get(ctx, "t1").state)) == (
        {"n": 10},
        "ACTIVE",
    )
    active = _request(
        store, lambda ctx: THINGS.page(ctx, limit=10, token=None, invalid=_invalid, state="ACTIVE")
    )
    assert [r.rid for r in active.rows] == ["t1"]
    _request(store, lambda ctx: tagging.tag(ctx, "demo", THINGS.get(ctx, "t1").arn, {"a": "1"}, RULES))
    _request(store, lambda ctx: THINGS.delete(ctx, THINGS.get(ctx, "t1")))
    with store.session(write=False) as s:
        assert s.query(Tag).count() == 0 and s.query(Resource).count() == 4


def test_unique_names_return_the_existing_resource_when_the_service_is_idempotent(store: Store) -> None:
    first = _request(store, lambda ctx: NAMED.create(ctx, rid="id-1", name="same", document={}).rid)
    again = _request(store, lambda ctx: NAMED.create(ctx, rid="id-2", name="same", document={}).rid)
    assert first == again == "id-1"


def test_tags_merge_replace_untag_and_keep_to_the_rules(store: Store) -> None:
    arn = "arn:aws:demo:eu-west-1:111111111111:thing/x"
    _request(store, lambda ctx: tagging.tag(ctx, "demo", arn, {"a": "1", "b": "2"}, RULES))
    _request(store, lambda ctx: tagging.tag(ctx, "demo", arn, {"b": "3"}, RULES))
    assert _request(store, lambda ctx: tagging.tags_of(ctx.session, arn)) == {"a": "1", "b": "3"}
    with pytest.raises(AwsError, match="too_many"):
        _request(store, lambda ctx: tagging.tag(ctx, "demo", arn, {"c": "", "d": ""}, RULES))
    for bad, rule in (
        ({"aws:x": "1"}, "reserved"),
        ({"k" * 129: "1"}, "key_too_long"),
        ({"k": "v" * 257}, "value_too_long"),
    ):
        with pytest.raises(AwsError, match=rule):
            _request(store, lambda ctx, bad=bad: tagging.tag(ctx, "demo", arn, bad, RULES))
    assert _request(store, lambda ctx: tagging.tags_of(ctx.session, arn)) == {
        "a": "1",
        "b": "3",
    }  # nothing changed
    _request(store, lambda ctx: tagging.replace(ctx, "demo", arn, {"z": "9"}, RULES))
    _request(store, lambda ctx: tagging.untag(ctx, arn, ["z", "not-there"]))
    assert _request(store, lambda ctx: tagging.tags_of(ctx.session, arn)) == {}


def test_resetting_a_service_empties_only_its_rows_of_the_shared_tables(store: Store) -> None:
    _request(store, lambda ctx: THINGS.create(ctx, rid="mine", document={}))
    other = Kind("other", "thing", arn=lambda ctx, rid: ctx.arn("other", rid), not_found=_missing)
    _request(store, lambda ctx: other.create(ctx, rid="theirs", document={}))
    _request(
        store,
        lambda ctx: tagging.tag(
            ctx, "other", "arn:aws:other:eu-west-1:111111111111:theirs", {"k": "v"}, RULES
        ),
    )
    store.reset(["demo"])
    with store.session(write=False) as s:
        assert [r.rid for r in s.query(Resource)] == ["theirs"] and s.query(Tag).count() == 1
    store.reset(None)
    with store.session(write=False) as s:
        assert s.query(Resource).count() == 0 and s.query(Tag).count() == 0
