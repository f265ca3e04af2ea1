"""The architecture's rules, read from the source (no product code runs): which layer may import
which, that no import runs in a circle, and that the shared layers name no service.

The layers, from the top:

* the public face: ``awsmock`` top-level modules (CLI, server, ``mock_aws``, pytest plugin,
  devtools): may use everything below;
* ``awsmock.api``: the HTTP edge (app, dispatcher, protocols, admin, dashboard);
* ``awsmock.services.<svc>``: one room per service;
* ``awsmock.auth``: authentication and authorization;
* ``awsmock.engine``: the request machinery;
* ``awsmock.state``: the store and what keeps it;
* ``awsmock.models``: the tables.

A request flows down: api -> (auth, engine) -> services (found through the registry, never named)
-> models. No layer imports one above it; the api and the engine never import a service; a
service reaches another only through that service's ``internal`` module, and its tables only
through its own ``models.<svc>`` and the shared ones.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: where each installed package's source lives in the checkout (setup.cfg's package_dir)
PACKAGE_DIRS = {
    "awsmock.api": ROOT / "api",
    "awsmock.models": ROOT / "models",
    "awsmock.migrations": ROOT / "migrations",
    "awsmock": ROOT / "awsmock",
}

#: tables every service may use (the base, awsmock's own, the shared resource store)
SHARED_MODELS = frozenset({"awsmock.models", "awsmock.models.base", "awsmock.models.awsmock", "awsmock.models.resources"})


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``
    in_function: bool


def module_files() -> dict[str, Path]:
    """Every product module (dotted name -> file); tests, benchmarks and revision files excluded."""
    out: dict[str, Path] = {}
    for package, where in PACKAGE_DIRS.items():
        for path in sorted(where.rglob("*.py")):
            rel = path.relative_to(where).with_suffix("")
            parts = list(rel.parts)
            if package == "awsmock" and parts and parts[0] in ("api", "models", "migrations"):
                continue
            if package == "awsmock.migrations" and "versions" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join([package, *parts])] = path
    return out


@cache
def _modules() -> dict[str, Path]:
    return module_files()


def _resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = source.split(".") if is_package else source.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str, path: Path) -> Iterator[Import]:
    """The project modules ``module`` imports, each with where and how."""
    known = _modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST, type_only: bool, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for sub in child.body:
                    yield from visit_one(sub, True, in_function)
                for sub in child.orelse:
                    yield from visit_one(sub, type_only, in_function)
                continue
            yield from visit_one(child, type_only, in_function)

    def visit_one(child: ast.AST, type_only: bool, in_function: bool) -> Iterator[Import]:
        inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        if isinstance(child, ast.Import):
            for alias in child.names:
                if alias.name.startswith("awsmock"):
                    yield Import(module, _nearest(alias.name, known), child.lineno, type_only, in_function)
        elif isinstance(child, ast.ImportFrom):
            base = _resolve(module, is_package, child)
            if not base.startswith("awsmock"):
                return
            for alias in child.names:
                full = f"{base}.{alias.name}"
                target = full if full in known else _nearest(base, known)
                yield Import(module, target, child.lineno, type_only, in_function)
        else:
            yield from visit(child, type_only, inner)

    yield from visit(tree, False, False)


def _nearest(name: str, known: dict[str, Path]) -> str:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


@cache
def all_imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for module, path in _modules().items():
        found.extend(imports_of(module, path))
    return tuple(found)


# -- layers ---------------------------------------------------------------------------------

FACE, API, SERVICES, AUTH, ENGINE, STATE, MODELS, MIGRATIONS = (
    "face",
    "api",
    "services",
    "auth",
    "engine",
    "state",
    "models",
    "migrations",
)


def layer_of(module: str) -> str:
    for prefix, layer in (
        ("awsmock.api", API),
        ("awsmock.services", SERVICES),
        ("awsmock.auth", AUTH),
        ("awsmock.engine", ENGINE),
        ("awsmock.state", STATE),
        ("awsmock.models", MODELS),
        ("awsmock.migrations", MIGRATIONS),
    ):
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return FACE


#: layer -> the layers it may import (besides itself)
MAY_IMPORT = {
    FACE: {API, SERVICES, AUTH, ENGINE, STATE, MODELS, MIGRATIONS},
    MIGRATIONS: {ENGINE, STATE, MODELS},
    API: {AUTH, ENGINE, STATE, MODELS},
    SERVICES: {AUTH, ENGINE, STATE, MODELS},
    AUTH: {ENGINE, STATE, MODELS},
    ENGINE: {STATE, MODELS},
    STATE: {MODELS},
    MODELS: set(),
}


def service_of(module: str) -> str | None:
    """``awsmock.services.s3.objects`` -> ``s3``; ``awsmock.models.sqs`` -> ``sqs``."""
    for prefix in ("awsmock.services.", "awsmock.models."):
        if module.startswith(prefix):
            name = module[len(prefix) :].split(".", 1)[0]
            return name
    return None


def violation(imp: Import) -> str | None:
    """Why ``imp`` breaks the layering, or None."""
    src, dst = layer_of(imp.source), layer_of(imp.target)
    if dst == FACE and imp.target == "awsmock" and src != FACE:
        return "a layer below the public face imports the awsmock package"
    if src != dst and dst not in MAY_IMPORT[src]:
        return f"{src} imports {dst}"
    if dst == MODELS and imp.target not in SHARED_MODELS:
        owner = service_of(imp.target)
        if src != SERVICES and src not in (FACE, MIGRATIONS) and not (src == MODELS and service_of(imp.source) == owner):
            return f"{src} imports the tables of service {owner}"
        if src == SERVICES and service_of(imp.source) != owner:
            return f"service {service_of(imp.source)} imports the tables of service {owner}"
        if src == MODELS and service_of(imp.source) != owner:
            return f"the tables of {service_of(imp.source)} import the tables of {owner}"
    if src == SERVICES and dst == SERVICES:
        mine, theirs = service_of(imp.source), service_of(imp.target)
        if imp.target == "awsmock.services":
            return None
        if mine != theirs and not imp.target.endswith(f"awsmock.services.{theirs}.internal"):
            return f"service {mine} reaches into service {theirs} past its internal module"
    return None


# -- cycles ---------------------------------------------------------------------------------


def cycles() -> list[list[str]]:
    """Strongly connected groups of modules (more than one module, or one importing itself),
    counting imports at any depth except those made for type checking only."""
    graph: dict[str, set[str]] = {m: set() for m in _modules()}
    for imp in all_imports():
        if not imp.type_only and imp.target in graph and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:  # Tarjan, iteratively deep enough for this graph
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


# -- service names in the shared layers -----------------------------------------------------

#: the shared layers: they read what services declare and name none
SHARED_LAYERS = (API, AUTH, ENGINE, STATE)
#: the one module of the shared layers that lists services by name: the README's table
INDEX_MODULES = frozenset({"awsmock.engine.catalog"})
#: service names that are ordinary words in code (config, events, logs...): only exact string
#: literals of these count, never identifiers
COMMON_WORDS = frozenset({"config", "events", "logs", "lambda", "iot", "glacier", "polly", "swf", "emr", "email"})
#: names that are also the names of wire protocols (botocore's ``ec2`` protocol), not services
PROTOCOL_NAMES = frozenset({"ec2"})
#: the account's root principal (``arn:aws:iam::<account>:root``) belongs to the policy language
#: every resource policy speaks: the one ARN helper builds it
ALLOWED = {"awsmock.engine.arns": frozenset({"iam"})}


@cache
def service_names() -> frozenset[str]:
    """Every name a service goes by: botocore names, mock names, endpoint and signing names."""
    import botocore.loaders

    from awsmock.engine import catalog

    names: set[str] = set()
    loader = botocore.loaders.create_loader()
    for entry in catalog.SERVICES:
        names.add(entry.name)
        for botocore_name in entry.botocore:
            names.add(botocore_name)
            md = loader.load_service_model(botocore_name, "service-2")["metadata"]
            for key in ("endpointPrefix", "signingName", "targetPrefix"):
                if md.get(key):
                    names.add(md[key])
    names.update(("s3control", "s3-control", "dynamodbstreams"))
    return frozenset(n.lower() for n in names) - PROTOCOL_NAMES


_WORD = re.compile(r"[A-Za-z][a-z0-9]*|[A-Z0-9]+(?![a-z])")


def _identifier_words(name: str) -> set[str]:
    words = {w.lower() for part in name.split("_") for w in _WORD.findall(part)}
    words.update(part.lower() for part in name.split("_"))
    return words


def service_mentions(module: str, path: Path) -> Iterator[str]:
    """Where ``module`` names a service in code: string literals (docstrings aside) and
    identifiers."""
    names = service_names()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    allowed = ALLOWED.get(module, frozenset())
    literal_names = names - allowed
    word_names = names - COMMON_WORDS - allowed
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value.strip().lower()
            if text in literal_names or text.startswith(tuple(f"arn:aws:{n}:" for n in word_names)):
                yield f"{path.relative_to(ROOT)}:{node.lineno}: the string {node.value!r}"
        elif isinstance(node, (ast.Name, ast.Attribute, ast.FunctionDef, ast.ClassDef, ast.arg)):
            name = (
                node.id
                if isinstance(node, ast.Name)
                else node.attr
                if isinstance(node, ast.Attribute)
                else node.arg
                if isinstance(node, ast.arg)
                else node.name
            )
            hit = _identifier_words(name) & word_names
            if hit:
                yield f"{path.relative_to(ROOT)}:{node.lineno}: the name {name} ({', '.join(sorted(hit))})"
