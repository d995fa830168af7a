"""docs/config.md lists every key of every section with its default and help, and is current."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from edtest_helpers import ROOT

from agent.config import sections
from agent.daemon.config_docs import missing_help, render


def test_config_reference_is_current():
    doc = (ROOT / "docs" / "config.md").read_text()
    assert doc == render(), "docs/config.md is stale: run .venv/bin/python scripts/gen_config_docs.py and commit it"


def test_every_key_is_documented_with_help():
    assert missing_help() == []
    doc = render()
    for name, cls in sections().items():
        assert f"## [{name}]" in doc
        part = doc.split(f"## [{name}]")[1].split("\n## ")[0]
        for f in dataclasses.fields(cls):
            assert f"| `{f.name}` |" in part, f"{name}.{f.name} missing from the reference"


def test_daemon_sections_documented_and_check_mode():
    doc = render()
    assert "| `restart_backoff_s` | a number | `1.0` |" in doc and "| `keep_versions` | a whole number | `2` |" in doc
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_config_docs.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
