"""AWS Systems Manager: Parameter Store in full, documents, Run Command, maintenance windows and
associations.

Modules by concern: ``names`` (naming rules, hierarchies, selectors, ARNs), ``store``
(parameters, versions and labels in SSM's own tables), ``sealing`` (SecureString through KMS),
``policies`` (parameter policies), ``public`` (the public parameters under ``/aws/service/``),
``parameters`` (PutParameter, GetParameter(s), DeleteParameter(s)), ``listing``
(GetParametersByPath, DescribeParameters, GetParameterHistory), ``labels``, ``tags`` and
``resource_tags`` (tags of every SSM resource), ``documents``, ``commands`` (Run Command as
records), ``windows`` (maintenance windows, their targets and tasks), ``associations``,
``dashboard``, ``errors``; what SSM declares about itself: ``access``; ``internal`` is what
other services call.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import (
    access,
    associations,
    commands,
    dashboard,
    documents,
    labels,
    listing,
    parameters,
    resource_tags,
    windows,
)

FACTS = declare(ServiceFacts("ssm", resources=access.resource_arns))

__all__ = [
    "FACTS",
    "associations",
    "commands",
    "dashboard",
    "documents",
    "labels",
    "listing",
    "parameters",
    "resource_tags",
    "windows",
]
