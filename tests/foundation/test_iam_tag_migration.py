"""IAM's first branch revision moves the tags of its entities from a ``tags`` column on each
entity's table into the shared tag table: a database an earlier build left (at
``0004_resources``, tags in the columns) answers List*Tags and Get* with the same tags once
upgraded, keeps everything that refers to its users, roles, groups, policies and instance
profiles, and the downgrade puts the tags back in the columns. On SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import boto3
import pytest
import sqlalchemy as sa

import awsmock
from awsmock.state.store import Store, downgrade_database, upgrade_database

ACCOUNT, OTHER_ACCOUNT = "123456789012", "111122223333"
REVISION = "iam_0001_tags_in_shared_table"
NOW = dt.datetime(2026, 12, 1, 12, 0, 0)
TRUST = '{"Version": "2012-10-17", "Statement": []}'
SAML = '<EntityDescriptor validUntil="2030-01-01T00:00:00Z">' + "x" * 100 + "</EntityDescriptor>"


def _arn(resource: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:{resource}"


def tags(**pairs: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def _named(
    pk: int, kind: str, name: str, prefix: str, found: list[dict[str, str]], **more: Any
) -> dict[str, Any]:
    account = more.pop("account_id", ACCOUNT)
    return {
        "pk": pk,
        "name": name,
        "name_lower": name.lower(),
        "path": "/",
        "arn": _arn(f"{kind}/{name}", account),
        "unique_id": f"{prefix}{pk:017d}",
        "create_date": NOW,
        "tags": found,
        "account_id": account,
        **more,
    }


#: table -> the rows an older build held (tags in the order they were added)
ROWS: dict[str, list[dict[str, Any]]] = {
    "iam_user": [
        _named(1, "user", "alice", "AIDA", tags(team="a", Env="dev")),
        _named(2, "user", "bob", "AIDA", []),
        _named(3, "user", "alice", "AIDA", tags(who="them"), account_id=OTHER_ACCOUNT),
    ],
    "iam_group": [_named(1, "group", "devs", "AGPA", [])],
    "iam_role": [
        _named(
            1,
            "role",
            "app",
            "AROA",
            tags(k="v"),
            assume_role_policy=TRUST,
            max_session_duration=3600,
            service_linked=False,
        )
    ],
    "iam_policy": [
        _named(
            1,
            "policy",
            "pol",
            "ANPA",
            tags(p="1"),
            default_version="v1",
            next_version=2,
            update_date=NOW,
        )
    ],
    "iam_instance_profile": [_named(1, "instance-profile", "ip", "AIPA", tags(ip="1"))],
    "iam_server_certificate": [_named(1, "server-certificate", "web", "ASCA", tags(c="1"), body="PEM")],
    "iam_saml_provider": [
        {
            "arn": _arn("saml-provider/corp"),
            "name": "corp",
            "metadata_document": SAML,
            "create_date": NOW,
            "valid_until": NOW.replace(year=2030),
            "tags": tags(s="1"),
            "account_id": ACCOUNT,
        }
    ],
    "iam_oidc_provider": [
        {
            "arn": _arn("oidc-provider/token.example.com"),
            "url": "token.example.com",
            "client_ids": ["a"],
            "thumbprints": ["a" * 40],
            "create_date": NOW,
            "tags": tags(o="1"),
            "account_id": ACCOUNT,
        }
    ],
    "iam_mfa_device": [
        {
            "serial_number": _arn("mfa/phone"),
            "virtual": True,
            "path": "/",
            "seed": "SEED",
            "user_pk": 1,
            "enable_date": NOW,
            "tags": tags(m="1"),
            "account_id": ACCOUNT,
        }
    ],
    # rows that refer to the tagged entities: they must all be there after the upgrade
    "iam_access_key": [
        {
            "access_key_id": "AKIAOLDKEY0000000001",
            "user_pk": 1,
            "secret": "s" * 40,
            "status": "Active",
            "create_date": NOW,
            "account_id": ACCOUNT,
        }
    ],
    "iam_login_profile": [
        {"user_pk": 1, "password": "pw", "password_reset_required": False, "create_date": NOW}
    ],
    "iam_group_member": [{"group_pk": 1, "user_pk": 2}],
    "iam_policy_version": [{"policy_pk": 1, "version_id": "v1", "document": TRUST, "create_date": NOW}],
    "iam_policy_attachment": [{"policy_pk": 1, "principal_type": "role", "principal_pk": 1}],
    "iam_instance_profile_role": [{"profile_pk": 1, "role_pk": 1}],
}


@pytest.fixture
def old_database(blank_database: str) -> str:
    """The URL of a database at ``0004_resources`` holding :data:`ROWS`."""
    _fill(blank_database)
    return blank_database


def _fill(url: str) -> None:
    store = Store(url)
    try:
        upgrade_database(store.write_engine, "0004_resources")
        with store.write_engine.begin() as conn:
            meta = sa.MetaData()
            for name, rows in ROWS.items():  # (parents before the rows that refer to them)
                conn.execute(sa.insert(sa.Table(name, meta, autoload_with=conn)), rows)
            if conn.dialect.name == "postgresql":  # explicit keys: move the sequences past them
                for name in ("iam_user", "iam_group", "iam_role", "iam_policy", "iam_instance_profile"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'pk'), 10)")
    finally:
        store.dispose()


def _clients_see_the_old_state() -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    alice = iam.get_user(UserName="alice")["User"]
    assert alice["Tags"] == tags(Env="dev", team="a")  # by key, as IAM documents
    assert iam.list_user_tags(UserName="alice")["Tags"] == tags(Env="dev", team="a")
    assert "Tags" not in iam.get_user(UserName="bob")["User"]
    assert iam.list_role_tags(RoleName="app")["Tags"] == tags(k="v")
    assert iam.get_role(RoleName="app")["Role"]["Tags"] == tags(k="v")
    policy = _arn("policy/pol")
    assert iam.list_policy_tags(PolicyArn=policy)["Tags"] == tags(p="1")
    assert iam.get_policy(PolicyArn=policy)["Policy"]["Tags"] == tags(p="1")
    assert iam.list_instance_profile_tags(InstanceProfileName="ip")["Tags"] == tags(ip="1")
    assert iam.list_server_certificate_tags(ServerCertificateName="web")["Tags"] == tags(c="1")
    saml = _arn("saml-provider/corp")
    assert iam.list_saml_provider_tags(SAMLProviderArn=saml)["Tags"] == tags(s="1")
    oidc = _arn("oidc-provider/token.example.com")
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=oidc)["Tags"] == tags(o="1")
    assert iam.list_mfa_device_tags(SerialNumber=_arn("mfa/phone"))["Tags"] == tags(m="1")
    other = boto3.client(
        "iam", region_name="us-east-1", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x"
    )
    assert other.list_user_tags(UserName="alice")["Tags"] == tags(who="them")
    # what refers to the entities is all there
    keys = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == ["AKIAOLDKEY0000000001"]
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["UserName"] == "alice"
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="alice")["MFADevices"]] == [
        _arn("mfa/phone")
    ]
    assert [u["UserName"] for u in iam.get_group(GroupName="devs")["Users"]] == ["bob"]
    assert [r["RoleName"] for r in iam.list_entities_for_policy(PolicyArn=policy)["PolicyRoles"]] == ["app"]
    assert [
        r["RoleName"] for r in iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]["Roles"]
    ] == ["app"]
    # the moved tags are the entities' tags from now on
    iam.tag_user(UserName="alice", Tags=tags(team="b"))
    iam.update_user(UserName="alice", NewUserName="alicia")
    assert iam.list_user_tags(UserName="alicia")["Tags"] == tags(Env="dev", team="b")
    iam.remove_role_from_instance_profile(InstanceProfileName="ip", RoleName="app")
    iam.delete_instance_profile(InstanceProfileName="ip")
    iam.create_instance_profile(InstanceProfileName="ip")
    assert iam.list_instance_profile_tags(InstanceProfileName="ip")["Tags"] == []


def test_an_older_database_is_upgraded_with_its_tags(old_database: str) -> None:
    with awsmock.mock_aws(database_url=old_database):
        _clients_see_the_old_state()
    store = Store(old_database)
    try:
        with store.read_engine.connect() as conn:
            inspector = sa.inspect(conn)
            for name in ROWS:
                assert "tags" not in {c["name"] for c in inspector.get_columns(name)}, name
            versions = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
        # IAM's branch is at this revision or a later one
        assert any(v.startswith("iam_") and v >= REVISION for v in versions), versions
    finally:
        store.dispose()


def test_an_older_sqlite_keeps_what_refers_to_the_rebuilt_tables(tmp_path: Path) -> None:
    """A SQLite before 3.35 cannot drop a column in place: the migration rebuilds each table and
    keeps the rows that refer to it (awsmock's connections enforce foreign keys)."""
    url = f"sqlite:///{tmp_path / 'awsmock.db'}"
    _fill(url)
    store = Store(url)
    try:
        with store.write_engine.connect():
            pass  # the dialect learns the server's version on the first connection
        store.write_engine.dialect.server_version_info = (3, 31, 1)
        upgrade_database(store.write_engine)
    finally:
        store.dispose()
    with awsmock.mock_aws(database_url=url):
        _clients_see_the_old_state()


def _columns(url: str) -> tuple[dict[tuple[str, Any], Any], int, int]:
    """(each entity's tags column, IAM's rows of the tag table, rows referring to entities) of a
    downgraded database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            meta = sa.MetaData()
            column: dict[tuple[str, Any], Any] = {}
            for name in ROWS:
                table = sa.Table(name, meta, autoload_with=conn)
                if "tags" in table.c:
                    key = next(iter(table.primary_key.columns))
                    column.update({(name, k): t for k, t in conn.execute(sa.select(key, table.c.tags))})
            shared = conn.execute(
                sa.text("SELECT count(*) FROM awsmock_tag WHERE service = 'iam'")
            ).scalar_one()
            referring = sum(
                conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
                for name in (
                    "iam_access_key",
                    "iam_login_profile",
                    "iam_group_member",
                    "iam_policy_attachment",
                )
            )
    finally:
        engine.dispose()
    return column, shared, referring


def test_the_downgrade_moves_the_tags_back_to_the_columns(old_database: str) -> None:
    store = Store(old_database)
    try:
        upgrade_database(store.write_engine)
        downgrade_database(store.write_engine, "iam@base")
    finally:
        store.dispose()
    column, shared, referring = _columns(old_database)
    key_of = {"iam_saml_provider": "arn", "iam_oidc_provider": "arn", "iam_mfa_device": "serial_number"}
    expected = {
        (name, row[key_of.get(name, "pk")]): sorted(row["tags"], key=lambda t: t["Key"])
        for name, rows in ROWS.items()
        if "tags" in rows[0]
        for row in rows
    }
    assert column == expected
    assert (shared, referring) == (0, 4)
    # and up again: the same tags, served from the shared table
    with awsmock.mock_aws(database_url=old_database):
        _clients_see_the_old_state()
