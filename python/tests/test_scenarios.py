"""Scenarios run in parallel equal the same edits run one by one, and the base
model is left unchanged."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import oasis_twin as ot
from conftest import REPO

DEMO = REPO / "examples" / "jinchang-demo.inp"


def assert_same(a: ot.SimulationResults, b: ot.SimulationResults) -> None:
    assert list(a.time) == list(b.time)
    for group in ("node", "link"):
        for key, frame in getattr(a, group).items():
            np.testing.assert_array_equal(frame.to_numpy(), getattr(b, group)[key].to_numpy(), err_msg=f"{group} {key}")


def test_parallel_scenarios_equal_serial_runs() -> None:
    model = ot.read_inp(DEMO)
    scenarios = [ot.Leak(j, 0.5) for j in model.junction_names[:6]]
    scenarios += [[ot.LinkStatus("P0003", "CLOSED"), ot.DemandMultiplier(1.2)], ot.LinkSetting("PS-1", 0.9)]
    parallel = ot.run_scenarios(model, scenarios, threads=4)
    assert len(parallel) == len(scenarios)
    for s, got in zip(scenarios, parallel):
        alone = model.copy()
        for e in s if isinstance(s, list) else [s]:
            alone.apply(e)
        assert_same(got, alone.run())
    assert model.emitter_coefficient(model.junction_names[0]) == 0.0, "the base model is unchanged"
    # A leak changes the results (the scenarios are not all the base run).
    base = model.run()
    assert not np.array_equal(parallel[0].node["demand"].to_numpy(), base.node["demand"].to_numpy())


def test_steady_and_quality_scenarios_equal_serial_runs() -> None:
    model = ot.read_inp(DEMO)
    steady = ot.run_scenarios(model, [ot.Leak("M0100", 1.0)], steady=True, units="SI")
    assert_same(steady[0], model.copy().add_leak("M0100", 1.0).run(steady=True, units="SI"))
    assert list(steady[0].time) == [0]
    q = ot.run_scenarios(model, [ot.Leak("M0100", 1.0)], quality=True)
    alone = model.copy().add_leak("M0100", 1.0).run(quality=True)
    assert q[0].has_quality and alone.has_quality
    assert_same(q[0], alone)


def test_failed_scenarios_raise_or_stand_in_their_place() -> None:
    model = ot.read_inp(DEMO)
    scenarios = [ot.Leak("M0001", 0.1), ot.Leak("NOPE", 0.1)]
    with pytest.raises(ValueError, match="scenario 1: no node 'NOPE'"):
        ot.run_scenarios(model, scenarios)
    out = ot.run_scenarios(model, scenarios, errors="return")
    assert isinstance(out[0], ot.SimulationResults) and isinstance(out[1], ValueError)
    cut_off = ot.read_inp(REPO / "tests" / "networks" / "no-source-component.inp")
    out = ot.run_scenarios(cut_off, [ot.DemandMultiplier(1.0)], errors="return")
    assert isinstance(out[0], ot.HydraulicsError) and out[0].code == 110


def test_the_gil_is_released_while_scenarios_run() -> None:
    # A Python thread records the time as fast as it can while run_scenarios
    # works; were the GIL held inside Rust, its records would stop for the
    # whole solve. So no gap between records may come near the call's length.
    model = ot.read_inp(DEMO)
    stamps = []
    running = threading.Event()

    def tick() -> None:
        running.wait()
        while running.is_set():
            stamps.append(time.perf_counter())

    t = threading.Thread(target=tick)
    t.start()
    running.set()
    start = time.perf_counter()
    ot.run_scenarios(model, [ot.Leak(j, 0.5) for j in model.junction_names[:40]], threads=1)
    length = time.perf_counter() - start
    running.clear()
    t.join()
    inside = np.array([start] + [s for s in stamps if start <= s] + [start + length])
    assert np.diff(inside).max() < length / 2
