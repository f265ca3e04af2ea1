"""The request machinery: what every request passes through, whatever its service.

``specs`` (botocore's models), ``wire`` (requests and responses as the protocols see them),
``context`` (what a handler is given), ``registry`` (handlers and what each service declares),
``errors``, ``waiting`` and ``turns`` (long polls, worker threads), ``catalog`` and ``coverage``
(the services awsmock stands for, and how much of each it implements), ``inventory`` (what the
dashboard lists). Nothing here names a service: services declare what they need.
"""
