"""MFA devices: virtual devices (CreateVirtualMFADevice) and any device enabled for a user."""

from __future__ import annotations

import base64
import secrets
import struct
import zlib
from typing import Any

from sqlalchemy import select

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamMfaDevice, IamUser

from . import tags
from .common import (
    caller_user,
    check_path,
    get_user,
    iam_arn,
    owned,
    page_query,
    register_tagging,
    user_out,
)
from .errors import DeleteConflict, EntityAlreadyExists, InvalidAuthenticationCode, NoSuchEntity


def _png() -> bytes:
    """A tiny valid PNG standing in for the QR code image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _device(ctx: RequestContext, serial: str) -> IamMfaDevice:
    missing = NoSuchEntity(f"VirtualMFADevice with serial number {serial} doesn't exist.")
    return owned(ctx.session, IamMfaDevice, serial, missing, account_id=ctx.account_id)


def _no_device(params: dict[str, Any]) -> NoSuchEntity:
    return NoSuchEntity(f"MFA Device with serial number {params['SerialNumber']} does not exist.")


def _check_code(code: str) -> None:
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        raise InvalidAuthenticationCode("Authentication code for device is not valid.")


@handler("iam", "CreateVirtualMFADevice")
def create_virtual_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    path = check_path(params.get("Path"))
    serial = iam_arn(ctx, f"mfa{path}{params['VirtualMFADeviceName']}")
    if ctx.session.get(IamMfaDevice, serial) is not None:
        raise EntityAlreadyExists("MFADevice entity at the same path and name already exists.")
    seed = base64.b32encode(secrets.token_bytes(40)).decode("ascii")
    new_tags = tags.checked(params.get("Tags"))
    row = IamMfaDevice(serial_number=serial, account_id=ctx.account_id, virtual=True, path=path, seed=seed)
    ctx.session.add(row)
    tags.created(ctx, serial, new_tags, params.get("Tags"))
    out = {"SerialNumber": serial, "Base32StringSeed": seed.encode("ascii"), "QRCodePNG": _png()}
    return {"VirtualMFADevice": tags.tagged(ctx.session, out, serial)}


@handler("iam", "EnableMFADevice")
def enable_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    _check_code(params["AuthenticationCode1"])
    _check_code(params["AuthenticationCode2"])
    serial = params["SerialNumber"]
    row = ctx.session.get(IamMfaDevice, serial)
    if row is None:
        if arns.parse(serial) is not None:  # a virtual device's serial number is its ARN
            raise NoSuchEntity(f"VirtualMFADevice with serial number {serial} doesn't exist.")
        row = IamMfaDevice(serial_number=serial, account_id=ctx.account_id, virtual=False, path="/")
        ctx.session.add(row)
    elif row.user_pk is not None:
        raise EntityAlreadyExists("MFA device is already in use.")
    row.user_pk = user.pk
    row.enable_date = ctx.now
    return {}


@handler("iam", "DeactivateMFADevice")
def deactivate_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"]) if params.get("UserName") else None
    row = ctx.session.get(IamMfaDevice, params["SerialNumber"])
    if row is None or row.user_pk is None or (user is not None and row.user_pk != user.pk):
        raise _no_device(params)
    if row.virtual:
        row.user_pk = None
        row.enable_date = None
    else:
        ctx.session.delete(row)
        tags.drop(ctx, row.serial_number)
    return {}


@handler("iam", "ResyncMFADevice")
def resync_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    _check_code(params["AuthenticationCode1"])
    _check_code(params["AuthenticationCode2"])
    owned(ctx.session, IamMfaDevice, params["SerialNumber"], _no_device(params), user_pk=user.pk)
    return {}


@handler("iam", "DeleteVirtualMFADevice")
def delete_virtual_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _device(ctx, params["SerialNumber"])
    if row.user_pk is not None:
        raise DeleteConflict("MFA device is still in use")
    ctx.session.delete(row)
    tags.drop(ctx, row.serial_number)
    return {}


@handler("iam", "ListMFADevices")
def list_mfa_devices(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    q = select(IamMfaDevice).where(IamMfaDevice.user_pk == user.pk)
    keys = (IamMfaDevice.enable_date, IamMfaDevice.serial_number)
    page, meta = page_query(ctx, q, params, keys=keys, owner=user)
    return {
        "MFADevices": [
            {"UserName": user.name, "SerialNumber": r.serial_number, "EnableDate": r.enable_date}
            for r in page
        ],
        **meta,
    }


@handler("iam", "GetMFADevice")
def get_mfa_device(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = owned(
        ctx.session, IamMfaDevice, params["SerialNumber"], _no_device(params), account_id=ctx.account_id
    )
    out: dict[str, Any] = {"SerialNumber": row.serial_number}
    user = ctx.session.get(IamUser, row.user_pk) if row.user_pk is not None else None
    if user is not None:
        out["UserName"] = user.name
    if row.enable_date is not None:
        out["EnableDate"] = row.enable_date
    return out


@handler("iam", "ListVirtualMFADevices")
def list_virtual_mfa_devices(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    q = select(IamMfaDevice).where(IamMfaDevice.account_id == ctx.account_id, IamMfaDevice.virtual.is_(True))
    status = params.get("AssignmentStatus") or "Any"
    if status == "Assigned":
        q = q.where(IamMfaDevice.user_pk.is_not(None))
    elif status == "Unassigned":
        q = q.where(IamMfaDevice.user_pk.is_(None))
    page, meta = page_query(ctx, q, params, keys=(IamMfaDevice.serial_number,))
    tagged = tags.listed_many(ctx.session, [r.serial_number for r in page])
    devices = []
    for r in page:
        d: dict[str, Any] = {"SerialNumber": r.serial_number}
        user = ctx.session.get(IamUser, r.user_pk) if r.user_pk is not None else None
        if user is not None:
            d["User"] = user_out(user)
            d["EnableDate"] = r.enable_date
        devices.append(tags.with_tags(d, tagged.get(r.serial_number, [])))
    return {"VirtualMFADevices": devices, **meta}


register_tagging(
    "MFADevice", lambda ctx, params: _device(ctx, params["SerialNumber"]), arn=lambda row: row.serial_number
)
