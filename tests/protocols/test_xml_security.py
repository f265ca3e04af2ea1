"""The XML reader refuses DTDs, entities (XXE, billion laughs) and malformed documents, and the
protocols turn that into clean 400 AWS errors (MalformedXML for S3)."""

from __future__ import annotations

import io

import pytest

from awsmock.api.protocols import get
from awsmock.engine import specs
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest
from awsmock.engine.xmltext import XmlError, parse_xml

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CreateBucketConfiguration><LocationConstraint>&xxe;</LocationConstraint></CreateBucketConfiguration>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Delete><Object><Key>&lol3;</Key></Object></Delete>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.com/x.dtd"><Tagging/>"""
PARAM_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://e/x">%p;]><Tagging/>"""
UNDEFINED_ENTITY = b"<Tagging><TagSet>&nope;</TagSet></Tagging>"

BAD = [
    XXE,
    BILLION_LAUGHS,
    EXTERNAL_DTD,
    PARAM_ENTITY,
    UNDEFINED_ENTITY,
    b"<a><b></a>",
    b"not xml",
    b"<a/><b/>",
]


@pytest.mark.parametrize("doc", BAD)
def test_reader_rejects(doc: bytes) -> None:
    with pytest.raises(XmlError):
        parse_xml(doc)


def test_reader_depth_limit() -> None:
    with pytest.raises(XmlError):
        parse_xml(b"<a>" * 500 + b"</a>" * 500)


def test_reader_reads_namespaces_attributes_and_text() -> None:
    el = parse_xml(
        b'<?xml version="1.0" encoding="UTF-8"?><s3:Root xmlns:s3="urn:x" xmlns:xsi="urn:y">'
        b'<Grantee xsi:type="CanonicalUser"><ID>a&amp;b&#13;</ID></Grantee></s3:Root>'
    )
    assert el.tag == "Root"
    grantee = el.children[0]
    assert grantee.attrs["xsi:type"] == "CanonicalUser"
    assert grantee.children[0].text == "a&b\r"


def _s3_request(method: str, path: str, query: str, body: bytes) -> WireRequest:
    return WireRequest(method, path, query, {"content-length": str(len(body))}, io.BytesIO(body), len(body))


@pytest.mark.parametrize(
    ("method", "path", "query", "op"),
    [
        ("PUT", "/bk", "", "CreateBucket"),
        ("POST", "/bk", "delete=", "DeleteObjects"),
        ("PUT", "/bk", "tagging=", "PutBucketTagging"),
    ],
)
@pytest.mark.parametrize("doc", BAD)
def test_s3_answers_malformed_xml(method: str, path: str, query: str, op: str, doc: bytes) -> None:
    service = specs.service_model("s3")
    proto = get("rest-xml")
    req = _s3_request(method, path, query, doc)
    assert proto.operation_name(req, service) == op
    with pytest.raises(AwsError) as info:
        proto.parse(req, service.operation_model(op))
    err = info.value
    assert (err.code, err.status) == ("MalformedXML", 400)
    resp = proto.serialize_error(service, service.operation_model(op), err, "r1")
    assert resp.status == 400 and b"<Code>MalformedXML</Code>" in resp.body  # type: ignore[operator]


def test_route53_rejects_entities_cleanly() -> None:
    service = specs.service_model("route53")
    proto = get("rest-xml")
    body = XXE
    req = WireRequest(
        "POST", "/2013-04-01/hostedzone", "", {"content-length": str(len(body))}, io.BytesIO(body), len(body)
    )
    op = proto.operation_name(req, service)
    assert op == "CreateHostedZone"
    with pytest.raises(AwsError) as info:
        proto.parse(req, service.operation_model(op))
    assert info.value.status == 400


def test_s3_missing_body_and_bad_values() -> None:
    service = specs.service_model("s3")
    proto = get("rest-xml")
    req = _s3_request("POST", "/bk", "delete=", b"")
    with pytest.raises(AwsError) as info:
        proto.parse(req, service.operation_model("DeleteObjects"))
    assert info.value.code == "MissingRequestBodyError"
    req = _s3_request("POST", "/bk", "delete=", b"<Delete><Quiet>maybe</Quiet></Delete>")
    with pytest.raises(AwsError) as info:
        proto.parse(req, service.operation_model("DeleteObjects"))
    assert info.value.code == "MalformedXML"
