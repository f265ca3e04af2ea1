"""IAM roles: trust policies, session duration, tags, boundaries, service-linked roles."""

from __future__ import annotations

import json
import uuid
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamInlinePolicy, IamInstanceProfileRole, IamPolicyAttachment, IamRole

from . import tags
from .common import (
    check_deletable,
    check_path,
    entity_fields,
    get_role,
    list_by_path,
    policy_checks,
    register_tagging,
    role_out,
)
from .documents import validate_trust_policy
from .errors import InvalidInput, UnmodifiableEntity, already_exists, validation

MIN_SESSION, MAX_SESSION = 3600, 43200

SERVICE_ROLE_NAMES = {
    "autoscaling": "AutoScaling",
    "ecs": "ECS",
    "elasticloadbalancing": "ElasticLoadBalancing",
    "rds": "RDS",
    "elasticbeanstalk": "ElasticBeanstalk",
    "eks": "AmazonEKS",
    "es": "AmazonElasticsearchService",
    "opensearchservice": "AmazonOpenSearchService",
    "organizations": "Organizations",
    "spot": "EC2Spot",
    "spotfleet": "EC2SpotFleet",
    "cloudtrail": "CloudTrail",
    "config": "Config",
    "guardduty": "AmazonGuardDuty",
    "ssm": "AmazonSSM",
    "support": "Support",
    "trustedadvisor": "TrustedAdvisor",
    "lambda.edgelambda": "LambdaReplicator",
    "replicator.lambda": "LambdaReplicator",
    "elasticache": "ElastiCache",
    "redshift": "Redshift",
    "dynamodb.application-autoscaling": "ApplicationAutoScaling_DynamoDBTable",
    "ecs.application-autoscaling": "ApplicationAutoScaling_ECSService",
    "ec2.application-autoscaling": "ApplicationAutoScaling_EC2SpotFleetRequest",
    "rds.application-autoscaling": "ApplicationAutoScaling_RDSCluster",
    "sagemaker.application-autoscaling": "ApplicationAutoScaling_SageMakerEndpoint",
    "appstream.application-autoscaling": "ApplicationAutoScaling_AppStreamFleet",
    "cassandra.application-autoscaling": "ApplicationAutoScaling_CassandraTable",
    "lambda.application-autoscaling": "ApplicationAutoScaling_LambdaConcurrency",
    "access-analyzer": "AccessAnalyzer",
    "apigateway": "APIGateway",
    "ops.apigateway": "APIGateway",
    "backup": "Backup",
    "batch": "Batch",
    "cloud9": "AWSCloud9",
    "compute-optimizer": "ComputeOptimizer",
    "dax": "DAX",
    "eks-fargate": "AmazonEKSForFargate",
    "eks-nodegroup": "AmazonEKSNodegroup",
    "elasticfilesystem": "AmazonElasticFileSystem",
    "elasticmapreduce": "EMRCleanup",
    "fsx": "AmazonFSx",
    "globalaccelerator": "GlobalAccelerator",
    "inspector2": "AmazonInspector2",
    "kafka": "Kafka",
    "lex": "LexBots",
    "macie": "AmazonMacie",
    "mq": "AmazonMQ",
    "replication.ecr": "ECRReplication",
    "securityhub": "SecurityHub",
    "sso": "SSO",
    "transitgateway": "VPCTransitGateway",
}


def _check_duration(value: int | None) -> int:
    if value is None:
        return MIN_SESSION
    if value < MIN_SESSION or value > MAX_SESSION:
        side = "greater than or equal to 3600" if value < MIN_SESSION else "less than or equal to 43200"
        raise validation(value, "maxSessionDuration", f"Member must have value {side}")
    return value


def _create(
    ctx: RequestContext,
    name: str,
    path: str,
    trust: str,
    params: dict[str, Any],
    service_linked: bool = False,
) -> IamRole:
    fields = entity_fields(
        ctx, IamRole, name, path, kind="role", id_prefix="AROA", taken=already_exists("Role", name)
    )
    new_tags = tags.checked(params.get("Tags"))
    role = IamRole(
        **fields,
        assume_role_policy=trust,
        description=params.get("Description"),
        max_session_duration=_check_duration(params.get("MaxSessionDuration")),
        permissions_boundary=params.get("PermissionsBoundary"),
        service_linked=service_linked,
    )
    ctx.session.add(role)
    ctx.session.flush()
    tags.created(ctx, role.arn, new_tags, params.get("Tags"))
    return role


@handler("iam", "CreateRole")
def create_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    trust = validate_trust_policy(params["AssumeRolePolicyDocument"])
    path = check_path(params.get("Path"))
    role = _create(ctx, params["RoleName"], path, trust, params)
    return {"Role": _created(ctx, role)}


