"""AWS KMS: symmetric, asymmetric and HMAC keys whose material never leaves the store in the
clear, aliases, key policies that access control enforces, grants, rotation, imported key
material, multi-Region keys, tags.

Modules by concern: ``lookup`` (keys, aliases and grants in the shared store; naming a key;
what each key state allows), ``vault`` (the master key, sealed material, ciphertext blobs),
``keyspecs`` (what each key spec is), ``material`` (versions of a key's material), ``keys``
(lifecycle, metadata, AWS managed keys), ``aliases``, ``policies`` (key policies), ``crypto``
(encryption and data keys), ``asymmetric`` (signatures, MACs, public keys, data key pairs,
key agreement), ``rotation``, ``grants``, ``imports`` (imported key material), ``replicas``
(multi-Region keys), ``tags``, ``errors``; what KMS declares about itself: ``access``
(resources, key policies, condition keys); ``internal`` is what other services call.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import access, aliases, asymmetric, crypto, grants, imports, keys, policies, replicas, rotation, tags

FACTS = declare(
    ServiceFacts(
        "kms",
        actions={"ReEncrypt": "ReEncryptFrom"},
        resources=access.resource_arns,
        resource_policy=access.key_policy,
        condition_keys=access.condition_keys,
    )
)

__all__ = [
    "FACTS",
    "aliases",
    "asymmetric",
    "crypto",
    "grants",
    "imports",
    "keys",
    "policies",
    "replicas",
    "rotation",
    "tags",
]
