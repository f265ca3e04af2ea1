"""Amazon S3: buckets and their configuration, objects (chunked bodies in the database),
versioning, multipart uploads, listings, checksums, presigned URLs and POST uploads, event
notifications to SQS, SNS, Lambda and EventBridge (``notifications``).

What S3 declares about itself: ``wire`` (virtual hosts, POST uploads, answer and error
documents), ``access`` (IAM actions, resources, bucket policies, condition keys, refusals),
``sigv2`` (the older signature S3 still accepts); ``internal`` is what other services may use.
"""

from __future__ import annotations

from awsmock.engine.facts import AuthFacts, Detection, RestXmlQuirks, ServiceFacts
from awsmock.engine.registry import declare

from . import access, anonymous, sigv2, wire

FACTS = declare(
    ServiceFacts(
        "s3",
        actions=access.ACTIONS,
        resources=access.resource_arns,
        access=access.access,
        resource_policy=access.bucket_policy,
        condition_keys=access.condition_keys,
        auth=AuthFacts(
            raw_path=True,
            streaming_bodies=True,
            anonymous=True,
            anonymous_always=True,
            anonymous_grants=anonymous.grants,
            legacy=sigv2.SCHEME,
            errors=access.AUTH_ERRORS,
            skewed=access.skewed,
        ),
        detection=Detection(host=wire.is_s3_host, unsigned=wire.is_unsigned_request),
        request_ids="hex16",
        rest_xml=RestXmlQuirks(
            routing_path=wire.path_style,
            unrouted=wire.unrouted,
            prefer=wire.prefer,
            decode_unrouted=wire.decode_unrouted,
            namespace=wire.NAMESPACE,
            roots=wire.ROOTS,
            root_suffix="Result",
            bare_answers={"GetBucketLocation": "LocationConstraint"},
            shape_result=wire.url_encoded,
            check_enums=False,
            validation_code="InvalidArgument",
            violation_error=wire.violation_error,
            malformed_xml_message=wire.MALFORMED_XML,
            bad_values_malformed=True,
            request_id_headers=wire.request_id_headers,
            bare_errors=wire.error_tail,
            delete_no_content=True,
        ),
    )
)

__all__ = ["FACTS"]
