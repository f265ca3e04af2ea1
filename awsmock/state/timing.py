"""The clock the state's waits are measured by (a wake-up's timeout): the operating system's
monotonic clock read directly, which a test's clock-freezing library (freezegun replaces
``time.monotonic`` while it runs) cannot stop, so a wait always ends. The time users see is
another clock, :func:`awsmock.engine.clock.utcnow`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["monotonic"]


def _system_monotonic() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)


#: seconds on a clock that only goes forward at the real pace, whatever a test does to its clock
#: (without clock_gettime: the built-in ``time.monotonic``, as found when awsmock was imported)
monotonic: Callable[[], float] = _system_monotonic if hasattr(time, "clock_gettime") else time.monotonic