def _full(ctx: RequestContext, role: IamRole) -> dict[str, Any]:
    return role_out(role, full=True, tagged=tags.listed(ctx.session, role.arn))


def _created(ctx: RequestContext, role: IamRole) -> dict[str, Any]:
    out = _full(ctx, role)
    out.pop("RoleLastUsed", None)
    return out


@handler("iam", "GetRole")
def get_role_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Role": _full(ctx, get_role(ctx, params["RoleName"]))}


@handler("iam", "ListRoles")
def list_roles(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, meta = list_by_path(ctx, IamRole, params)
    return {"Roles": [role_out(r) for r in page], **meta}


def _modifiable(role: IamRole) -> IamRole:
    if role.service_linked:
        raise UnmodifiableEntity(
            f"Cannot perform the operation on the protected role '{role.name}' - this role is only modifiable by AWS"
        )
    return role


@handler("iam", "UpdateRole")
def update_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = _modifiable(get_role(ctx, params["RoleName"]))
    if params.get("Description") is not None:
        role.description = params["Description"]
    if params.get("MaxSessionDuration") is not None:
        role.max_session_duration = _check_duration(params["MaxSessionDuration"])
    return {}


@handler("iam", "UpdateRoleDescription")
def update_role_description(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = _modifiable(get_role(ctx, params["RoleName"]))
    role.description = params["Description"]
    return {"Role": _full(ctx, role)}


@handler("iam", "UpdateAssumeRolePolicy")
def update_assume_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = _modifiable(get_role(ctx, params["RoleName"]))
    role.assume_role_policy = validate_trust_policy(params["PolicyDocument"])
    return {}


def _delete(ctx: RequestContext, role: IamRole) -> None:
    check_deletable(
        ctx.session,
        [
            (IamInstanceProfileRole.role_pk == role.pk, "must remove roles from instance profile first."),
            *policy_checks("role", role.pk),
        ],
    )
    ctx.session.delete(role)
    tags.drop(ctx, role.arn)


@handler("iam", "DeleteRole")
def delete_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _delete(ctx, _modifiable(get_role(ctx, params["RoleName"])))
    return {}


register_tagging("Role", lambda ctx, params: get_role(ctx, params["RoleName"]))


@handler("iam", "PutRolePermissionsBoundary")
def put_role_boundary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .policies import attachable_policy

    role = _modifiable(get_role(ctx, params["RoleName"]))
    role.permissions_boundary = attachable_policy(ctx, params["PermissionsBoundary"]).arn
    return {}


@handler("iam", "DeleteRolePermissionsBoundary")
def delete_role_boundary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _modifiable(get_role(ctx, params["RoleName"])).permissions_boundary = None
    return {}


# -- service-linked roles ---------------------------------------------------------------------


def service_role_name(service: str) -> str:
    prefix = service.removesuffix(".amazonaws.com")
    known = SERVICE_ROLE_NAMES.get(prefix)
    if known is None:
        known = "".join(p[:1].upper() + p[1:] for p in prefix.replace("-", ".").split("."))
    return f"AWSServiceRoleFor{known}"


@handler("iam", "CreateServiceLinkedRole")
def create_service_linked_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    service = params["AWSServiceName"]
    if not service.endswith(".amazonaws.com"):
        raise InvalidInput(f"Unrecognized service name {service}")
    name = service_role_name(service)
    if params.get("CustomSuffix"):
        name = f"{name}_{params['CustomSuffix']}"
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": [service]}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    role = _create(ctx, name, f"/aws-service-role/{service}/", trust, params, service_linked=True)
    return {"Role": _created(ctx, role)}


@handler("iam", "DeleteServiceLinkedRole")
def delete_service_linked_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = get_role(ctx, params["RoleName"])
    service = role.path.strip("/").split("/")[-1]
    ctx.session.execute(
        IamInlinePolicy.__table__.delete().where(
            IamInlinePolicy.principal_type == "role", IamInlinePolicy.principal_pk == role.pk
        )
    )
    ctx.session.execute(
        IamPolicyAttachment.__table__.delete().where(
            IamPolicyAttachment.principal_type == "role", IamPolicyAttachment.principal_pk == role.pk
        )
    )
    _delete(ctx, role)
    return {"DeletionTaskId": f"task/aws-service-role/{service}/{role.name}/{uuid.uuid4()}"}


@handler("iam", "GetServiceLinkedRoleDeletionStatus")
def get_service_linked_role_deletion_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not params["DeletionTaskId"].startswith("task/aws-service-role/"):
        raise InvalidInput(f"Invalid deletion task id {params['DeletionTaskId']}")
    return {"Status": "SUCCEEDED"}
