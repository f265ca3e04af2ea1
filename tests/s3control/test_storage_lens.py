"""Storage Lens configurations and their tags."""

from __future__ import annotations

from typing import Any

from .conftest import ACCOUNT, error_of


def config(config_id: str, enabled: bool = True) -> dict[str, Any]:
    return {"Id": config_id, "AccountLevel": {"BucketLevel": {}}, "IsEnabled": enabled}


def test_put_get_list_delete(control: Any) -> None:
    control.put_storage_lens_configuration(
        AccountId=ACCOUNT, ConfigId="lens-a", StorageLensConfiguration=config("lens-a")
    )
    control.put_storage_lens_configuration(
        AccountId=ACCOUNT, ConfigId="lens-b", StorageLensConfiguration=config("lens-b", enabled=False)
    )
    got = control.get_storage_lens_configuration(AccountId=ACCOUNT, ConfigId="lens-a")[
        "StorageLensConfiguration"
    ]
    arn = f"arn:aws:s3:us-east-1:{ACCOUNT}:storage-lens/lens-a"
    assert got == {**config("lens-a"), "StorageLensArn": arn}
    listed = control.list_storage_lens_configurations(AccountId=ACCOUNT)["StorageLensConfigurationList"]
    assert listed == [
        {"Id": "lens-a", "StorageLensArn": arn, "HomeRegion": "us-east-1", "IsEnabled": True},
        {
            "Id": "lens-b",
            "StorageLensArn": arn.replace("lens-a", "lens-b"),
            "HomeRegion": "us-east-1",
            "IsEnabled": False,
        },
    ]
    # a put replaces the configuration
    control.put_storage_lens_configuration(
        AccountId=ACCOUNT, ConfigId="lens-a", StorageLensConfiguration=config("lens-a", enabled=False)
    )
    got = control.get_storage_lens_configuration(AccountId=ACCOUNT, ConfigId="lens-a")[
        "StorageLensConfiguration"
    ]
    assert got["IsEnabled"] is False
    control.delete_storage_lens_configuration(AccountId=ACCOUNT, ConfigId="lens-a")
    code, message, status, _ = error_of(
        lambda: control.get_storage_lens_configuration(AccountId=ACCOUNT, ConfigId="lens-a")
    )
    assert (code, message, status) == (
        "NoSuchConfiguration",
        "The specified configuration does not exist.",
        404,
    )
    assert error_of(lambda: control.delete_storage_lens_configuration(AccountId=ACCOUNT, ConfigId="lens-a"))[
        0
    ] == ("NoSuchConfiguration")
    assert [
        c["Id"]
        for c in control.list_storage_lens_configurations(AccountId=ACCOUNT)["StorageLensConfigurationList"]
    ] == ["lens-b"]


def test_tagging(control: Any) -> None:
    control.put_storage_lens_configuration(
        AccountId=ACCOUNT,
        ConfigId="tagged",
        StorageLensConfiguration=config("tagged"),
        Tags=[{"Key": "team", "Value": "data"}],
    )
    tags = control.get_storage_lens_configuration_tagging(AccountId=ACCOUNT, ConfigId="tagged")["Tags"]
    assert tags == [{"Key": "team", "Value": "data"}]
    control.put_storage_lens_configuration_tagging(
        AccountId=ACCOUNT, ConfigId="tagged", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    tags = control.get_storage_lens_configuration_tagging(AccountId=ACCOUNT, ConfigId="tagged")["Tags"]
    assert tags == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]  # the set is replaced
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    refused = error_of(
        lambda: control.put_storage_lens_configuration_tagging(
            AccountId=ACCOUNT, ConfigId="tagged", Tags=too_many
        )
    )
    assert refused[:3] == (
        "TooManyTags",
        "The number of tags exceeds the limit of 50 tags. Remove some tags and try again.",
        400,
    )
    assert (
        len(control.get_storage_lens_configuration_tagging(AccountId=ACCOUNT, ConfigId="tagged")["Tags"]) == 2
    )
    control.delete_storage_lens_configuration_tagging(AccountId=ACCOUNT, ConfigId="tagged")
    assert control.get_storage_lens_configuration_tagging(AccountId=ACCOUNT, ConfigId="tagged")["Tags"] == []
    assert (
        error_of(
            lambda: control.get_storage_lens_configuration_tagging(AccountId=ACCOUNT, ConfigId="missing")
        )[0]
        == "NoSuchConfiguration"
    )
