"""``python -m awsmock.devtools new-service NAME | revision BRANCH -m MESSAGE | readme-table``."""

from __future__ import annotations

import argparse
import sys

from awsmock.devtools import migrations, scaffold
from awsmock.devtools.readme import write_readme_table


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m awsmock.devtools")
    sub = parser.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new-service", help="the room of a new service, with one working operation")
    new.add_argument("name", help="the service: a name of the README's table or botocore's")
    new.add_argument("--operation", help="the operation to start with (default: its first listing)")
    rev = sub.add_parser("revision", help="a new Alembic revision for what a branch's tables gained")
    rev.add_argument("branch", help="a service with tables of its own, or 'versions' (awsmock's own)")
    rev.add_argument("-m", "--message", required=True)
    sub.add_parser("readme-table", help="regenerate the README's service table")
    args = parser.parse_args(argv)
    if args.command == "new-service":
        try:
            written = scaffold.new_service(args.name, args.operation)
        except scaffold.ScaffoldError as exc:
            print(f"new-service: {exc}", file=sys.stderr)
            return 2
        for path in written:
            print(f"wrote {path.relative_to(scaffold.ROOT)}")
        print(f"updated the service table in {write_readme_table().name}")
        return 0
    if args.command == "revision":
        target = migrations.revision(args.branch, args.message)
        print(f"wrote {target}" if target else f"{args.branch}: the tables need no new revision")
        return 0
    print(f"updated the service table in {write_readme_table()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
