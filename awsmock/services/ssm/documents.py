"""SSM documents: CreateDocument, GetDocument, DescribeDocument, UpdateDocument,
UpdateDocumentDefaultVersion, ListDocuments, ListDocumentVersions, DeleteDocument,
ModifyDocumentPermission, DescribeDocumentPermission.

A document is a row of the shared resource store (kind ``document``, id: its name) whose JSON
holds its versions (content as sent, format, hash, version name, creation time), its default and
latest version, and the accounts it is shared with. Content is JSON or YAML, at most 64 KB; it
must be an object with a ``schemaVersion`` the document type supports, and Command and
Automation documents need their steps. The Amazon-owned documents users run most
(``AWS-RunShellScript``, ``AWS-RunPowerShellScript``) exist in every account, read only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import yaml

from awsmock.engine import pager, resources, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource
from awsmock.state import jsontext

from . import tags
from .errors import (
    DocumentAlreadyExists,
    DocumentPermissionLimit,
    DuplicateDocumentContent,
    DuplicateDocumentVersionName,
    InvalidDocument,
    InvalidDocumentContent,
    InvalidDocumentOperation,
    InvalidDocumentSchemaVersion,
    InvalidDocumentVersion,
    InvalidNextToken,
    InvalidPermissionType,
    MaxDocumentSizeExceeded,
    ValidationException,
)

DOCUMENTS = resources.Kind(
    "ssm",
    "document",
    arn=lambda ctx, rid: ctx.arn("ssm", f"document/{rid}"),
    not_found=lambda rid: InvalidDocument("The specified document does not exist."),
    exists=lambda rid: DocumentAlreadyExists("Document with same name already exists"),
    title="Documents",
)

MAX_CONTENT = 64 * 1024
MAX_SHARE_PER_CALL = 20
_SCHEMAS = {
    "Command": ("1.2", "2.0", "2.2"),
    "Automation": ("0.3",),
    "Session": ("1.0",),
    "Policy": ("2.0",),
    "Package": ("2.0",),
}
_RESERVED_PREFIXES = ("aws", "amazon", "amzn")
AMAZON = "Amazon"
_AMAZON_CREATED = dt.datetime(2017, 8, 31, tzinfo=dt.UTC)


def _amazon(name: str, action: str, platforms: list[str], description: str) -> dict[str, Any]:
    content = {
        "schemaVersion": "2.2",
        "description": description,
        "parameters": {
            "commands": {"type": "StringList", "description": "(Required) The commands to run."},
            "workingDirectory": {
                "type": "String",
                "default": "",
                "description": "(Optional) The working directory.",
            },
            "executionTimeout": {
                "type": "String",
                "default": "3600",
                "description": "(Optional) The time in seconds for a command to complete.",
            },
        },
        "mainSteps": [
            {
                "action": action,
                "name": "runScript",
                "inputs": {
                    "runCommand": "{{ commands }}",
                    "workingDirectory": "{{ workingDirectory }}",
                    "timeoutSeconds": "{{ executionTimeout }}",
                },
            }
        ],
    }
    text = json.dumps(content, indent=2)
    return {
        "Name": name,
        "Owner": AMAZON,
        "DocumentType": "Command",
        "DocumentFormat": "JSON",
        "DefaultVersion": "1",
        "LatestVersion": "1",
        "Shares": [],
        "Versions": [_version("1", text, "JSON", content, None, _AMAZON_CREATED, platforms)],
    }


def _version(
    number: str,
    text: str,
    fmt: str,
    parsed: dict[str, Any],
    version_name: str | None,
    when: dt.datetime,
    platforms: list[str],
) -> dict[str, Any]:
    return {
        "DocumentVersion": number,
        "Content": text,
        "Format": fmt,
        "Hash": hashlib.sha256(text.encode()).hexdigest(),
        "VersionName": version_name,
        "CreatedDate": when.isoformat(),
        "SchemaVersion": str(parsed.get("schemaVersion")),
        "Description": parsed.get("description") if isinstance(parsed.get("description"), str) else None,
        "Parameters": _parameters(parsed),
        "PlatformTypes": platforms,
    }


# -- content ------------------------------------------------------------------------------------


def _parameters(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    declared = parsed.get("parameters")
    out = []
    if isinstance(declared, dict):
        for name, spec in declared.items():
            spec = spec if isinstance(spec, dict) else {}
            item: dict[str, Any] = {"Name": str(name), "Type": str(spec.get("type", "String"))}
            if isinstance(spec.get("description"), str):
                item["Description"] = spec["description"]
            if "default" in spec:
                default = spec["default"]
                item["DefaultValue"] = default if isinstance(default, str) else json.dumps(default)
            out.append(item)
    return out


def _platforms(parsed: dict[str, Any], kind: str) -> list[str]:
    if kind != "Command":
        return ["Windows", "Linux", "MacOS"]
    steps = parsed.get("mainSteps") or list((parsed.get("runtimeConfig") or {}).keys())
    actions = {s.get("action") if isinstance(s, dict) else s for s in steps}
    if actions and actions <= {"aws:runShellScript"}:
        return ["Linux", "MacOS"]
    if actions and actions <= {"aws:runPowerShellScript"}:
        return ["Windows", "Linux"]
    return ["Windows", "Linux", "MacOS"]


def _no_aliases(text: str) -> bool:
    return not any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader))


def parse_content(text: str, fmt: str) -> dict[str, Any]:
    if len(text.encode()) > MAX_CONTENT:
        raise MaxDocumentSizeExceeded()
    bad = InvalidDocumentContent("The content for the document is not valid.")
    if fmt == "YAML":
        try:
            if not _no_aliases(text):
                raise bad
            parsed = yaml.safe_load(text)
            parsed = json.loads(json.dumps(parsed, default=str))
        except (ValueError, RecursionError, Exception) as exc:
            if isinstance(exc, InvalidDocumentContent):
                raise
            raise bad from None
    elif fmt == "JSON":
        try:
            parsed = jsontext.guarded_loads(text, max_depth=64)
        except (ValueError, RecursionError):
            raise InvalidDocumentContent("JSON not well-formed.") from None
    else:
        return {}
    if not isinstance(parsed, dict) or not isinstance(parsed.get("schemaVersion"), (str, int, float)):
        raise bad
    return parsed


def _check_schema(parsed: dict[str, Any], kind: str) -> None:
    schema = str(parsed.get("schemaVersion"))
    allowed = _SCHEMAS.get(kind)
    if allowed is not None and schema not in allowed:
        raise InvalidDocumentSchemaVersion(
            f"Document schema version, {schema}, is not supported for document type {kind}."
        )
    if kind == "Command":
        steps = parsed.get("runtimeConfig") if schema == "1.2" else parsed.get("mainSteps")
        if not steps:
            raise InvalidDocumentContent(
                "runtimeConfig is required." if schema == "1.2" else "mainSteps is required."
            )
    if kind == "Automation" and not parsed.get("mainSteps"):
        raise InvalidDocumentContent("mainSteps is required.")


def _check_name(name: str) -> None:
    low = name.lower()
    if any(low.startswith(prefix) for prefix in _RESERVED_PREFIXES):
        raise ValidationException(
            "Invalid document name. Document names can't begin with the reserved prefixes aws, amazon, or amzn."
        )
    if not (3 <= len(name) <= 128) or any(not (c.isascii() and (c.isalnum() or c in "_-.")) for c in name):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$"
        )


BUILT_IN = {
    "AWS-RunShellScript": _amazon(
        "AWS-RunShellScript",
        "aws:runShellScript",
        ["Linux", "MacOS"],
        "Run a shell script or specify the commands to run.",
    ),
    "AWS-RunPowerShellScript": _amazon(
        "AWS-RunPowerShellScript",
        "aws:runPowerShellScript",
        ["Windows", "Linux"],
        "Run a PowerShell script or specify the paths to scripts to run.",
    ),
}


# -- lookup -------------------------------------------------------------------------------------


def _bare_name(raw: str) -> str:
    if raw.startswith("arn:") and ":document/" in raw:
        return raw.split(":document/", 1)[1]
    return raw


def find(ctx: RequestContext, raw: str) -> dict[str, Any] | None:
    """A document by name (or ARN): its JSON, with ``Name``, ``Owner`` and ``Created``."""
    name = _bare_name(raw)
    if name in BUILT_IN:
        return BUILT_IN[name]
    row = DOCUMENTS.find(ctx, name)
    return None if row is None else _doc(row)


def _doc(row: Resource) -> dict[str, Any]:
    doc = dict(row.document)
    doc["Name"] = row.rid
    doc["Owner"] = row.account_id
    return doc


def require(ctx: RequestContext, raw: str) -> dict[str, Any]:
    found = find(ctx, raw)
    if found is None:
        raise InvalidDocument("The specified document does not exist.")
    return found


def pick_version(doc: dict[str, Any], number: str | None, version_name: str | None = None) -> dict[str, Any]:
    """The document's version by number (``$LATEST``, ``$DEFAULT``) or name; the default one by default."""
    if number in (None, "", "$DEFAULT"):
        number = None if version_name else doc["DefaultVersion"]
    elif number == "$LATEST":
        number = doc["LatestVersion"]
    for version in doc["Versions"]:
        if (number is None or version["DocumentVersion"] == number) and (
            version_name is None or version["VersionName"] == version_name
        ):
            return version
    raise InvalidDocumentVersion("The document version is not valid or does not exist.")


