"""``python -m awsmock.devtools new-service NAME``: the room of a new service.

It writes, and touches nothing else:

* ``awsmock/services/<room>/__init__.py``: what the service is, and its declared facts;
* ``awsmock/services/<room>/<kinds>.py``: one kind of resource kept in the shared resource
  store (with its dashboard listing), the service's not-found error from its model, and one
  working operation: the model's first list operation that needs no input, paged as the model
  says;
* ``tests/<room>/test_<kinds>.py``: that operation's test through a real boto3 client;
* the README's service table, regenerated.

The service must be one of botocore's (the README's table lists the ones awsmock plans; another
one also needs its row in ``awsmock/engine/catalog.py``). From there, operations are added one at
a time, each as AWS documents it (validation, errors, pagination, limits, effects).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path

from awsmock.devtools.readme import README, write_readme_table
from awsmock.engine import catalog, specs

ROOT = Path(__file__).resolve().parent.parent.parent
TOKENS_IN = ("NextToken", "nextToken", "Marker", "marker", "StartingToken", "position", "PaginationToken")
TOKENS_OUT = ("NextToken", "nextToken", "NextMarker", "Marker", "marker", "position", "PaginationToken")
LIMITS = ("MaxResults", "maxResults", "MaxItems", "Limit", "limit", "PageSize", "MaxRecords")


class ScaffoldError(Exception):
    pass


@dataclass(frozen=True)
class Listing:
    """The operation a new room starts with, as its model describes it."""

    operation: str
    kinds: str  # "certificates"
    kind: str  # "certificate"
    items: str  # the output's list member
    item_is_structure: bool
    token_in: str | None
    token_out: str | None
    limit: str | None
    default_limit: int


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def find_listing(service: str, operation: str | None = None) -> Listing:
    model = specs.service_model(service)
    names = [operation] if operation else sorted(model.operation_names)
    for name in names:
        if name not in model.operation_names:
            raise ScaffoldError(f"{service} has no operation {name}")
        if not operation and not name.startswith(("List", "Describe", "Get")):
            continue
        op = model.operation_model(name)
        required = set(op.input_shape.required_members) if op.input_shape is not None else set()
        if required - set(LIMITS):
            continue
        out = op.output_shape
        lists = [m for m, s in (out.members.items() if out is not None else []) if s.type_name == "list"]
        if not lists:
            continue
        inputs = op.input_shape.members if op.input_shape is not None else {}
        noun = re.sub(r"^(List|Describe|Get)", "", name) or lists[0]
        kinds = _snake(noun)
        limit = next((m for m in LIMITS if m in inputs), None)
        maximum = inputs[limit].metadata.get("max") if limit else None
        return Listing(
            operation=name,
            kinds=kinds,
            kind=_singular(kinds),
            items=lists[0],
            item_is_structure=out.members[lists[0]].member.type_name == "structure",
            token_in=next((m for m in TOKENS_IN if m in inputs), None),
            token_out=next((m for m in TOKENS_OUT if out is not None and m in out.members), None),
            limit=limit,
            default_limit=int(maximum) if maximum and int(maximum) <= 1000 else 100,
        )
    raise ScaffoldError(f"{service}: no list operation without required input; name one with --operation")


def _error_shape(service: str, *words: str) -> str | None:
    for shape in specs.service_model(service).error_shapes:
        if any(w in shape.name for w in words):
            return str(shape.name)
    return None


def room_name(service: str) -> str:
    room = service.replace("-", "_")
    return room + "_" if keyword.iskeyword(room) else room


def _entry(name: str) -> tuple[str, str]:
    """(botocore name, title) for a name of the README's table or a botocore service name."""
    entry = catalog.BY_NAME.get(catalog.ALIASES.get(name, name)) or catalog.entry_for_botocore(name)
    if entry is not None:
        return entry.botocore[0], entry.title
    if name in specs.service_name_set():
        return name, specs.service_metadata(name).get("serviceId", name)
    raise ScaffoldError(f"{name!r} is not a service botocore knows")


