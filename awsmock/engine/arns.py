"""Amazon Resource Names, made and read in one place.

``arn:<partition>:<service>:<region>:<account>:<resource>``, the partition following the region
(``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso``...); global services leave the region empty,
S3 buckets the account too. The resource part is the service's own: ``table/Music``,
``user/path/Bob``, a queue's name, a bucket and key.

    arns.build("dynamodb", "table/Music", region="eu-west-1", account="123456789012")
    arns.parse(arn).resource_id  # "Music"
    arns.account_root("123456789012")  # the account's principal in policies
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "PARTITIONS",
    "Arn",
    "account_root",
    "build",
    "dns_suffix",
    "parse",
    "partition_dns_suffix",
    "partition_of",
]

#: region prefix -> partition (the longest prefix that matches wins)
_PARTITIONS = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
    ("eusc-", "aws-eusc"),
)

#: every partition awsmock knows
PARTITIONS = ("aws", *(p for _, p in _PARTITIONS))

#: partition -> the DNS suffix of its endpoints (``<endpoint prefix>.cn-north-1.amazonaws.com.cn``)
_DNS_SUFFIXES = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
    "aws-eusc": "amazonaws.eu",
}


def partition_of(region: str | None) -> str:
    """The partition a region belongs to (``aws`` for none, or for a region it does not know)."""
    if region:
        for prefix, partition in _PARTITIONS:
            if region.startswith(prefix):
                return partition
    return "aws"


def dns_suffix(region: str | None) -> str:
    """The domain of the endpoints of ``region``'s partition (``amazonaws.com.cn`` in China)."""
    return partition_dns_suffix(partition_of(region))


def partition_dns_suffix(partition: str) -> str:
    """The domain of the endpoints of ``partition``."""
    return _DNS_SUFFIXES.get(partition, "amazonaws.com")


def build(
    service: str, resource: str, *, region: str = "", account: str = "", partition: str | None = None
) -> str:
    """The ARN of ``resource`` of ``service`` (the partition follows the region unless given)."""
    return f"arn:{partition or partition_of(region)}:{service}:{region}:{account}:{resource}"


def account_root(account: str, partition: str = "aws") -> str:
    """The account's root principal, as policies name an account."""
    return build("iam", "root", account=account, partition=partition)


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """What the resource part names before its first ``/`` or ``:`` (``table``), or ``""``."""
        for i, c in enumerate(self.resource):
            if c in "/:":
                return self.resource[:i]
        return ""

    @property
    def resource_id(self) -> str:
        """The resource part after its type (``Music`` of ``table/Music``), or all of it."""
        kind = self.resource_type
        return self.resource[len(kind) + 1 :] if kind else self.resource

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse(text: str) -> Arn | None:
    """The parts of an ARN, or None when ``text`` is not one."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])
