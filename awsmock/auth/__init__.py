"""Authentication (SigV4 against IAM access keys and STS credentials) and authorization (IAM
policy evaluation), switched on by ``INITIAL_NO_AUTH_ACTION_COUNT``.

For the in-process helper (``awsmock.set_initial_no_auth_action_count``)::

    previous = set_initial_no_auth_action_count(store, n)
    ...
    restore_initial_no_auth_action_count(store, previous)
"""

from __future__ import annotations

from awsmock.auth.settings import restore as restore_initial_no_auth_action_count
from awsmock.auth.settings import set_initial_no_auth_action_count, status

__all__ = ["restore_initial_no_auth_action_count", "set_initial_no_auth_action_count", "status"]
