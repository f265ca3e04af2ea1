"""Labels of parameter versions: LabelParameterVersion and UnlabelParameterVersion.

A label names one version of its parameter (labelling another version moves it there); a
version has at most 10 labels; a label that breaks the rules (:func:`.names.valid_label`) is
not attached and comes back in ``InvalidLabels``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.ssm import Parameter, ParameterLabel

from . import names, parameters, store
from .errors import ParameterNotFound, ParameterVersionLabelLimitExceeded, ParameterVersionNotFound

MAX_LABELS = 10


def _parameter(ctx: RequestContext, raw: str) -> Parameter:
    name, _selector = parameters.reference(ctx, raw)
    row = store.find(ctx, name)
    if row is None:
        raise ParameterNotFound(f"Parameter {name} not found.")
    return row


def _check_version(ctx: RequestContext, row: Parameter, number: Any) -> int:
    if number is None:
        return row.version
    if not isinstance(number, int) or (number != row.version and store.version(ctx, row, number) is None):
        raise ParameterVersionNotFound(
            f"Systems Manager could not find version {number} of {row.name}. Verify the version and try again."
        )
    return number


@handler("ssm", "LabelParameterVersion")
def label_parameter_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _parameter(ctx, params["Name"])
    number = _check_version(ctx, row, params.get("ParameterVersion"))
    wanted: list[str] = []
    invalid: list[str] = []
    for label in params["Labels"]:
        if not names.valid_label(label):
            if isinstance(label, str) and label not in invalid:
                invalid.append(label)
        elif label not in wanted:
            wanted.append(label)
    session = ctx.session
    current = set(store.labels_of(ctx, row, number))
    if len(current | set(wanted)) > MAX_LABELS:
        raise ParameterVersionLabelLimitExceeded()
    for label in wanted:
        if label in current:
            continue
        found = session.get(ParameterLabel, (row.id, label))
        if found is None:
            session.add(ParameterLabel(parameter_id=row.id, label=label, version=number))
        else:
            found.version = number
    session.flush()
    return {"InvalidLabels": invalid, "ParameterVersion": number}


@handler("ssm", "UnlabelParameterVersion")
def unlabel_parameter_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _parameter(ctx, params["Name"])
    number = _check_version(ctx, row, params["ParameterVersion"])
    current = set(store.labels_of(ctx, row, number))
    removed: list[str] = []
    invalid: list[str] = []
    for label in params["Labels"]:
        if not isinstance(label, str):
            continue
        target = removed if label in current else invalid
        if label not in target:
            target.append(label)
    if removed:
        ctx.session.execute(
            delete(ParameterLabel).where(
                ParameterLabel.parameter_id == row.id, ParameterLabel.label.in_(removed)
            )
        )
    return {"RemovedLabels": removed, "InvalidLabels": invalid}

