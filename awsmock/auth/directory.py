"""Who is behind an access key, and which policies govern them: asked of the services that
issue keys and hold policies, through what they declare
(:attr:`awsmock.engine.facts.ServiceFacts.credentials` and ``.policies``).

A credential source issues keys with some prefixes (``AKIA`` long-term, ``ASIA`` temporary)::

    class Source:
        prefixes: tuple[str, ...]
        def resolve(self, tx, access_key_id) -> Identity | None: ...
        def note_use(self, ctx, identity) -> None: ...   # e.g. a key's last use

and a policy source gathers the policies governing an identity (None: the account root, whom
every action is allowed)::

    def policies(session, identity) -> Policies | None: ...

A service may also keep when each principal last used each service: its ``access_log`` hook
(:attr:`awsmock.engine.facts.ServiceFacts.access_log`) hears every authenticated request
(:func:`note_access`).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from awsmock.auth.identity import Identity, Policies, looks_like_key
from awsmock.engine import registry
from awsmock.engine.context import RequestContext
from awsmock.state.store import Transaction


class CredentialSource(Protocol):
    prefixes: tuple[str, ...]

    def resolve(self, tx: Transaction, access_key_id: str) -> Identity | None: ...

    def note_use(self, ctx: RequestContext, identity: Identity) -> None: ...


_sources: dict[str, CredentialSource] | None = None


def _by_prefix() -> dict[str, CredentialSource]:
    global _sources
    found = _sources
    if found is None:
        found = {}
        for facts in registry.declared():
            source = facts.credentials
            if source is not None:
                for prefix in source.prefixes:
                    found[prefix] = source
        _sources = found
    return found


def resolve_in(tx: Transaction, access_key_id: str | None) -> Identity | None:
    """The identity behind ``access_key_id`` (None when awsmock never issued that key)."""
    if not looks_like_key(access_key_id):
        return None
    source = _by_prefix().get(access_key_id[:4])  # type: ignore[index]
    return None if source is None else source.resolve(tx, access_key_id)  # type: ignore[arg-type]


def note_use(ctx: RequestContext, identity: Identity) -> None:
    """An authenticated request used ``identity``'s key (its source may keep when)."""
    if identity.access_key_id:
        source = _by_prefix().get(identity.access_key_id[:4])
        if source is not None:
            source.note_use(ctx, identity)


_access_logs: tuple[Any, ...] | None = None


def note_access(ctx: RequestContext, identity: Identity, action: str) -> None:
    """An authenticated request of ``identity`` asks for ``action``: the services that keep
    when principals last used each service record it."""
    global _access_logs
    logs = _access_logs
    if logs is None:
        logs = _access_logs = tuple(f.access_log for f in registry.declared() if f.access_log is not None)
    for log in logs:
        log(ctx, identity, action)


def policies_of(session: Session, identity: Identity) -> Policies | None:
    """The policies governing ``identity``; None for the account root (every action allowed),
    and for everyone while no service holds policies."""
    if identity.kind == "root":
        return None
    for facts in registry.declared():
        gather: Any = facts.policies
        if gather is not None:
            found: Policies | None = gather(session, identity)
            return found
    return None
