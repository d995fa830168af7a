#!/usr/bin/env python3
"""Regenerate docs/config.md from the registered config sections (`--check` fails when it is stale)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.daemon.config_docs import render  # noqa: E402


def main() -> int:
    target = ROOT / "docs" / "config.md"
    text = render()
    if "--check" in sys.argv:
        if not target.exists() or target.read_text() != text:
            print(f"{target} is stale: run scripts/gen_config_docs.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    print(f"wrote {target} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
