"""The tour in docs/python.md runs and prints exactly the output shown there."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def test_quickstart_prints_the_documented_output() -> None:
    doc = (REPO / "docs" / "python.md").read_text()
    shown = re.search(r"Output:\n\n```text\n(.*?)\n```", doc, re.S).group(1)
    run = subprocess.run(
        [sys.executable, "examples/python/quickstart.py"], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert run.stdout.rstrip() == shown