ROOM_INIT = '''"""{title}: {kinds} kept in the shared resource store.

Modules: ``{module}`` ({kinds}: their kind, errors, operations).
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import {module}

FACTS = declare(ServiceFacts("{service}"))

__all__ = ["FACTS", "{module}"]
'''

KINDS_MODULE = '''"""{title} {kinds}: kept in the shared resource store, listed by {operation}."""

from __future__ import annotations

from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError, ModeledError
from awsmock.engine.registry import handler


class {error_base}(ModeledError, service="{service}"):
    pass


{not_found}


{invalid_token}


{KIND} = resources.Kind(
    "{service}",
    "{kind}",
    arn=lambda ctx, rid: ctx.arn("{arn_service}", f"{kind}/{{rid}}"),
    not_found=lambda rid: {not_found_call},
    title="{title_kinds}",
)


@handler("{service}", "{operation}")
def {function}(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's {kinds} in its region, in order{paged}."""
    page = {KIND}.page(
        ctx,
        limit={limit_expr},
        token={token_expr},
        invalid={invalid_call},
    )
    out: dict[str, Any] = {{"{items}": [{item_expr} for row in page.rows]}}
{token_out}    return out
'''

TEST_MODULE = '''"""{title}: {operation} through a real boto3 client, in-process."""

from __future__ import annotations

from typing import Any

import boto3
import falcon.testing

from awsmock import mock_aws
from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.engine.context import RequestContext
from awsmock.mocking import active_mock
from awsmock.services.{room}.{module} import {KIND}
from awsmock.state.store import Store

ITEMS = ["{kind}-a", "{kind}-b", "{kind}-c"]


def _stored(rids: list[str], store: Store | None = None) -> None:
    """{kinds} made as the service's own create operation would keep them."""
    if store is None:
        mock = active_mock()
        assert mock is not None
        store = mock.store
    with store.transaction() as tx:
        ctx = RequestContext("{service}", "Test", tx, store, region="us-east-1")
        for rid in rids:
            {KIND}.create(ctx, rid=rid, name=rid, document={document})


def _client() -> Any:
    return boto3.client("{service}", region_name="us-east-1")


@mock_aws
def test_{function}_lists_what_the_account_holds_in_order() -> None:
    client = _client()
    assert client.{method}()["{items}"] == []
    _stored(ITEMS[::-1])
    found = client.{method}()["{items}"]
    assert {found_expr} == ITEMS


def test_the_dashboard_lists_the_{kinds_snake}() -> None:
    store = Store("sqlite://")
    try:
        _stored(ITEMS, store)
        web = falcon.testing.TestClient(create_app(Config(in_memory=True), store))
        resp = web.simulate_get("/_awsmock/dashboard/{service}/resources", params={{"kind": "{kind}s"}})
        assert resp.status_code == 200, resp.text
        assert [row["name"] for row in resp.json["groups"][0]["items"]] == ITEMS
    finally:
        store.dispose()
{paging_test}'''

PAGING_TEST = """

@mock_aws
def test_{function}_pages_through_every_item_once() -> None:
    client = _client()
    _stored(ITEMS)
    seen: list[Any] = []
    args: dict[str, Any] = {{"{limit}": 1}}
    while True:
        page = client.{method}(**args)
        seen += page["{items}"]
        if not page.get("{token_out}"):
            break
        args["{token_in}"] = page["{token_out}"]
    assert {seen_expr} == ITEMS
"""