def _owned(ctx: RequestContext, raw: str) -> Resource:
    name = _bare_name(raw)
    if name in BUILT_IN:
        raise InvalidDocumentOperation("You can't change or delete a document that Amazon owns.")
    return DOCUMENTS.get(ctx, name)


# -- shapes -------------------------------------------------------------------------------------


def _arn(ctx: RequestContext, doc: dict[str, Any]) -> str:
    return ctx.arn("ssm", f"document/{doc['Name']}")


def description(ctx: RequestContext, doc: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Hash": version["Hash"],
        "HashType": "Sha256",
        "Name": doc["Name"],
        "Owner": doc["Owner"],
        "CreatedDate": dt.datetime.fromisoformat(version["CreatedDate"]),
        "Status": "Active",
        "DocumentVersion": version["DocumentVersion"],
        "Parameters": version["Parameters"],
        "PlatformTypes": version["PlatformTypes"],
        "DocumentType": doc["DocumentType"],
        "SchemaVersion": version["SchemaVersion"],
        "LatestVersion": doc["LatestVersion"],
        "DefaultVersion": doc["DefaultVersion"],
        "DocumentFormat": version["Format"],
        "Tags": tags.write(tagging.tags_of(ctx.session, _arn(ctx, doc))) if doc["Owner"] != AMAZON else [],
    }
    for member, value in (
        ("VersionName", version.get("VersionName")),
        ("Description", version.get("Description")),
        ("DisplayName", doc.get("DisplayName")),
        ("TargetType", doc.get("TargetType")),
        ("Requires", doc.get("Requires")),
    ):
        if value:
            out[member] = value
    return out


