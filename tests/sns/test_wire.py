"""On the wire too: a notification's SigningCertURL is a URL the server answers with the
certificate that verifies the signature (and the same through the in-process transport)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

pytestmark = pytest.mark.modes("server")


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as got:
            return int(got.status), bytes(got.read())
    except urllib.error.HTTPError as err:
        return err.code, b""


def test_the_signing_certificate_is_served_where_the_message_says(
    sns: Any, new_topic: Any, new_queue: Any, received: Any
) -> None:
    topic = new_topic()
    url, queue = new_queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)
    sns.publish(TopicArn=topic, Message="over the wire", Subject="S")
    note = json.loads(received(url)[0]["Body"])
    if "amazonaws.com" in note["SigningCertURL"]:
        pytest.skip("in-process, only SDK requests reach awsmock (test_publish verifies through the app)")
    status, pem = _get(note["SigningCertURL"])
    assert status == 200
    cert = x509.load_pem_x509_certificate(pem)
    text = "".join(
        f"{k}\n{note[k]}\n" for k in ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
    )
    key: Any = cert.public_key()
    key.verify(base64.b64decode(note["Signature"]), text.encode(), padding.PKCS1v15(), hashes.SHA1())
    wrong = note["SigningCertURL"].replace("SimpleNotificationService-", "SimpleNotificationService-0")
    assert _get(wrong)[0] == 404
