"""The registry: one plain function per ``(service, operation)``, and what each service declares.

    @handler("sqs", "CreateQueue")
    def create_queue(ctx: RequestContext, params: dict) -> dict: ...

``service`` is botocore's service name (``s3``, ``sqs``, ``dynamodb``, ``cognito-idp``...).
A handler receives the request context (``ctx.session`` is the request's database session; the
dispatcher owns the transaction) and the parsed input as a dict shaped like the operation's
input shape. It returns a dict shaped like the output shape, or raises
:class:`awsmock.engine.errors.AwsError`.

A service's declared facts (:class:`awsmock.engine.facts.ServiceFacts`) are registered with
:func:`declare` from its room and read with :func:`facts`.

Operations that only read state are detected by name (``Get``/``List``/``Describe``/``Head``/
``Query``/``Scan``/``BatchGet``…) and run in a read transaction; pass ``write=True`` or
``write=False`` to override.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from awsmock.engine.facts import DEFAULT, ServiceFacts
from awsmock.models import tables_of

Handler = Callable[..., Any]

READ_PREFIXES = ("Get", "List", "Describe", "Head", "Query", "Scan", "BatchGet", "Lookup", "Select",
                 "Search", "Check", "Decode", "Test", "Simulate", "Filter", "Validate", "Preview")


@dataclass(frozen=True)
class Registration:
    service: str
    operation: str
    fn: Handler
    write: bool
    #: PostgreSQL only: this isolation level instead of the store's (SERIALIZABLE writers), for
    #: handlers whose row locks already make them safe (SQS receives: FOR UPDATE SKIP LOCKED)
    isolation: str | None = None


_HANDLERS: dict[tuple[str, str], Registration] = {}
_FACTS: dict[str, ServiceFacts] = {}
_import_errors: dict[str, BaseException] = {}
log = logging.getLogger("awsmock.engine.registry")
_loaded = False


def is_read_operation(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES)


ISOLATION_LEVELS = ("READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE")


def handler(service: str, operation: str, *, write: bool | None = None,
            isolation: str | None = None) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the implementation of ``service``'s ``operation``."""
    if isolation is not None and isolation not in ISOLATION_LEVELS:
        raise ValueError(f"unknown isolation level {isolation!r}")

    def register(fn: Handler) -> Handler:
        key = (service, operation)
        if key in _HANDLERS and _HANDLERS[key].fn is not fn:
            raise RuntimeError(f"two handlers for {service} {operation}")
        w = (not is_read_operation(operation)) if write is None else write
        _HANDLERS[key] = Registration(service, operation, fn, w, isolation)
        return fn

    return register


def declare(declared: ServiceFacts) -> ServiceFacts:
    """Register a service's facts (once per service)."""
    known = _FACTS.get(declared.name)
    if known is not None and known != declared:
        raise RuntimeError(f"two declarations of the facts of {declared.name}")
    _FACTS[declared.name] = declared
    return declared


def facts(service: str | None) -> ServiceFacts:
    """What ``service`` declares (the defaults for one that declares nothing)."""
    found = _FACTS.get(service) if service else None  # type: ignore[arg-type]
    if found is None:
        if not _loaded:
            load_all()
            return facts(service)
        return DEFAULT
    return found


def declared() -> list[ServiceFacts]:
    """Every service's declared facts."""
    load_all()
    return list(_FACTS.values())


def load_all() -> None:
    """Import every module of the services' package (found, never named: each room registers
    its handlers and declares its facts when imported)."""
    global _loaded
    if _loaded:
        return
    services = rooms()

    def failed(name: str) -> None:
        log.error("cannot import %s", name, exc_info=True)
        _import_errors[name] = sys.exc_info()[1]  # type: ignore[assignment]

    for info in pkgutil.walk_packages(services.__path__, services.__name__ + ".", onerror=failed):
        try:
            importlib.import_module(info.name)
        except Exception:
            # one broken service must not take every other one down; tests assert none is broken
            failed(info.name)
    _loaded = True


#: the package holding one room per service
SERVICES_PACKAGE = "awsmock.services"


def rooms() -> ModuleType:
    """The package holding the services' rooms."""
    return importlib.import_module(SERVICES_PACKAGE)


def import_errors() -> dict[str, BaseException]:
    """Service modules that failed to import (empty in a healthy install)."""
    load_all()
    return dict(_import_errors)


def lookup(service: str, operation: str) -> Registration | None:
    load_all()
    return _HANDLERS.get((service, operation))


def registrations() -> list[Registration]:
    load_all()
    return list(_HANDLERS.values())


def implemented_services() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for reg in registrations():
        out.setdefault(reg.service, set()).add(reg.operation)
    return out


def known_services() -> list[str]:
    """Services that have state (tables) or handlers."""
    names = {t.info.get("service") for t in tables_of(None)}
    names.update(implemented_services())
    return sorted(n for n in names if n)
