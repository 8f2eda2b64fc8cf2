"""WNTR 1.5.0's EpanetSimulator with Oasis's library in place of EPANET's, against the
same WNTR with EPANET 2.2.0's library (entoolkit 2.2.0): every result frame WNTR reads
from the binary output file (node demand, head, pressure, quality; link flow, velocity,
headloss, status, setting, friction factor, reaction rate, quality) must be equal
exactly, value for value: both libraries write float32 values to the .out file, and
Oasis claims EPANET 2.2's numbers, so no tolerance is allowed."""

import pytest

from conftest import HERE, assert_same, network_params, run_batch, selected_networks


@pytest.fixture(scope="session")
def wntr_results(request, wntr_copies, tmp_path_factory):
    """{library: {network: (results, error)}}, each library's WNTR in its own child."""
    out = {}
    for name, root in wntr_copies.items():
        inps = selected_networks(request, "test_epanet_simulator_matches_epanet22")
        out[name] = run_batch([HERE / "run_wntr.py"], inps,
                              tmp_path_factory.mktemp(f"wntr-runs-{name}"), pythonpath=root)
        for results, _ in out[name].values():
            # The child imported the copy holding this library, not the installed WNTR.
            assert results is None or results["wntr_file"].startswith(str(root))
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
    frames, want_frames = ours["frames"], ref["frames"]
    assert sorted(frames) == sorted(want_frames)
    for key, want in want_frames.items():
        got = frames[key]
        assert list(got.columns) == list(want.columns), key
        assert got.index.equals(want.index), f"{key}: report times differ"
        assert_same(got.to_numpy(dtype=float), want.to_numpy(dtype=float), key)
