"""AWS Secrets Manager: secrets with string or binary values, versions and staging labels,
deletion with a recovery window, resource policies, replication to other Regions, random
passwords, rotation by a Lambda function on a schedule; values encrypted through KMS.

Modules by concern: ``store`` (the secrets and their values in the shared resource store, and how
a SecretId finds one), ``sealing`` (envelope encryption through KMS), ``versions`` (versions and
staging labels), ``secrets`` (create, describe, update, delete, restore, tags), ``values`` (get,
put, batch get, list versions, move labels), ``listing`` (ListSecrets' filters, order and pages),
``policies`` (resource policies), ``replication`` (multi-Region secrets), ``passwords``
(GetRandomPassword), ``rotation`` (RotateSecret, CancelRotateSecret, and the rotations they run:
the function's createSecret, setSecret, testSecret and finishSecret steps), ``schedule``
(rotation rules and windows), ``errors``; what Secrets Manager declares about itself: ``access``
(the secret a request acts on, the permissions it needs, its resource policy, condition keys).

Rotation runs as AWS runs it, in the background: RotateSecret answers at once, and the outbox's
worker (promptly, in-process too) invokes the function's four steps. A test waits for it as a
user of AWS would, by polling: DescribeSecret until ``VersionIdsToStages`` shows AWSCURRENT on
the ``VersionId`` RotateSecret answered (or ``LastRotatedDate`` moves), or GetSecretValue until
the value changed. A failed rotation leaves AWSPENDING on the new version: poll
ListSecretVersionIds, or wait until no rotation entry of the outbox is due (the tests' helper
``tests/secretsmanager/helpers.py::rotations_settled``). Scheduled rotations follow the shared
clock: with freezegun or time-machine, move the clock to ``NextRotationDate`` and the outbox's
worker finds the rotation due (``awsmock.engine.outbox.drain(store)`` runs what is due at once).
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import access, listing, passwords, policies, replication, rotation, secrets, values

FACTS = declare(
    ServiceFacts(
        "secretsmanager",
        resources=access.resource_arns,
        access=access.access_checks,
        resource_policy=access.secret_policy,
        condition_keys=access.condition_keys,
    )
)

__all__ = ["FACTS", "listing", "passwords", "policies", "replication", "rotation", "secrets", "values"]
