"""Amazon SNS: topics (standard and FIFO), subscriptions of every protocol, Publish and
PublishBatch with filter policies, delivered to SQS queues in the publish's transaction and to
HTTP/HTTPS endpoints through the durable outbox, signed as SNS signs; mobile push and SMS as
records.

Modules by concern: ``store`` (topics, subscriptions and the rest in the shared store),
``topics`` (lifecycle, attributes, permissions, tags), ``subscriptions`` (subscribe, confirm,
attributes, listings), ``confirmation`` (the SubscriptionConfirmation message), ``publishing``
(Publish, PublishBatch, FIFO sequencing and deduplication, fan-out; filter policies in the
shared ``awsmock.engine.patterns``), ``envelope`` (the JSON SNS
delivers), ``signing`` (the per-state key and certificate), ``deliveries`` (HTTP through the
outbox; email, SMS and push recorded), ``platform`` (applications and endpoints), ``sms``
(SMS attributes, opt-outs, the sandbox), ``documents`` (JSON inside fields), ``dashboard``
(subscriptions and recorded deliveries), ``errors``; what SNS declares about itself:
``access`` (resources, topic policies), the certificate it serves, its AuthorizationError.

GetDataProtectionPolicy, PutDataProtectionPolicy and ListOriginationNumbers answer 501.
"""

from __future__ import annotations

from awsmock.engine.facts import AuthFacts, ServiceFacts
from awsmock.engine.registry import declare

from . import access, platform, publishing, signing, sms, subscriptions, topics

FACTS = declare(
    ServiceFacts(
        "sns",
        resources=access.resource_arns,
        resource_policy=access.topic_policy,
        public_files=signing.public_file,
        auth=AuthFacts(errors={"denied": ("AuthorizationError", 403, "Authorization Error")}),
    )
)

__all__ = ["FACTS", "platform", "publishing", "sms", "subscriptions", "topics"]
