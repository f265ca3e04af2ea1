"""Amazon S3 Control: the account's public access block (which S3 enforces on the account's
buckets, combined with each bucket's own), access points with their policies (S3 requests
reach a bucket through an access point's ARN or alias), Multi-Region Access Points and their
asynchronous requests, and Storage Lens configurations with their tags.

Modules by concern: ``account`` (the account's public access block), ``access_points``,
``mrap``, ``storage_lens``, ``publicness`` (what counts as a public policy or ACL), ``lookup`` (the
resources in the shared store, the account check), ``errors``; ``wire`` is how its requests
are told from S3's (both sign as ``s3``); ``internal`` is what other services call (S3).
"""

from __future__ import annotations

from awsmock.engine.facts import Detection, ServiceFacts
from awsmock.engine.registry import declare

from . import access_points, account, mrap, storage_lens, wire

FACTS = declare(
    ServiceFacts(
        "s3control",
        actions={
            "PutPublicAccessBlock": "PutAccountPublicAccessBlock",
            "GetPublicAccessBlock": "GetAccountPublicAccessBlock",
            "DeletePublicAccessBlock": "PutAccountPublicAccessBlock",
            "GetAccessPointPolicyStatus": "GetAccessPointPolicyStatus",
            "DeleteStorageLensConfigurationTagging": "DeleteStorageLensConfigurationTagging",
        },
        detection=Detection(signed=wire.is_s3control_request),
        request_ids="hex16",
    )
)

__all__ = ["FACTS", "access_points", "account", "mrap", "storage_lens"]
