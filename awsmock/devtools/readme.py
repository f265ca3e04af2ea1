"""The README's service table, regenerated from the measured coverage."""

from __future__ import annotations

from pathlib import Path

from awsmock.engine.coverage import coverage_rows, readme_table

README = Path(__file__).resolve().parent.parent.parent / "README.md"
TABLE_START = "<!-- services:start -->"
TABLE_END = "<!-- services:end -->"


def readme_with_table(text: str) -> str:
    """``text`` (the README) with its service table regenerated from the measured coverage."""
    head, _, rest = text.partition(TABLE_START)
    _, _, tail = rest.partition(TABLE_END)
    return f"{head}{TABLE_START}\n{readme_table(coverage_rows())}\n{TABLE_END}{tail}"


def write_readme_table(readme: Path = README) -> Path:
    readme.write_text(readme_with_table(readme.read_text()))
    return readme
