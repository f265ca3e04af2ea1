"""AWS Secrets Manager: secrets with string or binary values, versions and staging labels,
deletion with a recovery window, resource policies, replication to other Regions, random
passwords; values encrypted through KMS.

Modules by concern: ``store`` (the secrets and their values in the shared resource store, and how
a SecretId finds one), ``sealing`` (envelope encryption through KMS), ``versions`` (versions and
staging labels), ``secrets`` (create, describe, update, delete, restore, tags), ``values`` (get,
put, batch get, list versions, move labels), ``listing`` (ListSecrets' filters, order and pages),
``policies`` (resource policies), ``replication`` (multi-Region secrets), ``passwords``
(GetRandomPassword), ``errors``; what Secrets Manager declares about itself: ``access`` (the
secret a request acts on, the permissions it needs, its resource policy, condition keys).

RotateSecret and CancelRotateSecret answer 501: rotation runs a Lambda function (its
createSecret, setSecret, testSecret and finishSecret steps), and awsmock has no Lambda yet. An
answer of "cannot invoke the function" for every function would send a user to debug a policy.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import access, listing, passwords, policies, replication, secrets, values

FACTS = declare(
    ServiceFacts(
        "secretsmanager",
        resources=access.resource_arns,
        access=access.access_checks,
        resource_policy=access.secret_policy,
        condition_keys=access.condition_keys,
    )
)

__all__ = ["FACTS", "listing", "passwords", "policies", "replication", "secrets", "values"]
