"""Developer tools, run as ``python -m awsmock.devtools COMMAND``:

* ``new-service NAME``: the room of a new service (:mod:`.scaffold`), with one working operation,
  its test, its dashboard listing and its README row;
* ``revision BRANCH -m MESSAGE``: a new Alembic revision holding what the ORM's tables of
  ``BRANCH`` (a service with tables of its own, or ``versions`` for awsmock's own) gained since
  head (:mod:`.migrations`);
* ``readme-table``: the README's service table regenerated from the measured coverage
  (:mod:`.readme`).
"""

from __future__ import annotations

from awsmock.devtools.readme import readme_with_table

__all__ = ["readme_with_table"]
