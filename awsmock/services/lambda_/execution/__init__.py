"""Lambda's execution engine: runs functions' code for real, in local subprocesses, no Docker.

The Invoke handlers hand it a :class:`FunctionImage` (one version of one function, with loaders
for its code and layers) and an :class:`Invocation`; :func:`invoke` runs the invocation in a warm
or new execution environment of that image and answers an :class:`Outcome` (the payload, AWS's
function error, the log lines with START/END/REPORT, durations and memory). The engine knows
nothing of the database or of awsmock's HTTP requests.

* Each execution environment is a subprocess talking to the Lambda Runtime API
  (``/2018-06-01/runtime/...``) that awsmock serves to it on 127.0.0.1 (its own port, in
  ``AWS_LAMBDA_RUNTIME_API``). ``python3.x`` runs on a local interpreter with awsmock's own
  runtime (:mod:`.python_runtime`), ``nodejs*`` on a local ``node`` (:mod:`.node_runtime`),
  ``provided*`` runs the function's own ``bootstrap``; anything else answers a clear
  ``service_error`` (:mod:`.runtimes`).
* Code and layers are unpacked once per SHA-256 under ``tempfile.gettempdir()/awsmock-lambda-
  <uid>/`` (:mod:`.archives`); layers are merged in order into the image's ``/opt``.
* Environments are reused per ``image.identity``, one invocation at a time each, at most
  ``MAX_ENVIRONMENTS`` alive per process (least recently used idle one killed first), idle ones
  reaped after ``IDLE_TTL_S``; :func:`shutdown` (also at interpreter exit) kills them all.
* The function's environment is AWS's (``_HANDLER``, ``AWS_LAMBDA_*``, ``LAMBDA_TASK_ROOT``,
  credentials of the image, ``AWS_ENDPOINT_URL`` = ``image.aws_endpoint``, ``TZ=:UTC``...), plus
  its own variables; of this process's environment only ``PATH``, ``LD_LIBRARY_PATH`` and proxy
  and CA-bundle settings pass (``HOME`` is an empty directory of the cache, so no ``~/.aws`` of
  the user is read inside a function).
"""

from __future__ import annotations

from awsmock.services.lambda_.execution.contract import (
    Archive,
    Credentials,
    FunctionImage,
    Invocation,
    LogLine,
    Outcome,
)
from awsmock.services.lambda_.execution.pool import invoke, live_environments, shutdown

__all__ = [
    "Archive",
    "Credentials",
    "FunctionImage",
    "Invocation",
    "LogLine",
    "Outcome",
    "invoke",
    "live_environments",
    "shutdown",
]
