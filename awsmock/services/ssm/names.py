"""Parameter names as SSM reads them: the naming rules, hierarchies, selectors
(``name:version``, ``name:label``), paths, and ARNs.

A name is case sensitive; spaces around it are dropped, spaces inside it refused. A name in a
hierarchy starts with ``/`` and has at most 15 levels; one that contains ``/`` without starting
with it is not fully qualified. Names (their first level) can't begin with ``aws`` or ``ssm``
in any case, except the public parameters under ``/aws/service/``, which are read only. The ARN
of ``/a/b`` is ``...:parameter/a/b``, of ``a`` ``...:parameter/a``.
"""

from __future__ import annotations

import re

from awsmock.engine.context import RequestContext

from .errors import HierarchyLevelLimitExceededException, ValidationException

MAX_LEVELS = 15
#: the longest name one can create, counting the ARN before it
MAX_NAME_WITH_ARN = 1011
PUBLIC_PREFIX = "/aws/service/"

_SEGMENT = re.compile(r"^[a-zA-Z0-9_.\-]+$")
_LABEL = re.compile(r"^[a-zA-Z0-9_.\-]{1,100}$")

NAME_RULES = (
    'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, '
    "it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of "
    "letters, numbers and the following 3 symbols .-_"
)
PATH_RULES = (
    "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a "
    'forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only '
    "letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special "
    'characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". '
    "Valid example: /get/parameters2-/by1./path0_."
)


def arn_resource(name: str) -> str:
    return "parameter" + name if name.startswith("/") else "parameter/" + name


def arn(ctx: RequestContext, name: str) -> str:
    return ctx.arn("ssm", arn_resource(name))


def public_arn(ctx: RequestContext, name: str) -> str:
    return ctx.arn("ssm", arn_resource(name), account="")


def is_public(name: str) -> bool:
    return name.startswith(PUBLIC_PREFIX)


def parent_path(name: str) -> str:
    """The hierarchy above a name: ``/a/b`` for ``/a/b/c``, ``/`` for ``/c``, ``""`` for ``c``."""
    if not name.startswith("/"):
        return ""
    head = name.rsplit("/", 1)[0]
    return head or "/"


def _reserved(first: str) -> bool:
    low = first.lower()
    return low.startswith("aws") or low.startswith("ssm")


def check_name(ctx: RequestContext, raw: str) -> str:
    """The name a PutParameter creates (spaces around it dropped), or SSM's refusal."""
    name = raw.strip()
    if not name:
        raise ValidationException(NAME_RULES)
    if " " in name:
        raise ValidationException("Parameter name: can't contain spaces.")
    if "/" in name and not name.startswith("/"):
        raise ValidationException("Parameter name must be a fully qualified name.")
    segments = name[1:].split("/") if name.startswith("/") else [name]
    if any(not _SEGMENT.match(s) for s in segments) or _reserved(segments[0]):
        raise ValidationException(NAME_RULES)
    if len(segments) > MAX_LEVELS:
        raise HierarchyLevelLimitExceededException()
    if len(arn(ctx, name)) > MAX_NAME_WITH_ARN:
        raise ValidationException(
            f"Parameter name: {name} can't be longer than {MAX_NAME_WITH_ARN} characters, "
            "including the characters in the ARN that precede the name"
        )
    return name


def plain(raw: str) -> str:
    """A name as a read names it (spaces around it dropped)."""
    return raw.strip()


def split_selector(raw: str) -> tuple[str, str | None]:
    """(name, selector) of ``name``, ``name:3`` or ``name:label`` (the selector without its colon)."""
    text = raw.strip()
    if ":" not in text:
        return text, None
    name, _, selector = text.partition(":")
    if not selector or ":" in selector:
        raise ValidationException(
            "Invalid parameter name. Please ensure that it does not contain more than one colon "
            "and the selector is a version or a label."
        )
    return name, selector


def check_path(path: str) -> str:
    """A GetParametersByPath path, normalized (no trailing slash but for the root)."""
    text = path.strip()
    if not text.startswith("/"):
        raise ValidationException(PATH_RULES)
    trimmed = text.rstrip("/") or "/"
    if trimmed == "/":
        return "/"
    segments = trimmed[1:].split("/")
    if any(not _SEGMENT.match(s) for s in segments):
        raise ValidationException(PATH_RULES)
    if _reserved(segments[0]) and not (trimmed + "/").startswith(PUBLIC_PREFIX):
        raise ValidationException(PATH_RULES)
    if len(segments) > MAX_LEVELS:
        raise HierarchyLevelLimitExceededException()
    return trimmed


def valid_label(label: str) -> bool:
    """Labels: up to 100 letters, digits, ``.``, ``-``, ``_``; not starting with a digit, ``aws``
    or ``ssm`` (any case)."""
    if not isinstance(label, str) or not _LABEL.match(label):
        return False
    return not (label[0].isdigit() or _reserved(label))
