"""WNTR 1.5's EpanetSimulator (EPANET 2.2's library that WNTR ships, results
read from its binary output and converted to SI by WNTR) and the package with
``units="SI"`` give the same results, in the same shape (times, names, keys).

WNTR runs the model as its own writer saves it (values rounded, so a 4-day run
of Net6 drifts ~5 mm of head from EPANET on the original file, which the twin
matches exactly: test_epanet22), so the package reads the file WNTR wrote.
EPANET's binary output holds float32: values agree to 1e-5 relative to each
quantity's largest magnitude; head losses, which EPANET derives from float32
heads, are compared as totals to within the float32 rounding of the heads.
WNTR 1.5 leaves kPa pressures unconverted (it treats them as metres), so the
kPa example is checked against EPANET 2.2 only (test_epanet22)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import oasis_twin as ot
from conftest import REPO, SHARED, require_shared

wntr = pytest.importorskip("wntr")

RTOL = 1e-5
OWN = [REPO / "examples" / "jinchang-demo.inp"] + [
    REPO / "tests" / "networks" / n for n in ("units-gpm.inp", "pump-speed-pattern.inp", "status-settings.inp", "pda-emitters.inp")
]
FROM_SHARED = [
    "EPANET/example-networks/Net1.inp",
    "EPANET/example-networks/Net2.inp",
    "EPANET/example-networks/Net3.inp",
    "WNTR/examples/networks/Net6.inp",
]
NETWORKS = OWN + [SHARED / "networks" / p for p in FROM_SHARED]


@pytest.mark.parametrize("path", NETWORKS, ids=[p.name for p in NETWORKS])
def test_equals_wntr_epanet_simulator(path: Path, tmp_path: Path) -> None:
    if not path.exists():
        require_shared()
    wn = wntr.network.WaterNetworkModel(str(path))
    theirs = wntr.sim.EpanetSimulator(wn).run_sim(file_prefix=str(tmp_path / "wntr"))
    model = ot.read_inp(tmp_path / "wntr.inp")
    ours = model.run(units="SI")
    assert list(ours.time) == list(theirs.node["head"].index)
    keys = [("node", k) for k in ("demand", "head", "pressure")]
    keys += [("link", k) for k in ("flowrate", "velocity", "status", "setting")]
    if ours.has_quality:
        keys += [("node", "quality"), ("link", "quality")]
    for group, key in keys:
        a = getattr(ours, group)[key]
        b = getattr(theirs, group)[key][a.columns]
        scale = max(float(np.nanmax(np.abs(b.to_numpy()))), 1e-12)
        np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=RTOL, atol=RTOL * scale, err_msg=f"{group} {key}")

    # Total head loss in m: a pipe's per-metre loss times its length.
    length_m = np.where(model.links["type"].isin(["Pipe", "CVPipe"]), model.links["length"], 1.0)
    if model.flow_units in ot.units.US_FLOW_UNITS:
        length_m = np.where(model.links["type"].isin(["Pipe", "CVPipe"]), length_m * ot.units.FT_TO_M, 1.0)
    heads = float(np.max(np.abs(theirs.node["head"].to_numpy())))
    a = ours.link["headloss"].to_numpy() * length_m
    b = theirs.link["headloss"][ours.link["headloss"].columns].to_numpy() * length_m
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=4 * np.finfo(np.float32).eps * heads, err_msg="link headloss")
