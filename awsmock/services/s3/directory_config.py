"""What makes a directory bucket (S3 Express One Zone): its name, ``base--zone-id--x-s3``, and
CreateBucket's ``Location`` (the Availability or Local Zone) and ``Bucket`` (``Directory``)
configuration; what CreateBucket answers for one. (The operations on them: ``directory``.)"""

from __future__ import annotations

import re
from typing import Any

from awsmock.engine.context import RequestContext

from .errors import InvalidArgument, InvalidBucketName, InvalidRequest

SUFFIX = "--x-s3"
_NAME = re.compile(r"^(?P<base>[a-z0-9][a-z0-9-]*[a-z0-9])--(?P<zone>[a-z0-9]+-(?:az\d+|[a-z0-9-]+))--x-s3$")


def is_directory(name: str) -> bool:
    """Whether ``name`` is a directory bucket's (a general purpose bucket's may not end so)."""
    return name.endswith(SUFFIX)


def zone_of(name: str) -> str | None:
    m = _NAME.match(name)
    return m.group("zone") if m is not None and len(name) <= 63 and "--" not in m.group("base") else None


def check_create(name: str, config: dict[str, Any]) -> dict[str, Any]:
    """The configuration a directory bucket is created with (InvalidBucketName, InvalidRequest
    when the name, Location or Bucket configuration do not make one)."""
    zone = zone_of(name)
    if zone is None:
        raise InvalidBucketName(BucketName=name)
    location = config.get("Location") or {}
    bucket = config.get("Bucket") or {}
    if bucket.get("Type") != "Directory" or location.get("Type") not in ("AvailabilityZone", "LocalZone"):
        raise InvalidRequest("This operation requires a directory bucket configuration (Location and Bucket)")
    if location.get("Name") != zone:
        raise InvalidBucketName(
            "The specified bucket name does not match the Availability Zone or Local Zone in the location",
            BucketName=name,
        )
    if config.get("LocationConstraint"):
        raise InvalidArgument(
            "LocationConstraint is not supported for directory buckets", ArgumentName="LocationConstraint"
        )
    single = "SingleAvailabilityZone" if location["Type"] == "AvailabilityZone" else "SingleLocalZone"
    redundancy = bucket.get("DataRedundancy") or single
    if redundancy != single:
        raise InvalidArgument("Invalid DataRedundancy for the location type", ArgumentName="DataRedundancy")
    return {"Location": dict(location), "Bucket": {"Type": "Directory", "DataRedundancy": redundancy}}


def bucket_arn(ctx: RequestContext, name: str, region: str) -> str:
    return ctx.arn("s3express", f"bucket/{name}", region=region)


def create_answer(ctx: RequestContext, name: str, region: str, config: dict[str, Any]) -> dict[str, Any]:
    """CreateBucket's answer for a new directory bucket: its zonal endpoint and its ARN."""
    zone = config["Location"]["Name"]
    return {
        "Location": f"https://{name}.s3express-{zone}.{region}.amazonaws.com/",
        "BucketArn": bucket_arn(ctx, name, region),
    }
