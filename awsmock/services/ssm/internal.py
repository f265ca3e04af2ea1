"""What other services ask of SSM inside their own request: a parameter's value (CloudFormation's
``{{resolve:ssm:...}}`` and ``AWS::SSM::Parameter::Value<...>`` parameters, ECS secrets, Lambda
extensions...), in the caller's account and region, with SSM's own errors."""

from __future__ import annotations

from awsmock.engine.context import RequestContext

from . import parameters
from .errors import ParameterNotFound, SsmError

__all__ = ["ParameterNotFound", "SsmError", "parameter_value"]


def parameter_value(ctx: RequestContext, reference: str, *, decrypt: bool = True) -> str:
    """The value of the parameter ``reference`` names (``name``, ``name:version``,
    ``name:label``, its ARN, or a public parameter); ``ParameterNotFound`` when there is none.
    SecureString values are decrypted through KMS unless ``decrypt`` is False."""
    found = parameters.read(ctx, reference, decrypt)
    if found is None:
        raise ParameterNotFound(f"Parameter {reference} not found.")
    return str(found["Value"])
