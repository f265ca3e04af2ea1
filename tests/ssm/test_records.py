"""Maintenance windows, associations, tags of SSM resources, and access control by resource."""

from __future__ import annotations

from typing import Any

from tests.ssm.conftest import error_of


def test_maintenance_windows_targets_and_tasks(ssm: Any) -> None:
    window_id = ssm.create_maintenance_window(
        Name="nightly", Schedule="cron(0 2 ? * * *)", Duration=3, Cutoff=1, AllowUnassociatedTargets=False
    )["WindowId"]
    assert window_id.startswith("mw-") and len(window_id) == 20
    got = ssm.get_maintenance_window(WindowId=window_id)
    assert (got["Name"], got["Duration"], got["Enabled"]) == ("nightly", 3, True)
    assert error_of(
        lambda: ssm.create_maintenance_window(Name="win", Schedule="often", Duration=2, Cutoff=0, AllowUnassociatedTargets=True)
    )[0] == "ValidationException"
    assert error_of(
        lambda: ssm.create_maintenance_window(
            Name="win", Schedule="rate(1 day)", Duration=2, Cutoff=2, AllowUnassociatedTargets=True
        )
    )[0] == "ValidationException"
    ssm.update_maintenance_window(WindowId=window_id, Enabled=False, Name="renamed")
    windows = ssm.describe_maintenance_windows(Filters=[{"Key": "Enabled", "Values": ["false"]}])["WindowIdentities"]
    assert [(w["WindowId"], w["Name"]) for w in windows] == [(window_id, "renamed")]
    target_id = ssm.register_target_with_maintenance_window(
        WindowId=window_id, ResourceType="INSTANCE", Targets=[{"Key": "InstanceIds", "Values": ["i-12345678"]}]
    )["WindowTargetId"]
    task_id = ssm.register_task_with_maintenance_window(
        WindowId=window_id,
        Targets=[{"Key": "WindowTargetIds", "Values": [target_id]}],
        TaskArn="AWS-RunShellScript",
        TaskType="RUN_COMMAND",
        MaxConcurrency="1",
        MaxErrors="0",
    )["WindowTaskId"]
    assert [t["WindowTargetId"] for t in ssm.describe_maintenance_window_targets(WindowId=window_id)["Targets"]] == [
        target_id
    ]
    tasks = ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"]
    assert [(t["WindowTaskId"], t["Type"]) for t in tasks] == [(task_id, "RUN_COMMAND")]
    assert ssm.get_maintenance_window_task(WindowId=window_id, WindowTaskId=task_id)["TaskType"] == "RUN_COMMAND"
    assert error_of(
        lambda: ssm.register_task_with_maintenance_window(
            WindowId=window_id,
            Targets=[{"Key": "WindowTargetIds", "Values": ["nope"]}],
            TaskArn="AWS-RunShellScript",
            TaskType="RUN_COMMAND",
        )
    )[0] == "DoesNotExistException"
    ssm.deregister_task_from_maintenance_window(WindowId=window_id, WindowTaskId=task_id)
    ssm.deregister_target_from_maintenance_window(WindowId=window_id, WindowTargetId=target_id)
    assert ssm.describe_maintenance_window_tasks(WindowId=window_id)["Tasks"] == []
    ssm.delete_maintenance_window(WindowId=window_id)
    code, message = error_of(lambda: ssm.get_maintenance_window(WindowId=window_id))
    assert code == "DoesNotExistException" and window_id in message


def test_associations(ssm: Any) -> None:
    made = ssm.create_association(
        Name="AWS-RunShellScript", InstanceId="i-12345678", Parameters={"commands": ["uptime"]},
        ScheduleExpression="rate(30 minutes)",
    )["AssociationDescription"]
    assert (made["AssociationVersion"], made["Overview"]["Status"]) == ("1", "Pending")
    assert error_of(lambda: ssm.create_association(Name="AWS-RunShellScript", InstanceId="i-12345678"))[0] == (
        "AssociationAlreadyExists"
    )
    assert error_of(lambda: ssm.create_association(Name="NoSuchDoc", InstanceId="i-12345678"))[0] == "InvalidDocument"
    association_id = made["AssociationId"]
    by_pair = ssm.describe_association(Name="AWS-RunShellScript", InstanceId="i-12345678")["AssociationDescription"]
    assert by_pair["AssociationId"] == association_id
    updated = ssm.update_association(AssociationId=association_id, ScheduleExpression="rate(1 hour)")
    assert updated["AssociationDescription"]["AssociationVersion"] == "2"
    assert error_of(lambda: ssm.update_association(AssociationId=association_id, AssociationVersion="1"))[0] == (
        "InvalidAssociationVersion"
    )
    listed = ssm.list_associations(AssociationFilterList=[{"key": "InstanceId", "value": "i-12345678"}])
    assert [a["AssociationId"] for a in listed["Associations"]] == [association_id]
    ssm.delete_association(AssociationId=association_id)
    assert error_of(lambda: ssm.describe_association(AssociationId=association_id))[0] == "AssociationDoesNotExist"


def test_tags_of_resources(ssm: Any) -> None:
    ssm.put_parameter(Name="/tagged", Value="v", Type="String", Tags=[{"Key": "a", "Value": "1"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/tagged", Tags=[{"Key": "b", "Value": "2"}])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/tagged")["TagList"] == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "2"},
    ]
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/tagged", TagKeys=["a"])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/tagged")["TagList"] == [
        {"Key": "b", "Value": "2"}
    ]
    assert error_of(lambda: ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/none"))[0] == (
        "InvalidResourceId"
    )
    assert error_of(lambda: ssm.list_tags_for_resource(ResourceType="PatchBaseline", ResourceId="pb-1"))[0] == (
        "InvalidResourceType"
    )
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert error_of(
        lambda: ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/tagged", Tags=too_many)
    )[0] == "TooManyTagsError"
    window_id = ssm.create_maintenance_window(
        Name="win", Schedule="rate(1 day)", Duration=2, Cutoff=0, AllowUnassociatedTargets=True
    )["WindowId"]
    ssm.add_tags_to_resource(ResourceType="MaintenanceWindow", ResourceId=window_id, Tags=[{"Key": "x", "Value": "y"}])
    assert ssm.list_tags_for_resource(ResourceType="MaintenanceWindow", ResourceId=window_id)["TagList"] == [
        {"Key": "x", "Value": "y"}
    ]
    ssm.delete_parameter(Name="/tagged")
    ssm.put_parameter(Name="/tagged", Value="v", Type="String")
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/tagged")["TagList"] == []


def test_iam_decides_by_parameter_arn(store: Any, app: Any) -> None:
    from awsmock.auth import set_initial_no_auth_action_count
    from tests.auth.test_access_control import allow, policy, user_with_key
    from tests.helpers import inprocess_client_factory

    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 10_000)
    iam, admin = make("iam"), make("ssm")
    admin.put_parameter(Name="/team/a/x", Value="a", Type="String")
    admin.put_parameter(Name="/team/b/x", Value="b", Type="String")
    key = user_with_key(
        iam, "reader", policy(allow("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/team/a/*"))
    )
    set_initial_no_auth_action_count(store, 0)
    reader = make("ssm", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert reader.get_parameter(Name="/team/a/x")["Parameter"]["Value"] == "a"
    assert error_of(lambda: reader.get_parameter(Name="/team/b/x"))[0] == "AccessDeniedException"
    assert error_of(lambda: reader.put_parameter(Name="/team/a/y", Value="v", Type="String"))[0] == (
        "AccessDeniedException"
    )
