"""The state: one database per store, and what keeps it.

``store`` (engines, transactions, migrations, reset), ``snapshots`` (save, restore, export),
``notify`` and ``notify_pg`` (wake-ups after writes), ``rawvalues`` and ``jsontext`` (fast row
and JSON codecs). Nothing here names a service.
"""
