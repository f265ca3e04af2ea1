"""Packaging: metadata lives in setup.cfg; the package list is computed here, so every
subpackage of awsmock/, api/, models/ and migrations/ ships (api/, models/ and migrations/ are
installed as awsmock.api, awsmock.models and awsmock.migrations by setup.cfg's package_dir)."""

from __future__ import annotations

from setuptools import find_packages, setup

ROOTS = {"awsmock": "awsmock", "awsmock.api": "api", "awsmock.models": "models", "awsmock.migrations": "migrations"}


def packages() -> list[str]:
    out = []
    for name, where in ROOTS.items():
        out.append(name)
        out.extend(f"{name}.{sub}" for sub in find_packages(where))
    return sorted(out)


if __name__ == "__main__":
    setup(packages=packages())
