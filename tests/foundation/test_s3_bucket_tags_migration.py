"""S3's first branch revision moves bucket tags: a state an earlier build left, at
``0004_resources``, with tags kept as a bucket's ``tagging`` configuration, is upgraded on start
and answers GetBucketTagging with the same tags (on SQLite and on PostgreSQL); the downgrade
puts them back where that build reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from sqlalchemy import Engine, create_engine, insert, select

import awsmock
from awsmock.models.resources import Tag
from awsmock.models.s3 import S3Bucket, S3BucketConfig
from awsmock.state.store import downgrade_database, upgrade_database

ACCOUNT = "123456789012"
BEFORE = "0004_resources"
REVISION = "s3_0001_bucket_tags_shared"
#: bucket -> (region, the tagging document the earlier build stored, or None)
BUCKETS: dict[str, tuple[str, Any]] = {
    "tagged-earlier": (
        "us-east-1",
        {"TagSet": [{"Key": "team", "Value": "web"}, {"Key": "env", "Value": ""}]},
    ),
    "tagged-in-china": ("cn-north-1", {"TagSet": [{"Key": "where", "Value": "beijing"}]}),
    "emptied-earlier": ("us-east-1", {"TagSet": []}),
    "never-tagged": ("us-east-1", None),
}


def _made_before_the_move(engine: Engine) -> None:
    """A state at ``0004_resources`` holding tagged buckets, as a build of that time left it."""
    upgrade_database(engine, BEFORE)
    with engine.begin() as conn:
        now = dt.datetime.now(dt.UTC)
        for name, (region, tagging) in BUCKETS.items():
            bucket_id = conn.execute(
                insert(S3Bucket.__table__).returning(S3Bucket.__table__.c.id),
                {"name": name, "account_id": ACCOUNT, "region": region, "created": now, "object_lock": False},
            ).scalar_one()
            conn.execute(
                insert(S3BucketConfig.__table__),
                {
                    "bucket_id": bucket_id,
                    "name": "cors",
                    "value": {"CORSRules": [{"AllowedMethods": ["GET"]}]},
                },
            )
            if tagging is not None:
                conn.execute(
                    insert(S3BucketConfig.__table__),
                    {"bucket_id": bucket_id, "name": "tagging", "value": tagging},
                )


def _answers_with_the_tags_it_had() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    assert s3.get_bucket_tagging(Bucket="tagged-earlier")["TagSet"] == [
        {"Key": "env", "Value": ""},
        {"Key": "team", "Value": "web"},
    ]
    assert s3.get_bucket_tagging(Bucket="tagged-in-china")["TagSet"] == [{"Key": "where", "Value": "beijing"}]
    for name in ("emptied-earlier", "never-tagged"):
        with pytest.raises(ClientError) as none:
            s3.get_bucket_tagging(Bucket=name)
        assert none.value.response["Error"]["Code"] == "NoSuchTagSet"
    assert s3.get_bucket_cors(Bucket="never-tagged")["CORSRules"] == [{"AllowedMethods": ["GET"]}]
    # and the moved tags are the bucket's own: replaced, deleted, gone with the bucket
    s3.put_bucket_tagging(Bucket="tagged-earlier", Tagging={"TagSet": [{"Key": "team", "Value": "api"}]})
    assert s3.get_bucket_tagging(Bucket="tagged-earlier")["TagSet"] == [{"Key": "team", "Value": "api"}]
    s3.delete_bucket(Bucket="tagged-in-china")
    s3.create_bucket(Bucket="tagged-in-china")
    with pytest.raises(ClientError) as gone:
        s3.get_bucket_tagging(Bucket="tagged-in-china")
    assert gone.value.response["Error"]["Code"] == "NoSuchTagSet"


def _stored(engine: Engine) -> tuple[dict[str, Any], list[tuple[str, str, str, str, str]]]:
    """The ``tagging`` configurations (by bucket) and the tag rows."""
    with engine.connect() as conn:
        configs = {
            name: value
            for name, value in conn.execute(
                select(S3Bucket.name, S3BucketConfig.value)
                .join(S3Bucket, S3Bucket.id == S3BucketConfig.bucket_id)
                .where(S3BucketConfig.name == "tagging")
            )
        }
        tags = [
            tuple(row)
            for row in conn.execute(
                select(Tag.arn, Tag.key, Tag.value, Tag.service, Tag.account_id).order_by(Tag.arn, Tag.key)
            )
        ]
    return configs, tags


def _versions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}


def _downgrade(engine: Engine, target: str) -> None:
    downgrade_database(engine, target)


def _upgrade_and_back(engine: Engine) -> None:
    """At ``0004_resources`` (the trunk's head) the state is as that build left it."""
    upgrade_database(engine)
    assert REVISION in _versions(engine)
    configs, tags = _stored(engine)
    assert configs == {}
    assert tags == [
        ("arn:aws-cn:s3:::tagged-in-china", "where", "beijing", "s3", ACCOUNT),
        ("arn:aws:s3:::tagged-earlier", "env", "", "s3", ACCOUNT),
        ("arn:aws:s3:::tagged-earlier", "team", "web", "s3", ACCOUNT),
    ]
    _downgrade(engine, "s3@base")
    assert REVISION not in _versions(engine)
    configs, tags = _stored(engine)
    assert configs == {
        "tagged-earlier": {"TagSet": [{"Key": "env", "Value": ""}, {"Key": "team", "Value": "web"}]},
        "tagged-in-china": {"TagSet": [{"Key": "where", "Value": "beijing"}]},
    }
    assert [t for t in tags if t[3] == "s3"] == []


def test_an_older_data_dir_answers_with_the_tags_it_had(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'awsmock.db'}")
    try:
        _made_before_the_move(engine)
    finally:
        engine.dispose()
    with awsmock.mock_aws(data_dir=tmp_path):
        _answers_with_the_tags_it_had()
    engine = create_engine(f"sqlite:///{tmp_path / 'awsmock.db'}")
    try:
        assert REVISION in _versions(engine)
        configs, tags = _stored(engine)
        assert configs == {}
        assert [t[:3] for t in tags if t[3] == "s3"] == [("arn:aws:s3:::tagged-earlier", "team", "api")]
    finally:
        engine.dispose()


def test_the_move_and_its_downgrade_on_sqlite(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'older.db'}")
    try:
        _made_before_the_move(engine)
        _upgrade_and_back(engine)
        upgrade_database(engine)  # and up again: the same tags, once each
        moved = [t for t in _stored(engine)[1] if t[3] == "s3"]
        assert len(moved) == 3
        # a state that forgot it is past the move (a version row lost) is moved again: unchanged
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM alembic_version WHERE version_num = ?", (REVISION,))
        upgrade_database(engine)
        assert REVISION in _versions(engine)
        configs, tags = _stored(engine)
        assert configs == {} and [t for t in tags if t[3] == "s3"] == moved
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_older_postgres_state_answers_with_the_tags_it_had(new_pg_url: Callable[[], str]) -> None:
    url = new_pg_url()
    engine = create_engine(url)
    try:
        _made_before_the_move(engine)
        _upgrade_and_back(engine)
    finally:
        engine.dispose()
    with awsmock.mock_aws(database_url=url):
        _answers_with_the_tags_it_had()
