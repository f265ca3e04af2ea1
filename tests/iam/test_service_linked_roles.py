"""Service-linked roles are named as AWS names them for each service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_service_linked_role_names_are_formed_per_service(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    for service, name, path in (
        (
            "elasticmapreduce.amazonaws.com",
            "AWSServiceRoleForEMRCleanup",
            "/aws-service-role/elasticmapreduce.amazonaws.com/",
        ),
        (
            "dynamodb.application-autoscaling.amazonaws.com",
            "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
            None,
        ),
        ("eks-nodegroup.amazonaws.com", "AWSServiceRoleForAmazonEKSNodegroup", None),
        ("access-analyzer.amazonaws.com", "AWSServiceRoleForAccessAnalyzer", None),
    ):
        role = iam.create_service_linked_role(AWSServiceName=service)["Role"]
        assert role["RoleName"] == name
        assert role["Path"] == (path or f"/aws-service-role/{service}/")
