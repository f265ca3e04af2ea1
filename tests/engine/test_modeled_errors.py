"""Errors take their code, HTTP status and fault from the model; what a service sets itself wins."""

from __future__ import annotations

import pytest

from awsmock.engine.errors import ModeledError


class _Iam(ModeledError, service="iam"):
    pass


class EntityAlreadyExistsException(_Iam):
    default_message = "exists"


class _Renamed(_Iam, shape="NoSuchEntityException"):
    status = 410  # a service that answers otherwise than its model says


class _NotInTheModel(_Iam):
    pass


def test_code_status_and_fault_come_from_the_error_shape() -> None:
    err = EntityAlreadyExistsException()
    assert (err.code, err.status, err.sender_fault, err.message) == (
        "EntityAlreadyExistsException",
        409,
        True,
        "exists",
    )
    assert _Renamed("gone").code == "NoSuchEntityException" and _Renamed("gone").status == 410


def test_a_name_the_model_lacks_fails_loudly() -> None:
    with pytest.raises(TypeError, match="no error shape '_NotInTheModel'"):
        _NotInTheModel()
