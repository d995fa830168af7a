"""``edge-agent`` command line: one entry point, subcommands owned by their packages.

Each package's ``cli`` module has ``register(sub, groups)`` that adds its
subcommands; ``groups`` holds the shared sub-groups (``bench``, ``eval``) so
several packages can add e.g. ``bench llm`` and ``bench outbox``. Heavy imports
happen inside the command functions so ``edge-agent --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from agent import __version__
from agent.logs import setup_logging

COMMAND_MODULES = [
    "agent.llm.cli",
    "agent.sensors.cli",
    "agent.sync.cli",
    "agent.kiosk.cli",
    "agent.daemon.cli",
    "firmware_bridge.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edge-agent", description="On-device agent for kiosks and vending machines.")
    parser.add_argument("--version", action="version", version=f"edge-agent {__version__}")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR (default: INFO, or the config's)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    groups = {
        "bench": sub.add_parser("bench", help="benchmarks that print figures").add_subparsers(dest="bench", metavar="TARGET", required=True),
        "eval": sub.add_parser("eval", help="quality evaluations").add_subparsers(dest="eval", metavar="TARGET", required=True),
    }
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, groups)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_level or "INFO")
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
