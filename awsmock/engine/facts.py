"""What a service declares about itself, for the shared layers to read.

The protocols, the dispatcher, detection and authorization serve every service the same way,
driven by botocore's models. Where a service differs from its model, or needs something the
model does not say, its room declares it here once (``awsmock/services/<svc>/__init__.py``)::

    declare(ServiceFacts("sqs", legacy_error_codes={...}, long_polls={...}, ...))

and the shared layers look it up with :func:`awsmock.engine.registry.facts`. Nothing in them
names a service. Every field is optional: a service whose model says it all declares nothing.

The hooks take the layers' own objects (a :class:`~awsmock.engine.wire.WireRequest`, a
:class:`~awsmock.engine.context.RequestContext`, validation violations, authentication
identities) and return plain values; see each field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from awsmock.engine.context import RequestContext
    from awsmock.engine.errors import AwsError
    from awsmock.engine.wire import WireRequest

#: (ctx, operation, params) -> the ARNs of the resources the request acts on
ResourceArns = Callable[["RequestContext", str, dict[str, Any]], list[str]]
#: (ctx, params) -> service-specific IAM condition keys (``s3:prefix``, ``sts:ExternalId``...)
ConditionKeys = Callable[["RequestContext", dict[str, Any]], Mapping[str, Any]]
#: (ctx, operation, params) -> the resource-based policy that governs the request (an
#: :class:`awsmock.auth.resources.ResourcePolicy`), or None when it names no such resource
ResourcePolicyLookup = Callable[["RequestContext", str, dict[str, Any]], Any]


@dataclass(frozen=True)
class Access:
    """One permission a request needs: an IAM action (``s3:GetObject``) on resources (ARNs),
    weighed with the resource policy found for ``policy_params`` (the request's params when
    None; e.g. a copy's source bucket for its GetObject)."""

    action: str
    resources: tuple[str, ...]
    policy_params: Mapping[str, Any] | None = None


#: (ctx, operation, params) -> every permission the request needs (a copy reads its source and
#: writes its target; a transaction acts on each item's table), or None for the usual one: the
#: operation's action on :data:`ResourceArns`
AccessChecks = Callable[["RequestContext", str, dict[str, Any]], "list[Access] | None"]


@dataclass(frozen=True)
class LongPoll:
    """An operation that may wait for something to arrive (a long poll): the request member that
    sets how long, and the member naming the resource whose default wait applies otherwise."""

    wait_member: str
    resource_member: str


@dataclass(frozen=True)
class LegacySignature:
    """A signature scheme older than SigV4 that the service still accepts (S3's SigV2). Each
    hook takes the request; ``parse`` gives an object the others take back."""

    #: the access key id the request is signed with, or None when it is not signed this way
    access_key: Callable[[WireRequest], str | None]
    parse: Callable[[WireRequest], Any]
    #: (request, parsed signature, secret) -> whether it matches
    verify: Callable[[WireRequest, Any, str], bool]
    #: when a header-signed request says it was signed (None for a presigned URL)
    signed_at: Callable[[WireRequest, Any], dt.datetime | None]
    #: (parsed signature, now) -> whether a presigned URL has expired
    expired: Callable[[Any, dt.datetime], bool]
    #: the session token the signature carries
    security_token: Callable[[Any], str | None]


@dataclass(frozen=True)
class AuthFacts:
    """How the service authenticates differently from the SigV4 default."""

    #: the canonical URI is the path as sent (no dot-segment removal, no re-encoding)
    raw_path: bool = False
    #: request bodies stream to the handler: the payload hash is what the client declared
    streaming_bodies: bool = False
    #: unsigned requests are let in when the resource's policy grants them (``Principal: *``)
    anonymous: bool = False
    legacy: LegacySignature | None = None
    #: refusal kind (invalid_key, invalid_token, signature, expired, denied, missing, malformed,
    #: skewed) -> (code, HTTP status, message), replacing the protocol family's
    errors: Mapping[str, tuple[str, int, str]] | None = None
    #: (now, when signed, allowed skew) -> the error for a request signed too far from now
    skewed: Callable[[dt.datetime, dt.datetime, dt.timedelta], AwsError] | None = None
    #: unsigned requests are judged even while authentication is off (the service refuses an
    #: anonymous caller what nothing makes public, whatever awsmock's auth mode)
    anonymous_always: bool = False
    #: (ctx, action, resources, params) -> whether the resource grants an anonymous caller the
    #: action beyond its resource policy (access lists): asked when the policy neither allows
    #: nor denies
    anonymous_grants: Callable[[RequestContext, str, tuple[str, ...], dict[str, Any]], bool] | None = None


@dataclass(frozen=True)
class Detection:
    """How to tell the service's requests that carry no signature naming it."""

    #: (host labels, lower-cased) -> whether the host names this service (virtual hosts)
    host: Callable[[list[str]], bool] | None = None
    #: an unsigned request with no other clue -> whether it is this service's
    unsigned: Callable[[WireRequest], bool] | None = None
    #: a request signed with the service's signing name, which another service shares ->
    #: whether it is this service's (by its host or path); asked before the shared name's
    #: other services are weighed
    signed: Callable[[WireRequest], bool] | None = None


@dataclass(frozen=True)
class HttpEndpoint:
    """Plain HTTP a service answers at hosts of its own (a resource's own URL) rather than as an
    operation of its API: no model parses these requests. The dispatcher runs ``serve`` in a
    write transaction as it runs a handler (an :class:`~awsmock.engine.waiting.Outside` answer
    has its work run outside, then ``then`` gives the response) and renders what it raises with
    ``error``."""

    #: (host labels, lower-cased) -> whether the host is the endpoint's
    host: Callable[[list[str]], bool]
    #: the name requests are served as (request logs; access control's operation)
    operation: str
    #: (ctx, request, check) -> a :class:`~awsmock.engine.wire.WireResponse`, or an ``Outside``
    #: whose ``then`` gives one; ``check(ctx, params)`` runs access control (the dispatcher's
    #: request hooks) for ``operation`` on ``params`` when the endpoint wants it run
    serve: Callable[[RequestContext, WireRequest, Callable[[RequestContext, dict[str, Any]], None]], Any]
    #: (error, request id) -> the response to an AwsError raised by ``serve`` or access control
    error: Callable[[AwsError, str], Any]


@dataclass(frozen=True)
class RestXmlQuirks:
    """Where the service's rest-xml wire differs from what the model says."""

    #: the request's path for routing (S3: a virtual-hosted bucket moved into the path)
    routing_path: Callable[[WireRequest], str] | None = None
    #: an operation for a request no route matches, and its params (S3 POST uploads):
    #: ``unrouted(req)`` -> operation name or None; ``decode_unrouted(req)`` -> params
    unrouted: Callable[[WireRequest], str | None] | None = None
    decode_unrouted: Callable[[WireRequest], dict[str, Any]] | None = None
    #: ``prefer(req, operations)``: among the operations whose routes match a request (most
    #: specific first), the one the service serves it as when the route alone cannot tell (two
    #: endpoints of the service sharing a route), or None (the most specific)
    prefer: Callable[[WireRequest, list[str]], str | None] | None = None
    #: the XML namespace of answers (instead of the model's)
    namespace: str | None = None
    #: operation -> root element of its answer (instead of the output shape's location name)
    roots: Mapping[str, str] = field(default_factory=dict)
    #: the root element of an answer whose shape names none: ``<Operation><suffix>``
    root_suffix: str = "Response"
    #: operation -> member whose value is the whole answer document, unwrapped
    bare_answers: Mapping[str, str] = field(default_factory=dict)
    #: (operation, result) -> the result as written (S3: listings' EncodingType=url)
    shape_result: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
    #: the input is checked against the model's enums and ranges
    check_enums: bool = True
    #: the code of an input error (a binding that cannot be read, a bad value)
    validation_code: str = "InvalidInput"
    #: (input shape, violations) -> the error for input that breaks the model, else the default
    violation_error: Callable[[Any, list[Any]], AwsError] | None = None
    #: the message of MalformedXML for a body that cannot be parsed
    malformed_xml_message: str = "Could not parse the XML body."
    #: a value in the body that its shape cannot hold is MalformedXML too (not ``validation_code``)
    bad_values_malformed: bool = False
    #: response headers carrying the request id (default: ``x-amzn-RequestId``)
    request_id_headers: Callable[[str], dict[str, str]] | None = None
    #: errors are a bare ``<Error>`` document (no ``<ErrorResponse>``), closed by these
    #: elements: request id -> [(name, value)]
    bare_errors: Callable[[str], list[tuple[str, str]]] | None = None
    #: a DELETE whose answer has no body is 204 No Content
    delete_no_content: bool = False


@dataclass(frozen=True)
class QueryQuirks:
    """A service spoken over the query protocol though its model no longer says how (SQS for
    older SDKs): the XML traits the model lacks, as :class:`awsmock.api.protocols.xml.Overlay`
    takes them, and where a member can come from the request's path."""

    #: shape name -> serialization traits (flattened, member_name, key_name, value_name)
    shapes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: member name -> its name on the wire
    members: Mapping[str, str] = field(default_factory=dict)
    namespace: str | None = None
    #: (member, path pattern): a request posted to a path of this form names that member by
    #: its URL (SQS: the queue URL)
    member_from_path: tuple[str, str] | None = None
    #: input errors as ``MissingParameter`` / ``InvalidParameterValue`` (not ``ValidationError``)
    missing_parameter_style: bool = True


@dataclass(frozen=True)
class ServiceFacts:
    """One service's declared facts (see the module's docstring)."""

    #: botocore's service name
    name: str

    # -- authorization -------------------------------------------------------------------
    #: the IAM action prefix, when it is not the service's signing name
    action_prefix: str | None = None
    #: operation -> its IAM action name, where it differs from the operation's
    actions: Mapping[str, str] = field(default_factory=dict)
    resources: ResourceArns | None = None
    #: operations that need more than one permission (see :data:`AccessChecks`)
    access: AccessChecks | None = None
    resource_policy: ResourcePolicyLookup | None = None
    condition_keys: ConditionKeys | None = None
    #: operations every authenticated caller may call, whatever the policies say
    always_allowed: frozenset[str] = frozenset()
    auth: AuthFacts = AuthFacts()
    #: where authentication finds the principals behind access keys and their policies (the
    #: services that issue keys: IAM and STS); see :mod:`awsmock.auth.directory`
    credentials: Any = None
    policies: Any = None
    #: (ctx, identity, IAM action) for every authenticated request, once its signature is
    #: verified: a service that keeps when principals last used each service records it
    access_log: Callable[[RequestContext, Any, str], None] | None = None

    # -- the request path ----------------------------------------------------------------
    detection: Detection = Detection()
    #: request ids as the service sends them: ``uuid`` (the default) or ``hex16`` (S3's)
    request_ids: Literal["uuid", "hex16"] = "uuid"
    long_polls: Mapping[str, LongPoll] = field(default_factory=dict)
    #: plain HTTP the service serves at hosts of its own (see :class:`HttpEndpoint`)
    endpoint: HttpEndpoint | None = None

    # -- the wire ------------------------------------------------------------------------
    rest_xml: RestXmlQuirks | None = None
    query: QueryQuirks | None = None
    #: the namespace of ``__type`` in JSON errors (``com.amazonaws.dynamodb.v20120810``)
    json_type_namespace: str | None = None
    #: answers carry ``x-amz-crc32``, the CRC32 of the body
    crc32: bool = False
    #: query-compatible services: modeled error (shape name) -> the code the query protocol
    #: used, which clients still read (``x-amzn-query-error``), where the model lost it
    legacy_error_codes: Mapping[str, str] = field(default_factory=dict)
    #: inputs are checked against the model's ``pattern`` constraints
    patterns: bool = False

    # -- files the service publishes -------------------------------------------------------
    #: (session, file name) -> (content, content type) of a public document the service serves
    #: at ``/_awsmock/public/<service>/<name>`` (a signing certificate), or None when it has
    #: no such file; read in a read transaction, no credentials asked
    public_files: Callable[[Any, str], tuple[bytes, str] | None] | None = None


#: the facts of a service that declares none
DEFAULT = ServiceFacts("")
