"""The services awsmock stands for: the README's table, in one place.

Each entry: the ``mock_<name>`` name, the title shown in the README, and the botocore service
names it answers for. ``awsmock coverage``, the ``mock_*`` decorators and service detection all
read this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceEntry:
    name: str  # mock_<name>
    title: str
    botocore: tuple[str, ...]


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("acm", "ACM", ("acm",)),
    ServiceEntry("apigateway", "API Gateway", ("apigateway",)),
    ServiceEntry("autoscaling", "Auto Scaling", ("autoscaling",)),
    ServiceEntry("cloudformation", "CloudFormation", ("cloudformation",)),
    ServiceEntry("cloudwatch", "CloudWatch", ("cloudwatch",)),
    ServiceEntry("events", "CloudWatch Events", ("events",)),
    ServiceEntry("cognitoidentity", "Cognito Identity", ("cognito-identity",)),
    ServiceEntry("cognitoidp", "Cognito Identity Provider", ("cognito-idp",)),
    ServiceEntry("config", "Config", ("config",)),
    ServiceEntry("datapipeline", "Data Pipeline", ("datapipeline",)),
    ServiceEntry("dynamodb", "DynamoDB", ("dynamodb", "dynamodbstreams")),
    ServiceEntry("ec2", "EC2", ("ec2",)),
    ServiceEntry("ecr", "ECR", ("ecr",)),
    ServiceEntry("ecs", "ECS", ("ecs",)),
    ServiceEntry("elb", "ELB", ("elb",)),
    ServiceEntry("elbv2", "ELBv2", ("elbv2",)),
    ServiceEntry("emr", "EMR", ("emr",)),
    ServiceEntry("glacier", "Glacier", ("glacier",)),
    ServiceEntry("iam", "IAM", ("iam",)),
    ServiceEntry("iot", "IoT", ("iot",)),
    ServiceEntry("iotdata", "IoT Data Plane", ("iot-data",)),
    ServiceEntry("kinesis", "Kinesis", ("kinesis",)),
    ServiceEntry("kms", "KMS", ("kms",)),
    ServiceEntry("lambda", "Lambda", ("lambda",)),
    ServiceEntry("logs", "CloudWatch Logs", ("logs",)),
    ServiceEntry("organizations", "Organizations", ("organizations",)),
    ServiceEntry("polly", "Polly", ("polly",)),
    ServiceEntry("rds", "RDS", ("rds",)),
    ServiceEntry("redshift", "Redshift", ("redshift",)),
    ServiceEntry("route53", "Route 53", ("route53",)),
    ServiceEntry("s3", "S3", ("s3",)),
    ServiceEntry("s3control", "S3 Control", ("s3control",)),
    ServiceEntry("secretsmanager", "Secrets Manager", ("secretsmanager",)),
    ServiceEntry("ses", "SES", ("ses",)),
    ServiceEntry("sns", "SNS", ("sns",)),
    ServiceEntry("sqs", "SQS", ("sqs",)),
    ServiceEntry("ssm", "SSM", ("ssm",)),
    ServiceEntry("sts", "STS", ("sts",)),
    ServiceEntry("swf", "SWF", ("swf",)),
    ServiceEntry("xray", "X-Ray", ("xray",)),
)

ALIASES = {"dynamodb2": "dynamodb", "rds2": "rds"}

BY_NAME = {s.name: s for s in SERVICES}
BOTOCORE_NAMES: tuple[str, ...] = tuple(b for s in SERVICES for b in s.botocore)


def entry_for_botocore(service: str) -> ServiceEntry | None:
    for s in SERVICES:
        if service in s.botocore:
            return s
    return None


def botocore_names(names: list[str] | tuple[str, ...]) -> set[str]:
    """botocore service names for a list of table names, aliases or botocore names."""
    out: set[str] = set()
    for n in names:
        n = ALIASES.get(n, n)
        if n in BY_NAME:
            out.update(BY_NAME[n].botocore)
        else:
            out.add(n)
    return out
