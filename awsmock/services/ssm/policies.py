"""Parameter policies (Advanced parameters only): ``Expiration`` (the parameter is deleted at a
time), ``ExpirationNotification`` and ``NoChangeNotification`` (EventBridge events, kept as
records: awsmock has no event bus to send them to).

The policies are a JSON list of ``{"Type", "Version": "1.0", "Attributes"}``; at most 10, one of
each type. The expiration time is kept on the parameter and applied when the parameter is read:
an expired parameter is gone, without any background writer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil import parser as dateparser

from awsmock.state import jsontext

from .errors import (
    IncompatiblePolicyException,
    InvalidPolicyAttributeException,
    InvalidPolicyTypeException,
    PoliciesLimitExceededException,
    ValidationException,
)

TYPES = ("Expiration", "ExpirationNotification", "NoChangeNotification")
MAX_POLICIES = 10
_UNITS = ("Days", "Hours")
_dumps = jsontext.encoder(separators=(",", ":"))


def _attribute_error(kind: str, detail: str) -> InvalidPolicyAttributeException:
    return InvalidPolicyAttributeException(f"A policy attribute or its value is invalid: {kind} {detail}")


def _when(text: Any) -> dt.datetime:
    if not isinstance(text, str) or not text or len(text) > 64:
        raise _attribute_error("Expiration", "Timestamp must be an ISO 8601 time")
    try:
        moment = dateparser.isoparse(text)
    except (ValueError, OverflowError):
        raise _attribute_error("Expiration", f"Timestamp {text} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _count(kind: str, attributes: dict[str, Any], member: str) -> None:
    value = attributes.get(member)
    if not isinstance(value, str) or not value.isdigit() or int(value) < 1:
        raise _attribute_error(kind, f"{member} must be a positive number")
    if attributes.get("Unit") not in _UNITS:
        raise _attribute_error(kind, "Unit must be Days or Hours")


def parse(text: str, now: dt.datetime) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """(the policies, when the parameter expires) of a Policies member, or SSM's refusal."""
    try:
        found = jsontext.guarded_loads(text, max_depth=8, max_size=4096)
    except ValueError:
        raise ValidationException("Invalid policies input: the policies must be a JSON array.") from None
    if isinstance(found, dict):
        found = [found]
    if not isinstance(found, list) or not found:
        raise ValidationException("Invalid policies input: the policies must be a JSON array.")
    if len(found) > MAX_POLICIES:
        raise PoliciesLimitExceededException()
    seen: set[str] = set()
    expires: dt.datetime | None = None
    for policy in found:
        if not isinstance(policy, dict):
            raise InvalidPolicyTypeException(
                "The policy type isn't supported. Parameter Store supports the following policy types: "
                "Expiration, ExpirationNotification, and NoChangeNotification."
            )
        kind = policy.get("Type")
        if kind not in TYPES:
            raise InvalidPolicyTypeException(
                f"The policy type {kind} isn't supported. Parameter Store supports the following policy "
                "types: Expiration, ExpirationNotification, and NoChangeNotification."
            )
        if kind in seen:
            raise IncompatiblePolicyException()
        seen.add(kind)
        if policy.get("Version", "1.0") != "1.0":
            raise _attribute_error(kind, "Version must be 1.0")
        attributes = policy.get("Attributes")
        if not isinstance(attributes, dict):
            raise _attribute_error(kind, "Attributes are required")
        if kind == "Expiration":
            expires = _when(attributes.get("Timestamp"))
            if expires <= now:
                raise _attribute_error(kind, "Timestamp must be in the future")
        elif kind == "ExpirationNotification":
            _count(kind, attributes, "Before")
        else:
            _count(kind, attributes, "After")
    if "ExpirationNotification" in seen and "Expiration" not in seen:
        raise IncompatiblePolicyException()
    return found, expires


def described(
    policies: list[dict[str, Any]] | None, expires: dt.datetime | None, now: dt.datetime
) -> list[dict[str, Any]]:
    """The policies as DescribeParameters and GetParameterHistory show them."""
    out = []
    for policy in policies or []:
        kind = policy.get("Type", "")
        status = "Pending"
        if kind == "Expiration" and expires is not None and expires <= now:
            status = "Finished"
        out.append(
            {
                "PolicyText": _dumps(policy),
                "PolicyType": kind,
                "PolicyStatus": status,
            }
        )
    return out
