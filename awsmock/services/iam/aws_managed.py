"""A few AWS managed policies (``arn:aws:iam::aws:policy/…``), materialized on first use in the
pseudo-account ``aws`` so they can be attached like any managed policy. Each partition has its
own (``arn:aws-cn:iam::aws:policy/…`` in China), held by a pseudo-account named for the partition.

The documents are the policies' gist, written for awsmock (the real ones grow over time).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.auth.keys import unique_id
from awsmock.engine import arns
from awsmock.engine.context import utcnow
from awsmock.models.iam import IamPolicy, IamPolicyVersion

AWS_ACCOUNT = "aws"


def managed_account(partition: str = "aws") -> str:
    """The pseudo-account that holds ``partition``'s AWS managed policies."""
    return AWS_ACCOUNT if partition == "aws" else partition


def is_managed_account(account_id: str) -> bool:
    """Whether ``account_id`` is a pseudo-account of AWS managed policies (of any partition)."""
    return account_id in arns.PARTITIONS  # ("aws" is the aws partition's)


def _allow(actions: list[str] | str, resource: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}],
    }


#: name -> (path, description, document)
AWS_MANAGED: dict[str, tuple[str, str, dict[str, Any]]] = {
    "AdministratorAccess": ("/", "Provides full access to AWS services and resources.", _allow("*")),
    "PowerUserAccess": (
        "/",
        "Provides full access to AWS services and resources, but does not allow management "
        "of Users and groups.",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": [
                        "iam:CreateServiceLinkedRole",
                        "iam:DeleteServiceLinkedRole",
                        "iam:ListRoles",
                        "organizations:DescribeOrganization",
                        "account:ListRegions",
                        "account:GetAccountInformation",
                    ],
                    "Resource": "*",
                },
            ],
        },
    ),
    "ReadOnlyAccess": (
        "/",
        "Provides read-only access to AWS services and resources.",
        _allow(["*:Get*", "*:List*", "*:Describe*", "*:Head*", "*:BatchGet*", "*:Query", "*:Scan"]),
    ),
    "IAMFullAccess": (
        "/",
        "Provides full access to IAM via the AWS Management Console.",
        _allow(
            [
                "iam:*",
                "organizations:DescribeAccount",
                "organizations:DescribeOrganization",
                "organizations:DescribeOrganizationalUnit",
                "organizations:DescribePolicy",
                "organizations:ListChildren",
                "organizations:ListParents",
                "organizations:ListPoliciesForTarget",
                "organizations:ListRoots",
                "organizations:ListPolicies",
                "organizations:ListTargetsForPolicy",
            ]
        ),
    ),
    "IAMReadOnlyAccess": (
        "/",
        "Provides read only access to IAM via the AWS Management Console.",
        _allow(
            [
                "iam:GenerateCredentialReport",
                "iam:GenerateServiceLastAccessedDetails",
                "iam:Get*",
                "iam:List*",
                "iam:SimulateCustomPolicy",
                "iam:SimulatePrincipalPolicy",
            ]
        ),
    ),
    "AmazonS3FullAccess": (
        "/",
        "Provides full access to all buckets via the AWS Management Console.",
        _allow(["s3:*", "s3-object-lambda:*"]),
    ),
    "AmazonS3ReadOnlyAccess": (
        "/",
        "Provides read only access to all buckets via the AWS Management Console.",
        _allow(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"]),
    ),
    "AmazonSQSFullAccess": (
        "/",
        "Provides full access to Amazon SQS via the AWS Management Console.",
        _allow(["sqs:*"]),
    ),
    "AmazonSQSReadOnlyAccess": (
        "/",
        "Provides read only access to Amazon SQS via the AWS Management Console.",
        _allow(
            [
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ListDeadLetterSourceQueues",
                "sqs:ListQueues",
                "sqs:ListMessageMoveTasks",
                "sqs:ListQueueTags",
            ]
        ),
    ),
    "AmazonDynamoDBFullAccess": (
        "/",
        "Provides full access to Amazon DynamoDB via the AWS Management Console.",
        _allow(["dynamodb:*"]),
    ),
    "AmazonDynamoDBReadOnlyAccess": (
        "/",
        "Provides read only access to Amazon DynamoDB via the AWS Management Console.",
        _allow(
            [
                "dynamodb:BatchGetItem",
                "dynamodb:Describe*",
                "dynamodb:List*",
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:PartiQLSelect",
            ]
        ),
    ),
    "AmazonSNSFullAccess": (
        "/",
        "Provides full access to Amazon SNS via the AWS Management Console.",
        _allow(["sns:*"]),
    ),
    "CloudWatchLogsFullAccess": ("/", "Provides full access to CloudWatch Logs", _allow(["logs:*"])),
    "SecretsManagerReadWrite": (
        "/",
        "Provides read/write access to AWS Secrets Manager via the AWS Management Console.",
        _allow(["secretsmanager:*"]),
    ),
    "AWSLambdaBasicExecutionRole": (
        "/service-role/",
        "Provides write permissions to CloudWatch Logs.",
        _allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]),
    ),
    "AWSLambda_FullAccess": ("/", "Grants full access to AWS Lambda service.", _allow(["lambda:*"])),
}


def aws_managed_arn(name: str, partition: str = "aws") -> str:
    path = AWS_MANAGED[name][0]
    return arns.build("iam", f"policy{path}{name}", account=AWS_ACCOUNT, partition=partition)


def is_aws_managed(arn: str) -> bool:
    """Whether ``arn`` names an AWS managed policy (``arn:aws:iam::aws:policy/…``)."""
    parsed = arns.parse(arn)
    return parsed is not None and (parsed.service, parsed.account, parsed.resource_type) == (
        "iam",
        AWS_ACCOUNT,
        "policy",
    )


def ensure_aws_managed(session: Session, arn: str) -> IamPolicy | None:
    """The AWS managed policy ``arn`` (created on first use), None when awsmock does not know it."""
    parsed = arns.parse(arn)
    name = parsed.resource.rsplit("/", 1)[-1] if parsed is not None else ""
    partition = parsed.partition if parsed is not None else ""
    if name not in AWS_MANAGED or partition not in arns.PARTITIONS or aws_managed_arn(name, partition) != arn:
        return None
    holder = managed_account(partition)
    policy = session.scalar(select(IamPolicy).where(IamPolicy.account_id == holder, IamPolicy.arn == arn))
    if policy is not None:
        return policy
    path, description, doc = AWS_MANAGED[name]
    created = utcnow().replace(year=2015, month=2, day=6, hour=18, minute=39, second=46, microsecond=0)
    policy = IamPolicy(
        account_id=holder,
        name=name,
        name_lower=name.lower(),
        path=path,
        arn=arn,
        unique_id=unique_id("ANPA"),
        create_date=created,
        update_date=created,
        description=description,
        default_version="v1",
        next_version=2,
    )
    session.add(policy)
    session.flush()
    session.add(
        IamPolicyVersion(
            policy_pk=policy.pk, version_id="v1", document=json.dumps(doc, indent=4), create_date=created
        )
    )
    session.flush()
    return policy


def ensure_all(session: Session, partition: str = "aws") -> None:
    for name in AWS_MANAGED:
        ensure_aws_managed(session, aws_managed_arn(name, partition))
