"""What a listener answering as a proxy needs to know."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from awsmock.engine.config import Config, default_data_dir


@dataclass(frozen=True)
class ProxySettings:
    #: where the local CA is kept (the data dir; the user's data dir when the state is elsewhere)
    ca_dir: Path
    #: whether requests for hosts that are not AWS's are let through (else refused with 403)
    passthrough: bool = False
    #: whether refusals are logged (off with the request log: ``--quiet``)
    log_refusals: bool = True

    @classmethod
    def of(cls, config: Config, *, quiet: bool = False) -> ProxySettings:
        ca_dir = config.data_dir if config.data_dir is not None else default_data_dir()
        return cls(ca_dir=Path(ca_dir).expanduser(), passthrough=config.proxy_passthrough, log_refusals=not quiet)