def _identifier(doc: dict[str, Any], tag_set: dict[str, str]) -> dict[str, Any]:
    version = pick_version(doc, None)
    out: dict[str, Any] = {
        "Name": doc["Name"],
        "CreatedDate": dt.datetime.fromisoformat(doc["Versions"][0]["CreatedDate"]),
        "Owner": doc["Owner"],
        "PlatformTypes": version["PlatformTypes"],
        "DocumentVersion": version["DocumentVersion"],
        "DocumentType": doc["DocumentType"],
        "SchemaVersion": version["SchemaVersion"],
        "DocumentFormat": version["Format"],
        "Tags": tags.write(tag_set),
    }
    for member, value in (
        ("VersionName", version.get("VersionName")),
        ("DisplayName", doc.get("DisplayName")),
        ("TargetType", doc.get("TargetType")),
    ):
        if value:
            out[member] = value
    return out


# -- handlers -----------------------------------------------------------------------------------


@handler("ssm", "CreateDocument")
def create_document(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    _check_name(name)
    kind = params.get("DocumentType") or "Command"
    fmt = params.get("DocumentFormat") or "JSON"
    parsed = parse_content(params["Content"], fmt)
    _check_schema(parsed, kind)
    if DOCUMENTS.find(ctx, name) is not None:
        raise DocumentAlreadyExists("Document with same name already exists")
    tag_set = tags.read(params.get("Tags"))
    first = _version(
        "1", params["Content"], fmt, parsed, params.get("VersionName"), ctx.now, _platforms(parsed, kind)
    )
    document: dict[str, Any] = {
        "DocumentType": kind,
        "DocumentFormat": fmt,
        "DefaultVersion": "1",
        "LatestVersion": "1",
        "Versions": [first],
        "Shares": [],
    }
    for member in ("DisplayName", "TargetType", "Requires"):
        if params.get(member):
            document[member] = params[member]
    row = DOCUMENTS.create(ctx, rid=name, name=name, document=document, state="Active")
    if tag_set:
        tagging.tag(ctx, "ssm", row.arn, tag_set, tags.RULES)
    doc = _doc(row)
    return {"DocumentDescription": description(ctx, doc, first)}


@handler("ssm", "DescribeDocument")
def describe_document(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = require(ctx, params["Name"])
    version = pick_version(doc, params.get("DocumentVersion"), params.get("VersionName"))
    return {"Document": description(ctx, doc, version)}


def _convert(text: str, source: str, target: str) -> str:
    if target == source or target == "TEXT" or source == "TEXT":
        return text
    parsed = parse_content(text, source)
    if target == "JSON":
        return json.dumps(parsed, indent=2)
    return str(yaml.safe_dump(parsed, sort_keys=False))


@handler("ssm", "GetDocument")
def get_document(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = require(ctx, params["Name"])
    version = pick_version(doc, params.get("DocumentVersion"), params.get("VersionName"))
    fmt = params.get("DocumentFormat") or version["Format"]
    out: dict[str, Any] = {
        "Name": doc["Name"],
        "CreatedDate": dt.datetime.fromisoformat(version["CreatedDate"]),
        "DocumentVersion": version["DocumentVersion"],
        "Status": "Active",
        "Content": _convert(version["Content"], version["Format"], fmt),
        "DocumentType": doc["DocumentType"],
        "DocumentFormat": fmt,
    }
    for member, value in (
        ("VersionName", version.get("VersionName")),
        ("DisplayName", doc.get("DisplayName")),
        ("Requires", doc.get("Requires")),
    ):
        if value:
            out[member] = value
    return out


@handler("ssm", "UpdateDocument")
def update_document(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _owned(ctx, params["Name"])
    doc = _doc(row)
    wanted = params.get("DocumentVersion")
    if wanted not in (None, "$LATEST", doc["LatestVersion"]):
        raise InvalidDocumentVersion(
            "The document version is not valid or does not exist. Only the latest version can be updated."
        )
    fmt = params.get("DocumentFormat") or doc["DocumentFormat"]
    parsed = parse_content(params["Content"], fmt)
    _check_schema(parsed, doc["DocumentType"])
    latest = pick_version(doc, "$LATEST")
    if latest["Content"] == params["Content"]:
        raise DuplicateDocumentContent()
    version_name = params.get("VersionName")
    if version_name and any(v.get("VersionName") == version_name for v in doc["Versions"]):
        raise DuplicateDocumentVersionName(
            "The version name has already been used in this document. Specify a different name, and then try again."
        )
    number = str(int(doc["LatestVersion"]) + 1)
    added = _version(
        number, params["Content"], fmt, parsed, version_name, ctx.now, _platforms(parsed, doc["DocumentType"])
    )
    document = dict(row.document)
    document["Versions"] = [*document["Versions"], added]
    document["LatestVersion"] = number
    for member in ("DisplayName", "TargetType"):
        if params.get(member):
            document[member] = params[member]
    DOCUMENTS.update(ctx, row, document=document)
    return {"DocumentDescription": description(ctx, _doc(row), added)}


@handler("ssm", "UpdateDocumentDefaultVersion")
def update_document_default_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _owned(ctx, params["Name"])
    version = pick_version(_doc(row), params["DocumentVersion"])
    DOCUMENTS.update(ctx, row, document={**row.document, "DefaultVersion": version["DocumentVersion"]})
    out: dict[str, Any] = {"Name": row.rid, "DefaultVersion": version["DocumentVersion"]}
    if version.get("VersionName"):
        out["DefaultVersionName"] = version["VersionName"]
    return {"Description": out}


@handler("ssm", "ListDocumentVersions")
def list_document_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = require(ctx, params["Name"])
    page = pager.page_list(
        doc["Versions"],
        key=lambda v: int(v["DocumentVersion"]),
        limit=params.get("MaxResults") or 50,
        token=params.get("NextToken"),
        scope=f"ListDocumentVersions:{doc['Name']}",
        invalid=lambda _t: InvalidNextToken(),
    )
    versions = []
    for v in page.rows:
        item: dict[str, Any] = {
            "Name": doc["Name"],
            "DocumentVersion": v["DocumentVersion"],
            "CreatedDate": dt.datetime.fromisoformat(v["CreatedDate"]),
            "IsDefaultVersion": v["DocumentVersion"] == doc["DefaultVersion"],
            "DocumentFormat": v["Format"],
            "Status": "Active",
        }
        if v.get("VersionName"):
            item["VersionName"] = v["VersionName"]
        if doc.get("DisplayName"):
            item["DisplayName"] = doc["DisplayName"]
        versions.append(item)
    out: dict[str, Any] = {"DocumentVersions": versions}
    if page.token:
        out["NextToken"] = page.token
    return out


def _matches(
    doc: dict[str, Any], key: str, values: list[str], ctx: RequestContext, tag_set: dict[str, str]
) -> bool:
    if key == "Owner":
        mine = doc["Owner"] == ctx.account_id
        return any(
            v == "All"
            or (v in ("Self", "Private") and mine)
            or (v in ("Amazon", "Public") and doc["Owner"] == AMAZON)
            for v in values
        )
    if key == "Name":
        return doc["Name"] in values
    if key == "DocumentType":
        return doc["DocumentType"] in values
    if key == "PlatformTypes":
        return bool(set(values) & set(pick_version(doc, None)["PlatformTypes"]))
    if key == "TargetType":
        return doc.get("TargetType") in values
    if key == "SearchKeyword":
        return any(v.lower() in doc["Name"].lower() for v in values)
    if key.startswith("tag:"):
        tag_key = key[4:]
        return tag_key in tag_set and (not values or tag_set[tag_key] in values)
    raise ValidationException(f"Invalid filter key: {key}")


@handler("ssm", "ListDocuments")
def list_documents(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    filters: list[tuple[str, list[str]]] = []
    for item in params.get("DocumentFilterList") or []:
        key, value = item.get("key"), item.get("value")
        if key not in ("Name", "Owner", "PlatformTypes", "DocumentType") or not isinstance(value, str):
            raise ValidationException(
                "A document filter needs a key (Name, Owner, PlatformTypes, DocumentType) and a value."
            )
        filters.append((key, [value]))
    for item in params.get("Filters") or []:
        key = item.get("Key")
        if not isinstance(key, str):
            raise ValidationException("A document filter needs a key.")
        filters.append((key, [v for v in item.get("Values") or [] if isinstance(v, str)]))
    rows = DOCUMENTS.page(ctx, limit=10_000, token=None, invalid=lambda _t: InvalidNextToken()).rows
    all_tags = tagging.tags_of_many(ctx.session, [r.arn for r in rows])
    docs = [(_doc(r), all_tags.get(r.arn, {})) for r in rows]
    docs += [(doc, {}) for doc in BUILT_IN.values()]
    chosen = [
        (doc, tag_set)
        for doc, tag_set in docs
        if all(_matches(doc, key, values, ctx, tag_set) for key, values in filters)
    ]
    chosen.sort(key=lambda pair: pair[0]["Name"])
    page = pager.page_list(
        chosen,
        key=lambda pair: pair[0]["Name"],
        limit=params.get("MaxResults") or 50,
        token=params.get("NextToken"),
        scope="ListDocuments:" + hashlib.sha256(json.dumps(filters).encode()).hexdigest()[:16],
        invalid=lambda _t: InvalidNextToken(),
    )
    out: dict[str, Any] = {"DocumentIdentifiers": [_identifier(doc, tag_set) for doc, tag_set in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("ssm", "DeleteDocument")
def delete_document(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _owned(ctx, params["Name"])
    doc = _doc(row)
    if doc["Shares"] and not params.get("Force"):
        raise InvalidDocumentOperation(
            "You attempted to delete a document while it is still shared. You must stop sharing the document "
            "before you can delete it."
        )
    number, version_name = params.get("DocumentVersion"), params.get("VersionName")
    if number or version_name:
        version = pick_version(doc, number, version_name)
        if version["DocumentVersion"] == doc["DefaultVersion"]:
            raise InvalidDocumentOperation(
                "Default version of the document can't be deleted. Change the default version and try again."
            )
        kept = [v for v in doc["Versions"] if v["DocumentVersion"] != version["DocumentVersion"]]
        latest = max(int(v["DocumentVersion"]) for v in kept)
        DOCUMENTS.update(ctx, row, document={**row.document, "Versions": kept, "LatestVersion": str(latest)})
        return {}
    DOCUMENTS.delete(ctx, row)
    return {}


@handler("ssm", "ModifyDocumentPermission")
def modify_document_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params["PermissionType"] != "Share":
        raise InvalidPermissionType()
    row = _owned(ctx, params["Name"])
    add = [a for a in params.get("AccountIdsToAdd") or [] if isinstance(a, str)]
    remove = [a for a in params.get("AccountIdsToRemove") or [] if isinstance(a, str)]
    if len(add) > MAX_SHARE_PER_CALL or len(remove) > MAX_SHARE_PER_CALL:
        raise DocumentPermissionLimit(
            "The document can't be shared with more AWS accounts. You can specify a maximum of 20 accounts per "
            "API operation to share a private document."
        )
    for account in add + remove:
        if account != "all" and account != "All" and not (len(account) == 12 and account.isdigit()):
            raise ValidationException(f"Account id {account} is not valid.")
    if ("all" in add or "All" in add) and len(add) > 1:
        raise ValidationException("Accounts can be either All or a group of AWS accounts")
    version = params.get("SharedDocumentVersion") or "$DEFAULT"
    if version not in ("$DEFAULT", "$LATEST"):
        pick_version(_doc(row), version)
    shares = {s["AccountId"]: s for s in row.document.get("Shares", [])}
    for account in add:
        key = "all" if account in ("all", "All") else account
        shares[key] = {"AccountId": key, "SharedDocumentVersion": version}
    for account in remove:
        shares.pop("all" if account in ("all", "All") else account, None)
    DOCUMENTS.update(
        ctx, row, document={**row.document, "Shares": sorted(shares.values(), key=lambda s: s["AccountId"])}
    )
    return {}


@handler("ssm", "DescribeDocumentPermission")
def describe_document_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params["PermissionType"] != "Share":
        raise InvalidPermissionType()
    row = _owned(ctx, params["Name"])
    shares = row.document.get("Shares", [])
    page = pager.page_list(
        shares,
        key=lambda s: s["AccountId"],
        limit=params.get("MaxResults") or 200,
        token=params.get("NextToken"),
        scope=f"DescribeDocumentPermission:{row.rid}",
        invalid=lambda _t: InvalidNextToken(),
    )
    out: dict[str, Any] = {
        "AccountIds": [s["AccountId"] for s in page.rows],
        "AccountSharingInfoList": page.rows,
    }
    if page.token:
        out["NextToken"] = page.token
    return out
