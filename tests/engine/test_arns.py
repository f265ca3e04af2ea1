"""One ARN helper: partitions follow regions; parts read back."""

from __future__ import annotations

from awsmock.engine import arns


def test_build_and_parse() -> None:
    text = arns.build("dynamodb", "table/Music", region="cn-north-1", account="123456789012")
    assert text == "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/Music"
    arn = arns.parse(text)
    assert arn is not None and (arn.service, arn.region, arn.resource_type, arn.resource_id) == (
        "dynamodb",
        "cn-north-1",
        "table",
        "Music",
    )
    assert str(arn) == text
    assert arns.build("s3", "bucket/key") == "arn:aws:s3:::bucket/key"
    assert arns.parse("arn:aws:sqs:us-east-1:1:q").resource_id == "q"  # type: ignore[union-attr]
    assert arns.parse("not an arn") is None and arns.parse("arn::s3:::b") is None
    assert (
        arns.partition_of("us-gov-west-1") == "aws-us-gov" and arns.account_root("1") == "arn:aws:iam::1:root"
    )
