"""Mobile push and SMS as records: platform applications and endpoints, SMS attributes and
opt-outs, the SMS sandbox; publishing to an endpoint or a phone number."""

from __future__ import annotations

from typing import Any

from tests.sns.conftest import error_of


def test_platform_applications_and_endpoints(sns: Any) -> None:
    app = sns.create_platform_application(
        Name="app", Platform="GCM", Attributes={"PlatformCredential": "secret-key"}
    )["PlatformApplicationArn"]
    assert app == "arn:aws:sns:us-east-1:123456789012:app/GCM/app"
    attrs = sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]
    assert attrs == {"Enabled": "true"}  # the credential is never shown
    assert error_of(
        lambda: sns.create_platform_application(
            Name="x", Platform="PIGEON", Attributes={"PlatformCredential": "k"}
        )
    ) == (
        "InvalidParameter",
        "Invalid parameter: Platform",
    )
    endpoint = sns.create_platform_endpoint(
        PlatformApplicationArn=app, Token="device-1", CustomUserData="u1"
    )["EndpointArn"]
    assert endpoint.startswith("arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/")
    assert (
        sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="u1")[
            "EndpointArn"
        ]
        == endpoint
    )
    code, message = error_of(
        lambda: sns.create_platform_endpoint(
            PlatformApplicationArn=app, Token="device-1", CustomUserData="other"
        )
    )
    assert (
        code == "InvalidParameter"
        and "already exists with the same Token, but different attributes" in message
    )
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"] == {
        "CustomUserData": "u1",
        "Token": "device-1",
        "Enabled": "true",
    }
    assert sns.publish(TargetArn=endpoint, Message="push!")["MessageId"]
    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
    assert error_of(lambda: sns.publish(TargetArn=endpoint, Message="push!")) == (
        "EndpointDisabled",
        "Endpoint is disabled",
    )
    listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
    assert [e["EndpointArn"] for e in listed] == [endpoint]
    assert [
        a["PlatformApplicationArn"] for a in sns.list_platform_applications()["PlatformApplications"]
    ] == [app]
    sns.delete_platform_application(PlatformApplicationArn=app)
    assert error_of(lambda: sns.get_endpoint_attributes(EndpointArn=endpoint)) == (
        "NotFound",
        "Endpoint does not exist",
    )
    assert sns.list_platform_applications()["PlatformApplications"] == []


def test_sms_attributes_and_opt_outs(sns: Any) -> None:
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "MonthlySpendLimit": "5"})
    assert sns.get_sms_attributes()["attributes"] == {
        "DefaultSMSType": "Transactional",
        "MonthlySpendLimit": "5",
    }
    assert sns.get_sms_attributes(attributes=["MonthlySpendLimit"])["attributes"] == {
        "MonthlySpendLimit": "5"
    }
    assert (
        error_of(lambda: sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"}))[0]
        == "InvalidParameter"
    )
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False
    assert (
        error_of(lambda: sns.check_if_phone_number_is_opted_out(phoneNumber="555"))[0] == "InvalidParameter"
    )
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == []
    sms_type = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
    assert sns.publish(PhoneNumber="+15555550100", Message="code 1234", MessageAttributes=sms_type)[
        "MessageId"
    ]
    assert error_of(lambda: sns.publish(PhoneNumber="call me", Message="x"))[0] == "InvalidParameter"


def test_sms_sandbox(sns: Any, store: Any) -> None:
    from sqlalchemy import select

    from awsmock.models.resources import Resource

    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is True
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550123", LanguageCode="en-US")
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == [
        {"PhoneNumber": "+15555550123", "Status": "Pending"}
    ]
    assert (
        error_of(
            lambda: sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550123", OneTimePassword="000000x")
        )[0]
        == "VerificationException"
    )
    with store.session(write=False) as session:  # the code "sent" by SMS is a recorded delivery
        texts = session.scalars(
            select(Resource.document).where(Resource.kind == "delivery", Resource.name == "+15555550123")
        ).all()
    code = texts[-1]["Message"].rsplit(" ", 1)[1]
    sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550123", OneTimePassword=code)
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"][0]["Status"] == "Verified"
    sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550123")
    assert error_of(lambda: sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550123"))[0] == (
        "ResourceNotFound"
    )
