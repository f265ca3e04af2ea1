"""SMS as records: the account's SMS attributes, opted-out numbers (CheckIfPhoneNumberIsOptedOut,
ListPhoneNumbersOptedOut, OptInPhoneNumber) and the SMS sandbox (numbers added, verified with
the one-time password SNS "sent", which is recorded as a delivery to that number)."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import deliveries
from .errors import ResourceNotFoundException, VerificationException, invalid
from .store import SANDBOX_NUMBERS, SETTINGS

_PHONE = re.compile(r"^\+[1-9]\d{1,14}$")
SMS_ATTRIBUTES = (
    "MonthlySpendLimit",
    "DeliveryStatusIAMRole",
    "DeliveryStatusSuccessSamplingRate",
    "DefaultSenderID",
    "DefaultSMSType",
    "UsageReportS3Bucket",
)
LANGUAGES = (
    "en-US",
    "en-GB",
    "es-419",
    "es-ES",
    "de-DE",
    "fr-CA",
    "fr-FR",
    "it-IT",
    "ja-JP",
    "pt-BR",
    "kr-KR",
    "zh-CN",
    "zh-TW",
)


def _settings(ctx: RequestContext) -> Resource | None:
    return SETTINGS.find(ctx, "sms")


def opted_out(ctx: RequestContext, phone: str) -> bool:
    row = _settings(ctx)
    return row is not None and phone in (row.document.get("OptedOut") or [])


def _phone(value: Any, member: str = "PhoneNumber") -> str:
    if not isinstance(value, str) or not _PHONE.match(value):
        raise invalid(f"{member} Reason: input incorrectly formatted")
    return value


@handler("sns", "SetSMSAttributes")
def set_sms_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params.get("attributes")
    if not isinstance(given, dict):
        raise invalid("attributes")
    for name, value in given.items():
        if name not in SMS_ATTRIBUTES:
            raise invalid(f"{name}")
        value = str(value)
        if name == "DefaultSMSType" and value not in ("Promotional", "Transactional"):
            raise invalid("DefaultSMSType Reason: Value must be Promotional or Transactional")
        if name == "DeliveryStatusSuccessSamplingRate" and (not value.isdigit() or int(value) > 100):
            raise invalid("DeliveryStatusSuccessSamplingRate")
        if name == "MonthlySpendLimit" and not value.isdigit():
            raise invalid("MonthlySpendLimit")
    row = _settings(ctx)
    if row is None:
        row = SETTINGS.create(ctx, rid="sms", document={"Attributes": {}, "OptedOut": []})
    attrs = {**(row.document.get("Attributes") or {}), **{str(k): str(v) for k, v in given.items()}}
    SETTINGS.update(ctx, row, document={**row.document, "Attributes": attrs})
    return {}


@handler("sns", "GetSMSAttributes")
def get_sms_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _settings(ctx)
    attrs = dict((row.document.get("Attributes") or {}) if row else {})
    wanted = params.get("attributes")
    if wanted:
        attrs = {k: v for k, v in attrs.items() if k in wanted}
    return {"attributes": attrs}


@handler("sns", "CheckIfPhoneNumberIsOptedOut")
def check_if_phone_number_is_opted_out(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    phone = _phone(params.get("phoneNumber"), "PhoneNumber")
    return {"isOptedOut": opted_out(ctx, phone)}


@handler("sns", "ListPhoneNumbersOptedOut")
def list_phone_numbers_opted_out(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _settings(ctx)
    numbers = sorted(row.document.get("OptedOut") or []) if row else []
    page = pager.page_list(
        numbers,
        key=lambda n: n,
        limit=100,
        token=params.get("nextToken"),
        scope="ListPhoneNumbersOptedOut",
        invalid=lambda _t: invalid("nextToken"),
    )
    out: dict[str, Any] = {"phoneNumbers": page.rows}
    if page.token:
        out["nextToken"] = page.token
    return out


@handler("sns", "OptInPhoneNumber")
def opt_in_phone_number(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    phone = _phone(params.get("phoneNumber"), "PhoneNumber")
    row = _settings(ctx)
    if row is not None and phone in (row.document.get("OptedOut") or []):
        kept = [n for n in row.document["OptedOut"] if n != phone]
        SETTINGS.update(ctx, row, document={**row.document, "OptedOut": kept})
    return {}


# -- the sandbox -----------------------------------------------------------------------------


@handler("sns", "GetSMSSandboxAccountStatus")
def get_sms_sandbox_account_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"IsInSandbox": True}  # every new account's SMS starts in the sandbox


@handler("sns", "CreateSMSSandboxPhoneNumber")
def create_sms_sandbox_phone_number(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    phone = _phone(params.get("PhoneNumber"))
    language = params.get("LanguageCode") or "en-US"
    if language not in LANGUAGES:
        raise invalid("LanguageCode")
    code = f"{secrets.randbelow(10**6):06d}"
    row = SANDBOX_NUMBERS.find(ctx, phone)
    if row is None:
        SANDBOX_NUMBERS.create(ctx, rid=phone, name=phone, state="Pending", document={"Password": code})
    elif row.state == "Pending":
        SANDBOX_NUMBERS.update(ctx, row, document={"Password": code})
    else:
        return {}
    deliveries.record(
        ctx,
        "sms",
        phone,
        f"Your Amazon SNS verification code is: {code}",
        message_id=str(uuid.uuid4()),
        subject=None,
        source="",
    )
    return {}


@handler("sns", "VerifySMSSandboxPhoneNumber")
def verify_sms_sandbox_phone_number(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    phone = _phone(params.get("PhoneNumber"))
    row = SANDBOX_NUMBERS.find(ctx, phone)
    if row is None:
        raise ResourceNotFoundException("Phone number does not exist.")
    if row.state != "Verified":
        if params.get("OneTimePassword") != row.document.get("Password"):
            raise VerificationException("Invalid one-time password.", Status="FAILED")
        SANDBOX_NUMBERS.update(ctx, row, state="Verified", document={})
    return {}


@handler("sns", "DeleteSMSSandboxPhoneNumber")
def delete_sms_sandbox_phone_number(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    phone = _phone(params.get("PhoneNumber"))
    row = SANDBOX_NUMBERS.find(ctx, phone)
    if row is None:
        raise ResourceNotFoundException("Phone number does not exist.")
    SANDBOX_NUMBERS.delete(ctx, row)
    return {}


@handler("sns", "ListSMSSandboxPhoneNumbers")
def list_sms_sandbox_phone_numbers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxResults") or 100
    page = SANDBOX_NUMBERS.page(
        ctx, limit=limit, token=params.get("NextToken"), invalid=lambda _t: invalid("NextToken")
    )
    out: dict[str, Any] = {
        "PhoneNumbers": [{"PhoneNumber": r.rid, "Status": r.state or "Pending"} for r in page.rows]
    }
    if page.token:
        out["NextToken"] = page.token
    return out
