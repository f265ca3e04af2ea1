"""The two clocks: the time AWS shows, and the time the engine waits by.

* :func:`utcnow` is the time of every timestamp a user sees (creation dates, message timers,
  expiries, TTL). It follows a test's frozen or travelling clock (freezegun, time-machine), as
  users expect of a mock.
* :func:`monotonic` measures the engine's own waits (long-poll deadlines, lock waits, caches).
  A test's frozen clock must not stop it: freezegun replaces ``time.monotonic`` while it runs,
  so a long poll timed by it would never end. It reads the operating system's monotonic clock
  directly, which no clock-freezing library patches (the state layer's, whose waits use it too).
"""

from __future__ import annotations

import datetime as dt

from awsmock.state.timing import monotonic

__all__ = ["monotonic", "utcnow"]


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC, as a test's frozen clock says."""
    return dt.datetime.now(dt.UTC)
