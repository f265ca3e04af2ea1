"""The request context a handler receives: who, where, when, and the database session."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from awsmock.engine import arns
from awsmock.engine.clock import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from awsmock.state.store import Store, Transaction

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


_REQUEST_PREFIX = ""
_HEX16_PREFIX = ""
_request_numbers = itertools.count()


def _new_request_sequence() -> None:
    global _REQUEST_PREFIX, _HEX16_PREFIX, _request_numbers
    _REQUEST_PREFIX = str(uuid.uuid4())[:24]  # random per process: 8-4-4-4 hex digits and a dash
    _HEX16_PREFIX = os.urandom(3).hex().upper()
    _request_numbers = itertools.count(int.from_bytes(os.urandom(5), "big"))


_new_request_sequence()
os.register_at_fork(after_in_child=_new_request_sequence)  # a forked child gets its own


def new_request_id(style: str = "uuid") -> str:
    """A request id, unique per process (a random prefix, then a counter): as unique as
    ``uuid4()`` for this purpose without a system call for randomness per request. UUID-shaped
    by default; ``hex16``: 16 upper-case hex digits."""
    if style == "hex16":
        return f"{_HEX16_PREFIX}{next(_request_numbers) & 0xFFFFFFFFFF:010X}"
    return f"{_REQUEST_PREFIX}{next(_request_numbers) & 0xFFFFFFFFFFFF:012x}"


@dataclass
class RequestContext:
    """What a handler knows about its request (never the HTTP request itself).

    ``endpoint`` is the scheme and host the client used (``http://localhost:4566``), for
    resources whose identifiers are URLs.
    """

    service: str
    operation: str
    #: the request's transaction: ``tx.execute`` for prebuilt statements on the hot paths
    tx: Transaction
    store: Store
    account_id: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    request_id: str = field(default_factory=new_request_id)
    now: dt.datetime = field(default_factory=utcnow)
    endpoint: str = "http://localhost:4566"
    host: str = "localhost"
    access_key_id: str | None = None
    principal_arn: str | None = None
    source_ip: str = "127.0.0.1"
    protocol: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    #: the request's decoded query parameters, in order (e.g. presigned-URL X-Amz-Date/X-Amz-Expires)
    query: list[tuple[str, str]] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)
    #: overrides the success status the protocol chose (206 Partial Content, 202 Accepted)
    response_status: int | None = None
    #: replaces the body the protocol serialized, with its Content-Type (a form POST's 201 answer)
    response_body: tuple[bytes, str] | None = None
    final_attempt: bool = False
    _after_commit: list[Callable[[], Any]] = field(default_factory=list)

    @classmethod
    def of_request(
        cls,
        service: str,
        operation: str,
        tx: Transaction,
        store: Store,
        account_id: str,
        region: str,
        request_id: str,
        endpoint: str,
        host: str,
        access_key_id: str | None,
        source_ip: str,
        protocol: str,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        final_attempt: bool,
    ) -> RequestContext:
        """The context the dispatcher makes for each request (as the constructor would, with
        ``now`` and the defaults of the rest, without its keyword handling: one per request)."""
        ctx = cls.__new__(cls)
        ctx.__dict__ = {
            "service": service,
            "operation": operation,
            "tx": tx,
            "store": store,
            "account_id": account_id,
            "region": region,
            "request_id": request_id,
            "now": utcnow(),
            "endpoint": endpoint,
            "host": host,
            "access_key_id": access_key_id,
            "principal_arn": None,
            "source_ip": source_ip,
            "protocol": protocol,
            "headers": headers,
            "query": query,
            "response_headers": {},
            "response_status": None,
            "response_body": None,
            "final_attempt": final_attempt,
            "_after_commit": [],
        }
        return ctx

    @property
    def session(self) -> Session:
        """The ORM session of the request's transaction (made on first use)."""
        return self.tx.session

    def after_commit(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` once the request's transaction has committed (e.g. to wake long pollers)."""
        self._after_commit.append(fn)

    def committed(self) -> None:
        """The transaction has committed: run what was asked to run then (a failure is logged)."""
        hooks, self._after_commit = self._after_commit, []
        for fn in hooks:
            try:
                fn()
            except Exception:
                logging.getLogger("awsmock.context").exception(
                    "after-commit work of %s %s failed", self.service, self.operation
                )

    @property
    def partition(self) -> str:
        """The partition of the request's region (``aws``, ``aws-cn``, ``aws-us-gov``...)."""
        return arns.partition_of(self.region)

    def account_root(self, account: str | None = None) -> str:
        """The root principal of ``account`` (the request's by default) in the request's partition."""
        return arns.account_root(self.account_id if account is None else account, self.partition)

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        """The ARN of ``resource`` of ``service`` in this request's region and account (or those
        given; ``""`` for a global service or a bucket), in the partition of the request's region."""
        reg = self.region if region is None else region
        return arns.build(
            service,
            resource,
            region=reg,
            account=self.account_id if account is None else account,
            partition=arns.partition_of(self.region),
        )


@contextlib.contextmanager
def acting(
    store: Store,
    service: str,
    operation: str,
    *,
    account: str,
    region: str,
    request_id: str | None = None,
    write: bool = True,
) -> Iterator[RequestContext]:
    """Work a service does on its own, outside any request (a delivery, a poll, a scheduled
    firing): a context for ``account`` in ``region`` in a transaction of its own, whose
    after-commit work runs once it has committed (nothing runs if the block raised)."""
    with store.transaction(write=write) as tx:
        ctx = RequestContext(
            service=service,
            operation=operation,
            tx=tx,
            store=store,
            account_id=account,
            region=region,
            request_id=request_id or str(uuid.uuid4()),
        )
        yield ctx
    ctx.committed()
