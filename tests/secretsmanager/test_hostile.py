"""Requests a hand-written client (or boto3 with its validation off) can send: members the model
leaves optional but Secrets Manager needs, and documents nested deeper than any policy. Each gets
a clean 4xx in AWS's words, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config

from tests.secretsmanager.helpers import error_of


def _null(member: str) -> tuple[str, str]:
    return (
        "ValidationException",
        f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
        "Member must not be null",
    )


@pytest.fixture
def raw(aws_client: Callable[..., Any]) -> Any:
    """A client that sends what it is given (botocore's validation off)."""
    return aws_client(
        "secretsmanager", config=Config(parameter_validation=False, retries={"max_attempts": 1})
    )


def test_a_tag_without_a_key_is_refused_and_nothing_is_made(raw: Any) -> None:
    assert error_of(lambda: raw.create_secret(Name="t", SecretString="v", Tags=[{"Value": "x"}])) == _null(
        "tags.1.member.key"
    )
    assert raw.list_secrets()["SecretList"] == []
    raw.create_secret(Name="t", SecretString="v")
    tags = [{"Key": "ok", "Value": "1"}, {"Value": "x"}]
    assert error_of(lambda: raw.tag_resource(SecretId="t", Tags=tags)) == _null("tags.2.member.key")
    assert "Tags" not in raw.describe_secret(SecretId="t")
    raw.tag_resource(SecretId="t", Tags=[{"Key": "novalue"}])  # a missing value is an empty one
    assert raw.describe_secret(SecretId="t")["Tags"] == [{"Key": "novalue", "Value": ""}]


def test_a_filter_without_a_key_or_values_is_refused(raw: Any) -> None:
    raw.create_secret(Name="f", SecretString="v")
    assert error_of(lambda: raw.list_secrets(Filters=[{"Values": ["f"]}])) == _null("filters.1.member.key")
    assert error_of(lambda: raw.list_secrets(Filters=[{"Key": "name"}])) == _null("filters.1.member.values")
    assert error_of(lambda: raw.batch_get_secret_value(Filters=[{"Values": ["f"]}])) == _null(
        "filters.1.member.key"
    )


def test_a_replica_region_without_a_region_is_refused_and_nothing_is_made(raw: Any) -> None:
    assert error_of(
        lambda: raw.create_secret(Name="r", SecretString="v", AddReplicaRegions=[{"KmsKeyId": "alias/x"}])
    ) == _null("addReplicaRegions.1.member.region")
    assert raw.list_secrets()["SecretList"] == []
    raw.create_secret(Name="r", SecretString="v")
    regions = [{"Region": "eu-west-1"}, {}]
    assert error_of(
        lambda: raw.replicate_secret_to_regions(SecretId="r", AddReplicaRegions=regions)
    ) == _null("addReplicaRegions.2.member.region")
    described = raw.describe_secret(SecretId="r")
    assert "ReplicationStatus" not in described and "PrimaryRegion" not in described


def test_policies_nested_deeper_than_any_policy_are_malformed(raw: Any) -> None:
    raw.create_secret(Name="p", SecretString="v")
    deep = '{"a":' * 3000 + "1" + "}" * 3000
    malformed = ("MalformedPolicyDocumentException", "This resource policy contains a syntax error.")
    assert error_of(lambda: raw.put_resource_policy(SecretId="p", ResourcePolicy=deep)) == malformed
    assert error_of(lambda: raw.validate_resource_policy(ResourcePolicy="[" * 3000 + "]" * 3000)) == malformed
    assert "ResourcePolicy" not in raw.get_resource_policy(SecretId="p")
