"""The `telefonist` command: the operator's and developer's tool for local work.

Each subcommand lives in its own module and registers itself in COMMANDS; heavy imports
(moto, duckdb, CDK) happen inside the command, never at import time.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from telefonist_local.cli import (
    demo,
    index_mobiles,
    migrate_lines,
    provision,
    rate,
    rebuild_routes,
    release,
    rerate,
    serve,
    smoke,
)

Register = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]
COMMANDS: list[Register] = [
    demo.register,
    serve.register,
    rate.register,
    rerate.register,
    migrate_lines.register,
    index_mobiles.register,
    provision.register,
    rebuild_routes.register,
    release.register,
    smoke.register,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="telefonist", description="telefonist: hosted switchboard, locally")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result
