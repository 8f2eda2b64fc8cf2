"""Shared paths and the reference runners for the package's tests."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(Path(__file__).parent))


def shared_networks(max_junctions: int):
    """Shared benchmark networks EPANET 2.2 opens, up to a size (empty without ../shared)."""
    manifest = SHARED / "networks" / "manifest.json"
    if not manifest.exists():
        return []
    rows = json.loads(manifest.read_text())
    return [
        SHARED / "networks" / r["file"]
        for r in rows
        if r["epanet22_error"] is None and r["junctions"] is not None and r["junctions"] <= max_junctions
    ]


def require_shared():
    """Skips with a note where ../shared is absent; under CI (CI=true) it must be there."""
    if not (SHARED / "networks").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED}/networks is absent, and CI needs the shared benchmark networks")
        pytest.skip(f"{SHARED}/networks is absent: the shared benchmark networks are not compared")
