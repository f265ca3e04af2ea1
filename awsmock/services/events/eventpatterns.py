"""Event patterns: the shared pattern language (``awsmock.engine.patterns``) with EventBridge's
operators and words; compiled patterns are kept for the texts seen last (PutEvents tests every
rule of a bus)."""

from __future__ import annotations

import functools
from typing import Any

from awsmock.engine import patterns
from awsmock.state import jsontext

from .errors import InvalidEventPatternException

LIMITS = patterns.Limits(nested=True, wildcard=True, noun="Event pattern")
MAX_PATTERN = 4096


@functools.lru_cache(maxsize=1024)
def _compiled(text: str) -> patterns.Pattern:
    return _compile(text)


def compile_event_pattern(text: Any) -> patterns.Pattern:
    """The compiled pattern (kept for the rule-sized texts seen last), or
    InvalidEventPatternException."""
    if not isinstance(text, str):
        raise InvalidEventPatternException("Event pattern is not valid. Reason: Filter is not an object")
    return _compiled(text) if len(text) <= MAX_PATTERN else _compile(text)


def _compile(text: Any) -> patterns.Pattern:
    """The compiled pattern, or InvalidEventPatternException in EventBridge's words."""
    if not isinstance(text, str):
        raise InvalidEventPatternException("Event pattern is not valid. Reason: Filter is not an object")
    try:
        doc = jsontext.guarded_loads(text, max_depth=32, max_size=64 * 1024)
    except ValueError:
        raise InvalidEventPatternException(
            "Event pattern is not valid. Reason: Filter is not valid JSON"
        ) from None
    if not isinstance(doc, dict):
        raise InvalidEventPatternException("Event pattern is not valid. Reason: Filter is not an object")
    try:
        return patterns.compile_pattern(doc, LIMITS)
    except patterns.PatternError as err:
        raise InvalidEventPatternException(f"Event pattern is not valid. Reason: {err.message}") from None
