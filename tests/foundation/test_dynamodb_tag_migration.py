"""DynamoDB's first branch revision moves a table's tags out of its definition into the shared
tag table: a data dir (SQLite or PostgreSQL) that an earlier build left with tagged tables
answers ListTagsOfResource with the same tags once upgraded, and a downgrade puts them back."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine

from awsmock.models.dynamodb import DynamoTable
from awsmock.models.resources import Tag
from awsmock.state import revisions
from awsmock.state.store import Store, downgrade_database, upgrade_database

BRANCH = "dynamodb_0001_table_tags_shared"
ACCOUNT = "123456789012"
#: (region, name) -> the Tags the old code kept in the table's spec, in the order they were given
OLD_TABLES = {
    ("us-east-1", "orders"): [{"Key": "team", "Value": "core"}, {"Key": "Env", "Value": "prod"}],
    ("us-east-1", "untagged"): [],
    ("cn-north-1", "orders"): [{"Key": "team", "Value": "china"}],
}


def _old_spec(region: str, name: str, tags: list[dict[str, str]]) -> dict[str, Any]:
    """A table's definition as CreateTable stored it before the tags moved (Tags always there)."""
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "TableArn": f"arn:{partition}:dynamodb:{region}:{ACCOUNT}:table/{name}",
        "TableId": str(uuid.uuid4()),
        "Created": "2026-11-30T10:00:00+00:00",
        "DeletionProtectionEnabled": False,
        "Tags": tags,
    }


def _made_before_the_branch(engine: Engine) -> None:
    """The schema at ``0004_resources`` holding tagged tables, as the build of that time left it."""
    upgrade_database(engine, "0004_resources")
    with engine.begin() as conn:
        for (region, name), tags in OLD_TABLES.items():
            conn.execute(
                insert(DynamoTable.__table__).values(
                    account_id=ACCOUNT,
                    region=region,
                    name=name,
                    spec=json.dumps(_old_spec(region, name, tags)),
                    created=dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC),
                )
            )


def _tag_rows(engine: Engine) -> list[tuple[str, str, str, str]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(select(Tag.arn, Tag.key, Tag.value, Tag.service).order_by(Tag.arn, Tag.key))
        ]


def _specs(engine: Engine) -> dict[tuple[str, str], dict[str, Any]]:
    table = DynamoTable.__table__
    with engine.connect() as conn:
        return {
            (r.region, r.name): json.loads(r.spec)
            for r in conn.execute(select(table.c.region, table.c.name, table.c.spec))
        }


def _answers_with_the_old_tags(client: Callable[..., Any]) -> None:
    """What a user sees of the tables once upgraded: their tags (by key), and tags that behave."""
    us, cn = client("dynamodb", "us-east-1"), client("dynamodb", "cn-north-1")
    orders = us.describe_table(TableName="orders")["Table"]["TableArn"]
    assert us.list_tags_of_resource(ResourceArn=orders)["Tags"] == [
        {"Key": "Env", "Value": "prod"},
        {"Key": "team", "Value": "core"},
    ]
    untagged = us.describe_table(TableName="untagged")["Table"]["TableArn"]
    assert us.list_tags_of_resource(ResourceArn=untagged)["Tags"] == []
    china = f"arn:aws-cn:dynamodb:cn-north-1:{ACCOUNT}:table/orders"
    assert cn.list_tags_of_resource(ResourceArn=china)["Tags"] == [{"Key": "team", "Value": "china"}]
    us.untag_resource(ResourceArn=orders, TagKeys=["Env"])
    us.tag_resource(ResourceArn=orders, Tags=[{"Key": "moved", "Value": "yes"}])
    assert us.list_tags_of_resource(ResourceArn=orders)["Tags"] == [
        {"Key": "moved", "Value": "yes"},
        {"Key": "team", "Value": "core"},
    ]
    us.delete_table(TableName="orders")
    us.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert us.list_tags_of_resource(ResourceArn=orders)["Tags"] == []


def _moved_and_back(engine: Engine) -> None:
    """At head the specs hold no tags and the tag table holds them; a downgrade of the branch
    puts them back in the specs (by key) and leaves no row of DynamoDB in the tag table."""
    assert BRANCH in revisions.heads()
    assert all("Tags" not in spec for spec in _specs(engine).values())
    assert _tag_rows(engine) == [
        (f"arn:aws-cn:dynamodb:cn-north-1:{ACCOUNT}:table/orders", "team", "china", "dynamodb"),
        (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders", "Env", "prod", "dynamodb"),
        (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders", "team", "core", "dynamodb"),
    ]
    downgrade_database(engine, "dynamodb@base")
    assert {key: spec["Tags"] for key, spec in _specs(engine).items()} == {
        ("us-east-1", "orders"): [{"Key": "Env", "Value": "prod"}, {"Key": "team", "Value": "core"}],
        ("us-east-1", "untagged"): [],
        ("cn-north-1", "orders"): [{"Key": "team", "Value": "china"}],
    }
    assert _tag_rows(engine) == []
    upgrade_database(engine)  # and up again
    moved = _tag_rows(engine)
    assert len(moved) == 3 and all("Tags" not in spec for spec in _specs(engine).values())
    # a state whose version table lost this branch's row (moved already) is moved again: no loss
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": BRANCH})
    upgrade_database(engine)
    assert _tag_rows(engine) == moved


def test_a_data_dir_with_tagged_tables_keeps_their_tags_when_upgraded(tmp_path: Path) -> None:
    import boto3

    import awsmock

    engine = create_engine(f"sqlite:///{tmp_path / 'awsmock.db'}")
    try:
        _made_before_the_branch(engine)
    finally:
        engine.dispose()
    with awsmock.mock_aws(data_dir=tmp_path):
        _answers_with_the_old_tags(lambda service, region: boto3.client(service, region_name=region))
    upgraded = Store(f"sqlite:///{tmp_path / 'awsmock.db'}")
    try:
        assert BRANCH in revisions.split(upgraded.current_revision())
    finally:
        upgraded.dispose()


def test_the_move_goes_both_ways_on_sqlite(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'both-ways.db'}")
    try:
        _made_before_the_branch(engine)
        upgrade_database(engine)
        _moved_and_back(engine)
    finally:
        engine.dispose()


def test_a_postgresql_database_with_tagged_tables_keeps_their_tags(new_pg_url: Callable[[], str]) -> None:
    from awsmock.api.app import create_app
    from awsmock.engine.config import Config
    from tests.helpers import inprocess_client_factory

    url = new_pg_url()
    engine = create_engine(url)
    try:
        _made_before_the_branch(engine)
    finally:
        engine.dispose()
    store = Store(url)
    try:
        store.migrate()
        assert BRANCH in revisions.split(store.current_revision())
        factory = inprocess_client_factory(create_app(Config(database_url=url), store))
        _answers_with_the_old_tags(lambda service, region: factory(service, region=region))
    finally:
        store.dispose()


def test_the_move_goes_both_ways_on_postgresql(new_pg_url: Callable[[], str]) -> None:
    engine = create_engine(new_pg_url())
    try:
        _made_before_the_branch(engine)
        upgrade_database(engine)
        _moved_and_back(engine)
    finally:
        engine.dispose()
