"""Service behaviour: ``awsmock.services.<service>`` holds one service's handlers and logic.

Modules here are discovered and imported by :func:`awsmock.engine.registry.load_all`.
"""
