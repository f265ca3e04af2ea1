"""When requests are authenticated: ``INITIAL_NO_AUTH_ACTION_COUNT``.

The limit and the count of unauthenticated actions so far live in the database
(:class:`awsmock.models.awsmock.Setting`), so every process on one state shares them. The
limit comes from the ``auth.initial_no_auth_action_count`` setting when it is set (by
:func:`set_initial_no_auth_action_count`, the ``awsmock.set_initial_no_auth_action_count``
decorator or ``POST /_awsmock/auth``), else from the ``INITIAL_NO_AUTH_ACTION_COUNT``
environment variable, else there is none (never authenticate). After ``n`` unauthenticated
actions every request is authenticated and authorized.

An action that fails rolls its transaction back, and its count with it: only completed actions
use up the free allowance.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

from sqlalchemy import String, text
from sqlalchemy.orm import Session

from awsmock.engine.clock import monotonic
from awsmock.models.awsmock import Setting
from awsmock.state.store import Store

ENV = "INITIAL_NO_AUTH_ACTION_COUNT"
LIMIT_KEY = "auth.initial_no_auth_action_count"
COUNT_KEY = "auth.unauthenticated_action_count"


def parse_limit(text: str | None) -> int | None:
    """``"3"`` -> 3; ``""``, ``"inf"``, ``"-1"`` and nonsense -> None (never authenticate)."""
    if text is None:
        return None
    text = text.strip().lower()
    if text in ("", "inf", "infinity", "none", "null"):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if math.isinf(value) or value < 0:
        return None
    return int(value)


_ENVIRON_DATA = getattr(os.environ, "_data", None)  # os.environ's own table (CPython)
_ENV_KEY = os.environ.encodekey(ENV) if isinstance(_ENVIRON_DATA, dict) else None  # type: ignore[attr-defined]


def _env_set() -> bool:
    """Whether the environment names a limit (os.environ's table looked up directly: its
    Mapping.get costs more than the rest of the no-limit check)."""
    if _ENV_KEY is not None:
        return _ENV_KEY in _ENVIRON_DATA  # type: ignore[operator]
    return os.environ.get(ENV) is not None


def env_limit() -> int | None:
    return parse_limit(os.environ.get(ENV))


# Read on every request: a fixed statement (no expanding IN, no ORM) keeps it to a few dozen microseconds.
_READ = text(
    f"SELECT key, value FROM {Setting.__tablename__} WHERE key = '{LIMIT_KEY}' OR key = '{COUNT_KEY}'"
).columns(key=String, value=String)


def _read(session: Session) -> dict[str, str]:
    return {k: v for k, v in session.connection().execute(_READ)}


def _write(session: Session, key: str, value: str | None) -> None:
    row = session.get(Setting, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def limit_and_count(session: Session) -> tuple[int | None, int]:
    values = _read(session)
    limit = parse_limit(values[LIMIT_KEY]) if LIMIT_KEY in values else env_limit()
    try:
        count = int(values.get(COUNT_KEY, "0"))
    except ValueError:
        count = 0
    return limit, count


# The common case, no limit anywhere, is remembered for a moment so that it costs no query:
# for OFF_CACHE_SECONDS per database, invalidated at once by any change made in this process
# (every setter bumps _generation). A limit set by another process sharing the database (the
# admin API of another server) is seen within OFF_CACHE_SECONDS. A set limit is never cached:
# each request then reads and counts.
OFF_CACHE_SECONDS = 0.5
_generation = 0
_off_until: dict[str, tuple[int, float]] = {}


def _changed() -> None:
    global _generation
    _generation += 1
    _off_until.clear()


def must_authenticate(session_of: Callable[[], Session], cache_key: str | None = None) -> bool:
    """Whether this request is authenticated; while free actions remain, use one up.

    ``session_of`` gives the request's session: it is not asked for while the no-limit cache
    answers. ``cache_key`` names the database (its URL) for that cache; None disables it.
    """
    cacheable = cache_key is not None and not _env_set()
    if cacheable:
        hit = _off_until.get(cache_key)  # type: ignore[arg-type]
        if hit is not None and hit[0] == _generation and hit[1] > monotonic():
            return False
    session = session_of()
    limit, count = limit_and_count(session)
    if limit is None:
        if cacheable:
            _off_until[cache_key] = (_generation, monotonic() + OFF_CACHE_SECONDS)  # type: ignore[index]
        return False
    if count < limit:
        _write(session, COUNT_KEY, str(count + 1))
        return False
    return True


def set_initial_no_auth_action_count(store: Store, n: int | float | None) -> str | None:
    """Authenticate every request after ``n`` more unauthenticated ones (``None`` or infinity:
    back to the environment's setting). Returns the previous setting for :func:`restore`."""
    if n is not None and (isinstance(n, float) and math.isinf(n)):
        value: str | None = "inf"
    else:
        value = None if n is None else str(int(n))
    with store.session(write=True) as session:
        previous = _read(session).get(LIMIT_KEY)
        _write(session, LIMIT_KEY, value)
        _write(session, COUNT_KEY, "0")
    _changed()
    return previous


def restore(store: Store, previous: str | None) -> None:
    """Put back the setting :func:`set_initial_no_auth_action_count` returned."""
    with store.session(write=True) as session:
        _write(session, LIMIT_KEY, previous)
        _write(session, COUNT_KEY, "0")
    _changed()


def reset_counter(store: Store) -> None:
    with store.session(write=True) as session:
        _write(session, COUNT_KEY, "0")


def status(store: Store) -> dict[str, Any]:
    with store.session(write=False) as session:
        limit, count = limit_and_count(session)
    return {
        "initial_no_auth_action_count": limit,
        "unauthenticated_action_count": count,
        "authenticating": limit is not None and count >= limit,
    }


#: set in the parent of a server's worker processes once it started the free actions over: its
#: workers (and the ones that replace a dead worker) must not start them over again
_started_by_parent = False


def on_startup(store: Store) -> None:
    """A new app on ``store``: with ``INITIAL_NO_AUTH_ACTION_COUNT`` in the environment, the free
    actions start over (once per server: not again in each of its worker processes)."""
    if os.environ.get(ENV) is not None and not _started_by_parent:
        reset_counter(store)


def start_once_for_workers(store: Store) -> None:
    """The parent of a server's worker processes starts the free actions over, for all of them."""
    global _started_by_parent
    on_startup(store)
    _started_by_parent = True
