"""Where the state lives and how the server runs: one immutable settings object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566


def default_data_dir() -> Path:
    env = os.environ.get("AWSMOCK_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "awsmock"


@dataclass(frozen=True)
class Config:
    """How to reach the state and serve it.

    Exactly one of ``database_url`` / ``in_memory`` / ``data_dir`` decides the database:
    an explicit URL wins, then in-memory, then ``<data_dir>/awsmock.db``.
    """

    data_dir: Path | None = None
    database_url: str | None = None
    in_memory: bool = False
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    threads: int = 8
    concurrency: int | None = None  # requests doing Python work at once (None: 1 on SQLite)
    services: tuple[str, ...] = ()
    log_level: str = "info"
    admin_token: str | None = None
    proxy: bool = False  # the listener also answers as an HTTP/HTTPS proxy for AWS hosts
    proxy_passthrough: bool = False  # a proxy forwards requests for other hosts (else refuses them)
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        values: dict[str, object] = {}
        if os.environ.get("AWSMOCK_DATABASE_URL"):
            values["database_url"] = os.environ["AWSMOCK_DATABASE_URL"]
        if os.environ.get("AWSMOCK_ADMIN_TOKEN"):
            values["admin_token"] = os.environ["AWSMOCK_ADMIN_TOKEN"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        if not values.get("database_url") and not values.get("in_memory") and not values.get("data_dir"):
            values["data_dir"] = default_data_dir()
        if isinstance(values.get("data_dir"), str):
            values["data_dir"] = Path(str(values["data_dir"])).expanduser()
        return cls(**values)  # type: ignore[arg-type]

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        if self.in_memory or self.data_dir is None:
            return "sqlite://"
        return f"sqlite:///{Path(self.data_dir).resolve() / 'awsmock.db'}"
