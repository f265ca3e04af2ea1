"""Access control over ACM: ``acm:<Operation>`` on the certificate's ARN, as IAM policies say."""

from __future__ import annotations

from awsmock.api.app import AwsmockApp
from awsmock.auth import set_initial_no_auth_action_count
from awsmock.state.store import Store
from tests.acm.conftest import error_of
from tests.auth.test_access_control import allow, policy, user_with_key
from tests.helpers import inprocess_client_factory


def test_iam_policies_decide_per_certificate(store: Store, app: AwsmockApp) -> None:
    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 10_000)
    acm = make("acm")
    mine = acm.request_certificate(DomainName="mine.example.com")["CertificateArn"]
    theirs = acm.request_certificate(DomainName="theirs.example.com")["CertificateArn"]
    key = user_with_key(
        make("iam"),
        "app",
        policy(
            allow(["acm:DescribeCertificate", "acm:DeleteCertificate"], mine), allow("acm:ListCertificates")
        ),
    )
    set_initial_no_auth_action_count(store, 0)
    as_app = make("acm", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert as_app.describe_certificate(CertificateArn=mine)["Certificate"]["DomainName"] == "mine.example.com"
    assert len(as_app.list_certificates()["CertificateSummaryList"]) == 2
    code, message = error_of(lambda: as_app.describe_certificate(CertificateArn=theirs))
    assert code == "AccessDeniedException" and "acm:DescribeCertificate" in message and theirs in message
    code, _ = error_of(lambda: as_app.request_certificate(DomainName="new.example.com"))
    assert code == "AccessDeniedException"
    as_app.delete_certificate(CertificateArn=mine)
    assert [c["DomainName"] for c in as_app.list_certificates()["CertificateSummaryList"]] == [
        "theirs.example.com"
    ]
