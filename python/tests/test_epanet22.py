"""The package's results equal EPANET 2.2's own toolkit (entoolkit 2.2.0's
libepanet.so through ctypes) at every reporting time: heads, pressures,
demands, flows, velocities, head losses, statuses, settings and water quality,
to 1e-6 relative (the twin's parity target; `oasis-parity` checks the same
networks bit for bit from Rust), on the repository's networks and the shared
benchmark networks up to 2,000 junctions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import oasis_twin as ot
from conftest import REPO, require_shared, shared_networks
from epanet22 import Project

RTOL = 1e-6

OWN = sorted((REPO / "tests" / "networks").glob("*.inp")) + sorted((REPO / "examples").glob("*.inp"))
# EPANET 2.2 refuses it ([LEAKAGE] is EPANET 2.3's); no-source-component is error 110 (test_errors).
OWN = [p for p in OWN if p.name not in ("leakage-v23.inp", "no-source-component.inp")]
NETWORKS = OWN + shared_networks(max_junctions=2000)


def assert_close(ours: np.ndarray, ref: np.ndarray, what: str) -> None:
    # Relative to each quantity's largest magnitude, so values that round-off
    # leaves near zero (a closed link's 1e-6 flow) are judged on the same scale.
    scale = max(float(np.max(np.abs(ref))) if ref.size else 0.0, 1e-12)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=RTOL * scale, err_msg=what)


def ids(p: Path) -> str:
    return str(p.relative_to(REPO.parent)) if REPO.parent in p.parents else p.name


@pytest.mark.parametrize("path", NETWORKS, ids=[ids(p) for p in NETWORKS])
def test_equals_epanet22(path: Path) -> None:
    model = ot.read_inp(path)
    ours = model.run()
    times = list(ours.time)
    with Project(path) as ref:
        assert ref.nodes == model.node_names and ref.links == model.link_names
        r = ref.hydraulics(times, save=ours.has_quality)
        q = ref.quality(times) if ours.has_quality else None
    assert len(r["head"]) == len(times), "EPANET 2.2 reports at the same times"
    for key in ("head", "pressure", "demand"):
        assert_close(ours.node[key].to_numpy(), r[key], key)
    assert_close(ours.link["flowrate"].to_numpy(), r["flow"], "flow")
    assert_close(ours.link["velocity"].to_numpy(), r["velocity"], "velocity")
    # The toolkit gives a pipe's total head loss; the results give it per 1000 length units.
    links = model.links
    per_length = np.where(links["type"].isin(["Pipe", "CVPipe"]), links["length"] / 1000.0, 1.0)
    assert_close(ours.link["headloss"].to_numpy() * per_length, r["headloss"], "headloss")
    np.testing.assert_array_equal(ours.link["status"].to_numpy() != 0, r["status"] != 0, "open/closed")
    assert_close(ours.link["setting"].to_numpy(), r["setting"], "setting")
    if q is not None:
        assert_close(ours.node["quality"].to_numpy(), q["node"], "node quality")
        assert_close(ours.link["quality"].to_numpy(), q["link"], "link quality")


def test_shared_networks_are_compared() -> None:
    require_shared()
    assert len(shared_networks(max_junctions=2000)) > 100
