"""WNTR 1.5.0's EpanetSimulator with Oasis's library in place of EPANET's, against the
same WNTR with EPANET 2.2.0's library (entoolkit 2.2.0): every result frame WNTR reads
from the binary output file (node demand, head, pressure, quality; link flow, velocity,
headloss, status, setting, friction factor, reaction rate, quality) must be equal
exactly, value for value: both libraries write float32 values to the .out file, and
Oasis claims EPANET 2.2's numbers, so no tolerance is allowed."""

import pickle

import numpy as np
import pytest

from conftest import HERE, network_params, run_child


@pytest.fixture(scope="session")
def wntr_results(wntr_copies, tmp_path_factory):
    """{library: {network: (frames, error)}}: one child process per library runs WNTR
    on every network (WNTR's import is slow); a child that dies is restarted after the
    network it died on, which is recorded as failed with the exit status."""
    inps = [p.values[0] for p in network_params() if p.values[0] is not None]
    out = {}
    for name, root in wntr_copies.items():
        results, todo = {}, list(inps)
        while todo:
            work = tmp_path_factory.mktemp(f"runs-{name}")
            child = run_child([HERE / "run_wntr.py", work, *todo], cwd=work, pythonpath=root)
            for i, inp in enumerate(todo):
                pkl, err = work / f"{i}.pkl", work / f"{i}.err"
                if pkl.exists():
                    with open(pkl, "rb") as f:
                        r = pickle.load(f)
                    # The child imported the copy holding this library, not the installed WNTR.
                    assert r["wntr_file"].startswith(str(root)), r["wntr_file"]
                    results[inp] = (r["frames"], None)
                elif err.exists():
                    results[inp] = (None, err.read_text())
                else:
                    results[inp] = (None, f"the process died (exit {child.returncode}): "
                                          f"{child.stderr[-2000:]}")
                    todo = todo[i + 1:]
                    break
            else:
                todo = []
        out[name] = results
    return out


@pytest.mark.parametrize("inp", network_params())
def test_epanet_simulator_matches_epanet22(inp, wntr_results):
    ref, ref_error = wntr_results["epanet22"][inp]
    ours, our_error = wntr_results["oasis"][inp]
    if ref_error:
        # Where EPANET 2.2 (or WNTR around it) fails, Oasis must fail too, not crash.
        assert our_error is not None and "process died" not in our_error, our_error
        pytest.skip(f"WNTR with EPANET 2.2 fails on this network too: {ref_error[-300:]}")
    assert our_error is None, our_error
    assert sorted(ours) == sorted(ref)
    for key, want in ref.items():
        got = ours[key]
        assert list(got.columns) == list(want.columns), key
        assert got.index.equals(want.index), f"{key}: report times differ"
        a, b = got.to_numpy(dtype=float), want.to_numpy(dtype=float)
        unequal = ~((a == b) | (np.isnan(a) & np.isnan(b)))
        if unequal.any():
            t, c = np.argwhere(unequal)[0]
            pytest.fail(f"{key}: {int(unequal.sum())} of {a.size} values differ; first at "
                        f"t={want.index[t]} s, {want.columns[c]}: Oasis {a[t, c]!r}, "
                        f"EPANET 2.2 {b[t, c]!r}")
