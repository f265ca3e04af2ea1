"""Certificates in the shared resource store, and what their stored times make of them now.

A certificate is a row of kind ``certificate`` (id: the UUID of its ARN; name: its domain name;
state: ``ISSUED``, ``REVOKED`` or ``FAILED``; document: how it was requested or imported, its PEM
certificate and chain, its private key sealed by :mod:`.authority`, its options, uses and
renewal). Nothing changes it in the background: its status is computed when read.

**Validation takes a moment.** A requested certificate (DNS, EMAIL or HTTP validation) is
``PENDING_VALIDATION`` for :data:`VALIDATION_DELAY` after the request, its domains'
``ValidationStatus`` ``PENDING_VALIDATION``; from then on it is ``ISSUED`` (every domain
``SUCCESS``). awsmock has no DNS to look the CNAME up in and sends no email: validation succeeds
by itself, as it does on AWS once the record is in place or the email approved. A frozen clock
(freezegun, time-machine) keeps it pending until the clock moves. Past its ``NotAfter`` a
certificate is ``EXPIRED``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cryptography import x509
from sqlalchemy import select

from awsmock.engine import arns, resources, specs
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import constraint_message
from awsmock.models.resources import Resource

from . import authority, pemfiles
from .errors import InvalidArnException, ResourceNotFoundException, ValidationException

#: how long a requested certificate waits in PENDING_VALIDATION
VALIDATION_DELAY = dt.timedelta(seconds=1)

CERTS = resources.Kind(
    "acm",
    "certificate",
    arn=lambda ctx, rid: ctx.arn("acm", f"certificate/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"Could not find certificate {rid}."),
    title="Certificates",
)

PENDING, ISSUED, EXPIRED, REVOKED, FAILED, INACTIVE = (
    "PENDING_VALIDATION",
    "ISSUED",
    "EXPIRED",
    "REVOKED",
    "FAILED",
    "INACTIVE",
)
AMAZON_ISSUED, IMPORTED, PRIVATE = "AMAZON_ISSUED", "IMPORTED", "PRIVATE"


def when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@dataclass
class Cert:
    """A certificate row, read at ``now``."""

    row: Resource
    now: dt.datetime
    _facts: pemfiles.CertFacts | None = field(default=None, repr=False)

    @property
    def doc(self) -> dict[str, Any]:
        return self.row.document

    @property
    def arn(self) -> str:
        return self.row.arn

    @property
    def id(self) -> str:
        return self.row.rid

    @property
    def type(self) -> str:
        return str(self.doc["Type"])

    @cached_property
    def x509(self) -> x509.Certificate | None:
        text = self.doc.get("Certificate")
        return x509.load_pem_x509_certificate(text.encode()) if text else None

    @property
    def facts(self) -> pemfiles.CertFacts | None:
        if self._facts is None and self.x509 is not None:
            self._facts = pemfiles.facts(self.x509)
        return self._facts

    @property
    def validated_at(self) -> dt.datetime | None:
        return when(self.doc.get("ValidatedAt"))

    @property
    def pending(self) -> bool:
        due = self.validated_at
        return self.type != IMPORTED and self.row.state == ISSUED and due is not None and self.now < due

    @property
    def status(self) -> str:
        stored = self.row.state or ISSUED
        if stored != ISSUED:
            return stored
        if self.pending:
            return PENDING
        facts = self.facts
        if facts is not None and self.now > facts.not_after:
            return EXPIRED
        return ISSUED

    @property
    def issued(self) -> bool:
        """Whether it has a certificate to show (issued, expired or revoked since)."""
        return self.x509 is not None and not self.pending and self.row.state != FAILED

    @property
    def in_use_by(self) -> list[str]:
        return list(self.doc.get("InUseBy") or [])

    @property
    def exportable(self) -> bool:
        return self.type == PRIVATE or (self.doc.get("Options") or {}).get("Export") == "ENABLED"

    @property
    def renewal_eligibility(self) -> str:
        if self.type == IMPORTED or self.row.state != ISSUED:
            return "INELIGIBLE"
        return "ELIGIBLE" if (self.in_use_by or self.exportable) else "INELIGIBLE"

    @property
    def private_key_owner(self) -> str:
        return f"certificate|{self.row.account_id}|{self.id}"

    def private_key(self, ctx: RequestContext) -> Any:
        return authority.unseal_key(ctx, self.private_key_owner, self.doc["PrivateKey"])

    def edit(self) -> dict[str, Any]:
        return copy.deepcopy(self.doc)


def save(ctx: RequestContext, cert: Cert, document: dict[str, Any], state: str | None = None) -> None:
    CERTS.update(ctx, cert.row, document=document, state=state)


def not_found(ctx: RequestContext, arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Could not find certificate {arn} in account {ctx.account_id}.")


def _model_pattern(shape: str) -> str:
    return str(specs.service_model("acm").shape_for(shape).metadata["pattern"])


#: the model's patterns, which ACM applies (the JSON protocol layer leaves patterns to services)
ARN_PATTERN = _model_pattern("Arn")
DOMAIN_PATTERN = _model_pattern("DomainNameString")
_ARN_RX = re.compile(ARN_PATTERN)
_DOMAIN_RX = re.compile(DOMAIN_PATTERN)


def check_pattern(value: str, member: str, pattern: str, rx: re.Pattern[str]) -> None:
    if rx.fullmatch(value) is None:
        raise ValidationException(
            constraint_message(value, member, f"Member must satisfy regular expression pattern: {pattern}")
        )


def check_domain(value: str, member: str) -> None:
    check_pattern(value, member, DOMAIN_PATTERN, _DOMAIN_RX)


def check_arn(arn: str, member: str = "certificateArn") -> None:
    """ValidationException unless ``arn`` has the model's form of an ACM ARN, InvalidArnException
    unless it is the ARN of a certificate."""
    check_pattern(arn, member, ARN_PATTERN, _ARN_RX)
    parsed = arns.parse(arn)
    if (
        parsed is None
        or parsed.service != "acm"
        or parsed.resource_type != "certificate"
        or not parsed.resource_id
        or not parsed.region
        or not parsed.account.isdigit()
    ):
        raise InvalidArnException(f"{arn} is not a valid certificate ARN.")


def get(ctx: RequestContext, arn: str, *, message: str | None = None) -> Cert:
    """The caller's certificate ``arn`` (InvalidArnException, or ResourceNotFoundException)."""
    check_arn(arn)
    row = CERTS.by_arn(ctx, arn)
    if row is None or row.account_id != ctx.account_id or row.region != ctx.region:
        raise ResourceNotFoundException(message) if message else not_found(ctx, arn)
    return Cert(row, ctx.now)


def all_certs(ctx: RequestContext) -> list[Cert]:
    """Every certificate of the caller's account and region."""
    rows = ctx.session.scalars(
        select(Resource)
        .where(
            Resource.service == "acm",
            Resource.kind == "certificate",
            Resource.account_id == ctx.account_id,
            Resource.region == ctx.region,
        )
        .order_by(Resource.created, Resource.rid)
    )
    return [Cert(row, ctx.now) for row in rows]
