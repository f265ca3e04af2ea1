"""Identity providers: SAML and OpenID Connect."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamOidcProvider, IamSamlProvider

from . import tags
from .common import iam_arn, owned, register_tagging
from .errors import (
    EntityAlreadyExists,
    IamValidationError,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
    validation,
)

_VALID_UNTIL = re.compile(r'validUntil="([^"]+)"')
MAX_THUMBPRINTS = 5


def _valid_until(metadata: str, now: dt.datetime) -> dt.datetime:
    m = _VALID_UNTIL.search(metadata or "")
    if m:
        try:
            parsed = dt.datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    return now.replace(year=now.year + 100)


# -- SAML -------------------------------------------------------------------------------------


def _saml(ctx: RequestContext, arn: str) -> IamSamlProvider:
    missing = NoSuchEntity(f"SAMLProvider {arn} does not exist.")
    return owned(ctx.session, IamSamlProvider, arn, missing, account_id=ctx.account_id)


def _check_metadata(doc: str) -> str:
    if not doc or not doc.strip():
        raise InvalidInput("Could not parse metadata")
    return doc


@handler("iam", "CreateSAMLProvider")
def create_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    arn = iam_arn(ctx, f"saml-provider/{name}")
    if ctx.session.get(IamSamlProvider, arn) is not None:
        raise EntityAlreadyExists(f"SAMLProvider named {name} already exists")
    doc = _check_metadata(params["SAMLMetadataDocument"])
    new_tags = tags.checked(params.get("Tags"))
    row = IamSamlProvider(
        arn=arn,
        account_id=ctx.account_id,
        name=name,
        metadata_document=doc,
        create_date=ctx.now,
        valid_until=_valid_until(doc, ctx.now),
    )
    ctx.session.add(row)
    tags.created(ctx, arn, new_tags, params.get("Tags"))
    return tags.tagged(ctx.session, {"SAMLProviderArn": arn}, arn)


@handler("iam", "GetSAMLProvider")
def get_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _saml(ctx, params["SAMLProviderArn"])
    out: dict[str, Any] = {
        "SAMLMetadataDocument": row.metadata_document,
        "CreateDate": row.create_date,
        "ValidUntil": row.valid_until,
    }
    return tags.tagged(ctx.session, out, row.arn)


@handler("iam", "ListSAMLProviders")
def list_saml_providers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = ctx.session.scalars(
        select(IamSamlProvider)
        .where(IamSamlProvider.account_id == ctx.account_id)
        .order_by(IamSamlProvider.arn)
    )
    return {
        "SAMLProviderList": [
            {"Arn": r.arn, "ValidUntil": r.valid_until, "CreateDate": r.create_date} for r in rows
        ]
    }


@handler("iam", "UpdateSAMLProvider")
def update_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _saml(ctx, params["SAMLProviderArn"])
    if params.get("SAMLMetadataDocument"):
        row.metadata_document = _check_metadata(params["SAMLMetadataDocument"])
        row.valid_until = _valid_until(row.metadata_document, ctx.now)
    return {"SAMLProviderArn": row.arn}


@handler("iam", "DeleteSAMLProvider")
def delete_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _saml(ctx, params["SAMLProviderArn"])
    ctx.session.delete(row)
    tags.drop(ctx, row.arn)
    return {}


register_tagging("SAMLProvider", lambda ctx, params: _saml(ctx, params["SAMLProviderArn"]))


# -- OpenID Connect ---------------------------------------------------------------------------


def _oidc(ctx: RequestContext, arn: str) -> IamOidcProvider:
    missing = NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}")
    return owned(ctx.session, IamOidcProvider, arn, missing, account_id=ctx.account_id)


def _thumbprints(values: list[str] | None) -> list[str]:
    values = list(values or [])
    if len(values) > MAX_THUMBPRINTS:
        raise LimitExceeded("Thumbprint list must contain fewer than 5 entries.")
    for v in values:
        if len(v) != 40:
            raise validation(v, "thumbprintList", "Member must have length greater than or equal to 40")
    return values


@handler("iam", "CreateOpenIDConnectProvider")
def create_oidc_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    url = params["Url"]
    if not url.startswith("https://") or len(url) <= len("https://"):
        raise IamValidationError("Invalid Open ID Connect Provider URL")
    host = url[len("https://") :].rstrip("/")
    arn = iam_arn(ctx, f"oidc-provider/{host}")
    if ctx.session.get(IamOidcProvider, arn) is not None:
        raise EntityAlreadyExists(f"Provider with url {url} already exists.")
    thumbprints = _thumbprints(params.get("ThumbprintList"))
    new_tags = tags.checked(params.get("Tags"))
    row = IamOidcProvider(
        arn=arn,
        account_id=ctx.account_id,
        url=host,
        client_ids=list(dict.fromkeys(params.get("ClientIDList") or [])),
        thumbprints=thumbprints,
        create_date=ctx.now,
    )
    ctx.session.add(row)
    tags.created(ctx, arn, new_tags, params.get("Tags"))
    return tags.tagged(ctx.session, {"OpenIDConnectProviderArn": arn}, arn)


@handler("iam", "GetOpenIDConnectProvider")
def get_oidc_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _oidc(ctx, params["OpenIDConnectProviderArn"])
    out: dict[str, Any] = {
        "Url": row.url,
        "ClientIDList": list(row.client_ids),
        "ThumbprintList": list(row.thumbprints),
        "CreateDate": row.create_date,
    }
    return tags.tagged(ctx.session, out, row.arn)


@handler("iam", "ListOpenIDConnectProviders")
def list_oidc_providers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = ctx.session.scalars(
        select(IamOidcProvider)
        .where(IamOidcProvider.account_id == ctx.account_id)
        .order_by(IamOidcProvider.arn)
    )
    return {"OpenIDConnectProviderList": [{"Arn": r.arn} for r in rows]}


@handler("iam", "DeleteOpenIDConnectProvider")
def delete_oidc_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.session.get(IamOidcProvider, params["OpenIDConnectProviderArn"])
    if row is not None and row.account_id == ctx.account_id:
        ctx.session.delete(row)
        tags.drop(ctx, row.arn)
    return {}


@handler("iam", "AddClientIDToOpenIDConnectProvider")
def add_client_id(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _oidc(ctx, params["OpenIDConnectProviderArn"])
    if params["ClientID"] not in row.client_ids:
        row.client_ids = [*row.client_ids, params["ClientID"]]
    return {}


@handler("iam", "RemoveClientIDFromOpenIDConnectProvider")
def remove_client_id(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _oidc(ctx, params["OpenIDConnectProviderArn"])
    row.client_ids = [c for c in row.client_ids if c != params["ClientID"]]
    return {}


@handler("iam", "UpdateOpenIDConnectProviderThumbprint")
def update_thumbprint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _oidc(ctx, params["OpenIDConnectProviderArn"])
    row.thumbprints = _thumbprints(params.get("ThumbprintList"))
    return {}


register_tagging("OpenIDConnectProvider", lambda ctx, params: _oidc(ctx, params["OpenIDConnectProviderArn"]))
