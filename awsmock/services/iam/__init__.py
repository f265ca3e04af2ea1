"""IAM: users, groups, roles, managed and inline policies, access keys, instance profiles,
identity providers, certificates, MFA devices and account settings.

IAM is global: every entity is scoped to its account, never to a region. One module per concern;
the handler registry imports each of them. ``principals`` and ``resources`` are IAM as
authorization sees it; ``internal`` is what other services may use.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import last_accessed, outbound, principals, resources

FACTS = declare(
    ServiceFacts(
        "iam",
        resources=resources.resource_arns,
        credentials=principals.AccessKeys(),
        policies=principals.policies_of,
        access_log=last_accessed.record,
        public_files=outbound.public_file,
        patterns=True,
    )
)
