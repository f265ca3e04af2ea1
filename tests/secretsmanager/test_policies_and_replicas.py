"""Resource policies (BlockPublicPolicy, ValidateResourcePolicy) and replicas in other Regions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.secretsmanager.helpers import error_of

PUBLIC = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
        ],
    }
)
MINE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ],
    }
)
ON_REPLICA = (
    "InvalidRequestException",
    "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
)


def test_block_public_policy_refuses_broad_access_and_validation_reports_it(sm: Any) -> None:
    made = sm.create_secret(Name="guarded", SecretString="v")
    assert error_of(
        lambda: sm.put_resource_policy(SecretId="guarded", ResourcePolicy=PUBLIC, BlockPublicPolicy=True)
    ) == (
        "PublicPolicyException",
        "This resource policy contains an unsupported principal.",
    )
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="guarded")
    checked = sm.validate_resource_policy(SecretId="guarded", ResourcePolicy=PUBLIC)
    assert not checked["PolicyValidationPassed"]
    assert [e["CheckName"] for e in checked["ValidationErrors"]] == ["BLOCK_PUBLIC_POLICY"]
    assert sm.validate_resource_policy(ResourcePolicy=MINE)["PolicyValidationPassed"]
    sm.put_resource_policy(SecretId=made["ARN"], ResourcePolicy=MINE, BlockPublicPolicy=True)
    assert json.loads(sm.get_resource_policy(SecretId="guarded")["ResourcePolicy"]) == json.loads(MINE)
    assert error_of(lambda: sm.put_resource_policy(SecretId="guarded", ResourcePolicy="{not json")) == (
        "MalformedPolicyDocumentException",
        "This resource policy contains a syntax error.",
    )
    sm.delete_resource_policy(SecretId="guarded")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="guarded")


def test_a_replica_follows_its_primary_and_refuses_changes(aws_client: Callable[..., Any]) -> None:
    east, west = aws_client("secretsmanager"), aws_client("secretsmanager", region="eu-west-1")
    made = east.create_secret(Name="multi", SecretString="v1", AddReplicaRegions=[{"Region": "eu-west-1"}])
    assert made["ReplicationStatus"] == [
        {"Region": "eu-west-1", "Status": "InSync", "StatusMessage": "Replication succeeded"}
    ]
    replica_arn = made["ARN"].replace("us-east-1", "eu-west-1")
    assert west.get_secret_value(SecretId="multi")["ARN"] == replica_arn
    assert west.describe_secret(SecretId="multi")["PrimaryRegion"] == "us-east-1"
    east.put_secret_value(SecretId="multi", SecretString="v2")
    assert west.get_secret_value(SecretId=replica_arn)["SecretString"] == "v2"
    assert error_of(lambda: west.put_secret_value(SecretId="multi", SecretString="x")) == ON_REPLICA
    assert error_of(
        lambda: east.replicate_secret_to_regions(
            SecretId="multi", AddReplicaRegions=[{"Region": "us-east-1"}]
        )
    ) == ("InvalidParameterException", "Invalid replica region.")
    assert error_of(lambda: east.delete_secret(SecretId="multi")) == (
        "InvalidParameterException",
        "You can't delete secret multi that still has replica regions [eu-west-1]",
    )
    east.remove_regions_from_replication(SecretId="multi", RemoveReplicaRegions=["eu-west-1"])
    assert error_of(lambda: west.describe_secret(SecretId="multi"))[0] == "ResourceNotFoundException"
    assert "ReplicationStatus" not in east.describe_secret(SecretId="multi")