def render(service: str, title: str, listing: Listing, room: str) -> dict[Path, str]:
    """The files of the new room (paths relative to the repository)."""
    module = listing.kinds
    kind_const = listing.kinds.upper()
    error_base = "".join(p.capitalize() for p in re.split(r"[^A-Za-z0-9]", room) if p) + "Error"
    not_found_shape = _error_shape(service, "ResourceNotFound", "NotFound", "NoSuch")
    if not_found_shape:
        not_found = f'class NotFound({error_base}, shape="{not_found_shape}"):\n    pass'
        not_found_call = f'NotFound(f"{listing.kind} {{rid}} not found")'
    else:
        not_found = 'def not_found(rid: str) -> AwsError:\n    return AwsError(f"{rid} not found", code="ResourceNotFoundException", status=400)'
        not_found_call = "not_found(rid)"
        not_found = not_found.replace("{rid} not found", f"{listing.kind} {{rid}} not found")
    token_shape = _error_shape(service, "InvalidNextToken", "InvalidPaginationToken", "InvalidMarker")
    if token_shape:
        invalid_token = f'class InvalidToken({error_base}, shape="{token_shape}"):\n    pass'
        invalid_call = 'lambda token: InvalidToken("Invalid pagination token")'
    else:
        invalid_token = 'def invalid_token(token: str) -> AwsError:\n    return AwsError("Invalid pagination token", code="ValidationException", status=400)'
        invalid_call = "invalid_token"
    paged = listing.token_in is not None and listing.token_out is not None and listing.limit is not None
    function = _snake(listing.operation)
    item_expr = "row.document" if listing.item_is_structure else "row.rid"
    files: dict[Path, str] = {}
    files[Path("awsmock/services") / room / "__init__.py"] = ROOM_INIT.format(
        title=title, kinds=listing.kinds.replace("_", " "), module=module, service=service
    )
    files[Path("awsmock/services") / room / f"{module}.py"] = KINDS_MODULE.format(
        title=title,
        kinds=listing.kinds.replace("_", " "),
        operation=listing.operation,
        error_base=error_base,
        service=service,
        not_found=not_found,
        invalid_token=invalid_token,
        KIND=kind_const,
        kind=listing.kind,
        arn_service=specs.service_metadata(service).get("signingName") or service,
        not_found_call=not_found_call,
        title_kinds=listing.kinds.replace("_", " ").capitalize(),
        function=function,
        paged=", in pages" if paged else "",
        limit_expr=f'params.get("{listing.limit}") or {listing.default_limit}' if listing.limit else "1000",
        token_expr=f'params.get("{listing.token_in}")' if listing.token_in else "None",
        invalid_call=invalid_call,
        items=listing.items,
        item_expr=item_expr,
        token_out=(
            f'    if page.token is not None:\n        out["{listing.token_out}"] = page.token\n'
            if listing.token_out
            else ""
        ),
    )
    document = f'{{"{_first_string_member(service, listing)}": rid}}' if listing.item_is_structure else "{}"
    found_expr = (
        f'[item["{_first_string_member(service, listing)}"] for item in found]'
        if listing.item_is_structure
        else "found"
    )
    seen_expr = found_expr.replace("found", "seen")
    test = TEST_MODULE.format(
        title=title,
        operation=listing.operation,
        room=room,
        module=module,
        KIND=kind_const,
        kind=listing.kind,
        kinds=listing.kinds.replace("_", " ").capitalize(),
        kinds_snake=listing.kinds,
        service=service,
        document=document,
        function=function,
        method=function,
        items=listing.items,
        found_expr=found_expr,
        paging_test=(
            PAGING_TEST.format(
                function=function,
                limit=listing.limit,
                method=function,
                items=listing.items,
                token_out=listing.token_out,
                token_in=listing.token_in,
                seen_expr=seen_expr,
            )
            if paged
            else ""
        ),
    )
    files[Path("tests") / room / "__init__.py"] = ""
    files[Path("tests") / room / f"test_{module}.py"] = test
    return files


def _first_string_member(service: str, listing: Listing) -> str:
    op = specs.service_model(service).operation_model(listing.operation)
    item = op.output_shape.members[listing.items].member
    for name, shape in item.members.items():
        if shape.type_name == "string":
            return str(name)
    raise ScaffoldError(f"{listing.items} items have no string member")


def new_service(name: str, operation: str | None = None, root: Path = ROOT) -> list[Path]:
    """Write the room of service ``name`` under ``root``; the files written."""
    service, title = _entry(name)
    room = room_name(service)
    if (root / "awsmock" / "services" / room).exists():
        raise ScaffoldError(f"awsmock/services/{room} exists already")
    listing = find_listing(service, operation)
    written = []
    for rel, text in render(service, title, listing, room).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def finish(root: Path = ROOT) -> Path:
    """The README's table, with the new room's coverage."""
    return write_readme_table(root / README.name)
