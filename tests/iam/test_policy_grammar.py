"""Identity policy documents are checked as IAM checks them: in IAM's order, with its messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.iam.helpers import error

V = "2012-10-17"
BUCKET = "arn:aws:s3:::example_bucket"


def _stmt(**fields: Any) -> dict[str, Any]:
    return {"Version": V, "Statement": {"Effect": "Allow", **fields}}


IAM_PATHS = (
    'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, '
    "instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, "
    "report/, access-report/."
)

INVALID = [
    (
        {"Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET}},
        "Policy document must be version 2012-10-17 or greater.",
    ),
    (
        {
            "Version": "2008-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET},
        },
        "Policy document must be version 2012-10-17 or greater.",
    ),
    (
        {
            "Version": "2013-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET},
        },
        "Syntax errors in policy.",
    ),
    ({"Version": V, "Statement": []}, "Syntax errors in policy."),
    ({"Version": V, "Statement": ["afd"]}, "Syntax errors in policy."),
    (
        {"Version": V, "Id": {}, "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}},
        "Syntax errors in policy.",
    ),
    (_stmt(Action="s3:ListBucket", Resource={"a": BUCKET}), "Syntax errors in policy."),
    (_stmt(Action="s3:ListBucket", Resource=BUCKET, Condition={"x": {"a": "1"}}), "Syntax errors in policy."),
    (
        _stmt(Action="s3:ListBucket", Resource=BUCKET, Condition={"DateGreaterThan": []}),
        "Syntax errors in policy.",
    ),
    (
        _stmt(Action="invalid", Resource=BUCKET),
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (_stmt(Action="a a:ListBucket", Resource=BUCKET), "Vendor a a is not valid"),
    (_stmt(Action="s3:List:Bucket", Resource=BUCKET), "Actions/Condition can contain only one colon."),
    (
        _stmt(Action="s3:ListBucket", Resource="invalid resource"),
        'Resource invalid resource must be in ARN format or "*".',
    ),
    (_stmt(Action="s3:ListBucket", Resource=""), 'Resource  must be in ARN format or "*".'),
    (
        _stmt(NotAction="s3s:ListBucket", Resource="a:bsdfdsafsad"),
        'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".',
    ),
    (
        _stmt(NotAction="s3s:ListBucket", Resource="a:b:c:d:e:f:g:h"),
        'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".',
    ),
    (
        _stmt(Action="s3:ListBucket", Resource="aws:s3:::example_bucket"),
        'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".',
    ),
    (
        _stmt(
            Action="s3:ListBucket", Resource=["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"]
        ),
        'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".',
    ),
    (_stmt(Action="s3:ListBucket"), "Policy statement must contain resources."),
    (_stmt(Action="s3:ListBucket", Resource=[]), "Policy statement must contain resources."),
    (_stmt(Action="invalid"), "Policy statement must contain resources."),
    (_stmt(Resource=BUCKET), "Policy statement must contain actions."),
    (_stmt(Action=[], Resource=BUCKET), "Policy statement must contain actions."),
    (_stmt(Action="s3:ListBucket", Resource="arn:aws:iam:::example_bucket"), IAM_PATHS),
    (
        _stmt(Action="s3:ListBucket", Resource="arn:aws:s3::example_bucket"),
        "The policy failed legacy parsing",
    ),
    (
        _stmt(Action="s3:ListBucket", Resource="arn:aws"),
        "Resource vendor must be fully qualified and cannot contain regexes.",
    ),
    (
        _stmt(Action="s3:ListBucket", Resource="arn:aws:iam:us-east-1::example_bucket"),
        "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.",
    ),
    (
        _stmt(Action="s3:ListBucket", Resource="arn:aws:s3:us-east-1::example_bucket"),
        "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.",
    ),
    (
        {"Version": V, "Statement": {"Effect": "denY", "Action": "s3:ListBucket", "Resource": BUCKET}},
        "The policy failed legacy parsing",
    ),
    (
        _stmt(Action="s3:ListBucket", Resource=BUCKET, Condition={"DateGreaterThan": {"a": "sdfdsf"}}),
        "The policy failed legacy parsing",
    ),
    (
        _stmt(Action="s3:ListBucket", Resource=BUCKET, Condition={"DateLessThanEquals": {"a": "234-13"}}),
        "The policy failed legacy parsing",
    ),
    (
        _stmt(
            Action="s3:ListBucket",
            Resource=BUCKET,
            Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.1999999999+10:59"}},
        ),
        "The policy failed legacy parsing",
    ),
    (_stmt(Action="s3:ListBucket", Resource="arn:aws::fdsasf"), "The policy failed legacy parsing"),
    (
        {
            "Version": V,
            "Statement": [
                {"Sid": "sdf", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET},
                {"Sid": "sdf", "Effect": "Allow"},
            ],
        },
        "Statement IDs (SID) in a single policy must be unique.",
    ),
]

VALID = [
    _stmt(Action="iam: asdf safdsf af ", Resource=BUCKET),
    _stmt(Action="s3:ListBucket", Resource=[BUCKET, "*"]),
    _stmt(Action="s3:ListBucket", Resource="arn:aws:iam:::user/example_bucket"),
    _stmt(Action="s3:ListBucket", Resource="arn:aws:fdsasf"),
    _stmt(Action="s3:ListBucket", Resource="arn:aws:ec2:us-east-1::example_bucket"),
    _stmt(Action="s3:ListBucket", Resource=BUCKET, Condition={"a": {}}),
    _stmt(
        Action="s3:ListBucket",
        Resource=BUCKET,
        Condition={"DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"}},
    ),
    _stmt(
        Action="s3:ListBucket", Resource=BUCKET, Condition={"ForAllValues:StringEquals": {"aws:TagKeys": "D"}}
    ),
]


@pytest.mark.parametrize(("document", "message"), INVALID)
def test_invalid_identity_policies(
    inprocess_client: Callable[..., Any], document: dict[str, Any], message: str
) -> None:
    iam = inprocess_client("iam")
    assert error(lambda: iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(document))) == (
        "MalformedPolicyDocument",
        message,
    )


def test_valid_identity_policies(inprocess_client: Callable[..., Any]) -> None:
    iam = inprocess_client("iam")
    iam.create_user(UserName="u")
    for i, document in enumerate(VALID):
        iam.create_policy(PolicyName=f"p{i}", PolicyDocument=json.dumps(document))
        iam.put_user_policy(UserName="u", PolicyName=f"p{i}", PolicyDocument=json.dumps(document))
