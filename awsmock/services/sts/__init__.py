"""STS: caller identity and temporary credentials.

Modules: ``tokens`` (the operations), ``credentials`` (the principals behind temporary keys,
resources, the trust policy AssumeRole weighs, condition keys).
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import credentials, tokens

FACTS = declare(
    ServiceFacts(
        "sts",
        resources=credentials.resource_arns,
        resource_policy=credentials.trust_policy,
        condition_keys=credentials.condition_keys,
        # no permission is needed, as STS documents for each
        always_allowed=frozenset({"GetCallerIdentity", "GetSessionToken"}),
        credentials=credentials.TemporaryCredentials(),
        patterns=True,
    )
)

__all__ = ["FACTS", "tokens"]
