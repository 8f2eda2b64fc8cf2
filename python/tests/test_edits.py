"""Editing a model changes its results as the same edit made through EPANET
2.2's toolkit does (entoolkit 2.2.0, EN_setnodevalue/EN_setlinkvalue/
EN_setpattern on the original file; 1e-6 relative, as test_epanet22), and in
the direction physics says it should."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

import oasis_twin as ot
from conftest import REPO
from epanet22 import EN_BASEDEMAND, EN_EMITTER, EN_INITSETTING, EN_INITSTATUS, Project
from test_epanet22 import assert_close

DEMO = REPO / "examples" / "jinchang-demo.inp"


def compare(model: ot.Model, edit_reference) -> ot.SimulationResults:
    ours = model.run()
    with Project(DEMO) as ref:
        edit_reference(ref)
        r = ref.hydraulics(list(ours.time))
    for key in ("head", "pressure", "demand"):
        assert_close(ours.node[key].to_numpy(), r[key], key)
    assert_close(ours.link["flowrate"].to_numpy(), r["flow"], "flow")
    return ours


def test_leak_equals_epanet_emitter_and_draws_water() -> None:
    base = ot.read_inp(DEMO).run()
    model = ot.read_inp(DEMO).add_leak("M0100", 0.8)
    assert model.emitter_coefficient("M0100") == pytest.approx(0.8)
    ours = compare(model, lambda ref: ref.set_node("M0100", EN_EMITTER, 0.8))
    # The leak's outflow shows in the junction's demand, and pressures fall.
    assert (ours.node["demand"]["M0100"] > base.node["demand"]["M0100"] + 0.1).all()
    assert (ours.node["pressure"]["M0100"] < base.node["pressure"]["M0100"]).all()


def test_base_demand_equals_epanet() -> None:
    model = ot.read_inp(DEMO).set_base_demand("M0010", 3.0)
    assert model.base_demand("M0010") == 3.0
    compare(model, lambda ref: ref.set_node("M0010", EN_BASEDEMAND, 3.0))


def test_closed_pipe_equals_epanet_and_carries_nothing() -> None:
    model = ot.read_inp(DEMO).set_link_status("P0003", "CLOSED")
    ours = compare(model, lambda ref: ref.set_link("P0003", EN_INITSTATUS, 0))
    assert (ours.link["status"]["P0003"] == 0).all()
    assert (ours.link["flowrate"]["P0003"].abs() < 1e-5).all()


def test_pump_speed_equals_epanet() -> None:
    model = ot.read_inp(DEMO).set_link_setting("PS-1", 0.9)
    compare(model, lambda ref: ref.set_link("PS-1", EN_INITSETTING, 0.9))


def test_pattern_equals_epanet() -> None:
    factors = [0.5, 1.5] * 12
    model = ot.read_inp(DEMO).set_pattern("RES", factors)
    assert model.pattern("RES") == factors

    def edit(ref: Project) -> None:
        index = ctypes.c_int()
        assert ref.l.EN_getpatternindex(ref.ph, b"RES", ctypes.byref(index)) == 0
        values = (ctypes.c_double * len(factors))(*factors)
        assert ref.l.EN_setpattern(ref.ph, index, values, len(factors)) == 0

    compare(model, edit)


def test_copy_is_independent_and_edits_round_trip_through_inp() -> None:
    model = ot.read_inp(DEMO)
    leaky = model.copy().add_leak("M0100", 0.8).set_link_status("P0003", "CLOSED")
    assert model.emitter_coefficient("M0100") == 0.0
    again = ot.read_inp(leaky.to_inp())
    assert again.emitter_coefficient("M0100") == pytest.approx(0.8)
    assert again.links.loc["P0003", "initial_status"] == "CLOSED"
    a, b = leaky.run(), again.run()
    np.testing.assert_array_equal(a.node["head"].to_numpy(), b.node["head"].to_numpy())


def test_demand_multiplier_scales_junction_demands() -> None:
    base = ot.read_inp(DEMO).run(steady=True)
    doubled = ot.read_inp(DEMO).set_demand_multiplier(2.0).run(steady=True)
    junctions = ot.read_inp(DEMO).junction_names
    np.testing.assert_allclose(doubled.node["demand"][junctions], 2 * base.node["demand"][junctions], rtol=1e-12)


def test_bad_edits_are_value_errors() -> None:
    model = ot.read_inp(DEMO)
    with pytest.raises(ValueError, match="no node 'NOPE'"):
        model.add_leak("NOPE", 1.0)
    with pytest.raises(ValueError, match="not a junction"):
        model.add_leak("TANK-W", 1.0)
    with pytest.raises(ValueError, match=">= 0"):
        model.add_leak("M0001", -1.0)
    with pytest.raises(ValueError, match="'OPEN' or 'CLOSED'"):
        model.set_link_status("P0003", "SHUT")
    with pytest.raises(ValueError, match="no pattern"):
        model.set_demand_pattern("M0001", "NOPE")
