"""Public parameters: what AWS publishes under ``/aws/service/`` for every account to read, a
small realistic set computed per region (never stored, never writable).

* the latest Amazon Linux AMIs, ``/aws/service/ami-amazon-linux-latest/<image>`` (Amazon Linux
  2023 and 2, x86_64 and arm64), and the ECS-optimized ones
  (``/aws/service/ecs/optimized-ami/<os>/recommended/image_id``); an AMI id is the same for a
  region and image in every run (derived from both), shaped as EC2's;
* the global infrastructure: ``/aws/service/global-infrastructure/regions/<region>`` (its
  code) with ``longName``, ``partition`` and ``domain`` under it, and
  ``/aws/service/global-infrastructure/services/ssm``.

GetParameter(s) and GetParametersByPath answer them as any parameter (version 1, no labels);
DescribeParameters lists only the account's own, as AWS does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache

from awsmock.engine import arns

PUBLISHED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

_AMAZON_LINUX = (
    "al2023-ami-kernel-default-x86_64",
    "al2023-ami-kernel-default-arm64",
    "al2023-ami-kernel-6.1-x86_64",
    "al2023-ami-kernel-6.1-arm64",
    "al2023-ami-minimal-kernel-default-x86_64",
    "al2023-ami-minimal-kernel-default-arm64",
    "amzn2-ami-hvm-x86_64-gp2",
    "amzn2-ami-hvm-arm64-gp2",
    "amzn2-ami-hvm-x86_64-ebs",
    "amzn2-ami-kernel-5.10-hvm-x86_64-gp2",
    "amzn2-ami-kernel-5.10-hvm-arm64-gp2",
)
_ECS = ("amazon-linux-2", "amazon-linux-2/arm64", "amazon-linux-2023", "amazon-linux-2023/arm64")

REGIONS = {
    "af-south-1": "Africa (Cape Town)",
    "ap-east-1": "Asia Pacific (Hong Kong)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-south-2": "Asia Pacific (Hyderabad)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-southeast-3": "Asia Pacific (Jakarta)",
    "ap-southeast-4": "Asia Pacific (Melbourne)",
    "ca-central-1": "Canada (Central)",
    "ca-west-1": "Canada West (Calgary)",
    "cn-north-1": "China (Beijing)",
    "cn-northwest-1": "China (Ningxia)",
    "eu-central-1": "Europe (Frankfurt)",
    "eu-central-2": "Europe (Zurich)",
    "eu-north-1": "Europe (Stockholm)",
    "eu-south-1": "Europe (Milan)",
    "eu-south-2": "Europe (Spain)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-west-3": "Europe (Paris)",
    "il-central-1": "Israel (Tel Aviv)",
    "me-central-1": "Middle East (UAE)",
    "me-south-1": "Middle East (Bahrain)",
    "sa-east-1": "South America (Sao Paulo)",
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-gov-east-1": "AWS GovCloud (US-East)",
    "us-gov-west-1": "AWS GovCloud (US-West)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
}


def _ami(region: str, image: str) -> str:
    return "ami-0" + hashlib.sha256(f"{region}\n{image}".encode()).hexdigest()[:16]


@cache
def parameters(region: str) -> dict[str, str]:
    """Every public parameter of ``region``: name -> value, sorted by name."""
    out: dict[str, str] = {}
    for image in _AMAZON_LINUX:
        out[f"/aws/service/ami-amazon-linux-latest/{image}"] = _ami(region, image)
    for os_name in _ECS:
        out[f"/aws/service/ecs/optimized-ami/{os_name}/recommended/image_id"] = _ami(region, "ecs/" + os_name)
    base = "/aws/service/global-infrastructure"
    for code, long_name in REGIONS.items():
        partition = arns.partition_of(code)
        out[f"{base}/regions/{code}"] = code
        out[f"{base}/regions/{code}/longName"] = long_name
        out[f"{base}/regions/{code}/partition"] = partition
        out[f"{base}/regions/{code}/domain"] = (
            "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        )
    out[f"{base}/services/ssm"] = "ssm"
    out[f"{base}/services/ssm/longName"] = "AWS Systems Manager"
    return dict(sorted(out.items()))
