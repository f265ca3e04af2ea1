"""awsmock's pytest plugin (entry point ``pytest11``): fixtures for tests that use awsmock.

Placeholder until the in-process issue lands; the fixtures are defined there.
"""
