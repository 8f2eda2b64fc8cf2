#!/usr/bin/env python3
"""Times the Oasis Python package beside WNTR 1.5's two simulators, in one run.

For every network: the whole extended-period run (the file's DURATION) from
Python, each engine in a fresh child process, `--repeat` times (the median is
reported):

* oasis:   ``oasis_twin.read_inp(path)`` then ``model.run()`` (hydraulics, and water
           quality where the file asks for it, results as DataFrames);
* epanet:  WNTR's ``EpanetSimulator(wn).run_sim()`` (WNTR writes the model to .inp,
           EPANET 2.2's library that WNTR ships solves it, WNTR reads the binary
           output into DataFrames);
* wntr:    WNTR's own ``WNTRSimulator(wn).run_sim()`` (demand-driven), once,
           time-boxed by ``--wntr-timeout``; where it cannot converge at some time it
           stops there and returns what it has (marked "stopped unconverged").

Oasis and EpanetSimulator run ``--repeat`` times (once on networks of more than
20,000 junctions).

Times are the child process's CPU time, all its threads (``--clock cpu``, the
default: steadier on a busy shared machine) or wall time (``--clock wall``); the
time-box is always wall time. "load" is reading the model (``read_inp`` /
``WaterNetworkModel``); "run" is the simulation with its results. Ratios are the other engine's run time over Oasis's.

    python3 scripts/bench_python.py --city city-100k.inp

The networks are the shared benchmark networks of at least 1,000 junctions
(../shared/networks/manifest.json) plus any ``--city`` files (make one with
``oasis-bench city --junctions 100000 -o city-100k.inp``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "networks"

CHILD = r"""
import json, sys, time, tempfile, os, warnings
warnings.simplefilter("ignore")
engine, path = sys.argv[1], sys.argv[2]
clock = time.process_time if sys.argv[3] == "cpu" else time.perf_counter
if engine == "oasis":
    import oasis_twin as ot
    t0 = clock()
    model = ot.read_inp(path)
    t1 = clock()
    results = model.run()
    periods = len(results.time)
else:
    import wntr
    t0 = clock()
    wn = wntr.network.WaterNetworkModel(path)
    t1 = clock()
    with tempfile.TemporaryDirectory() as d:
        if engine == "epanet":
            results = wntr.sim.EpanetSimulator(wn).run_sim(file_prefix=os.path.join(d, "run"))
        else:
            results = wntr.sim.WNTRSimulator(wn).run_sim()
    periods = len(results.node["head"].index)
    # WNTRSimulator stops at a time it cannot converge at and returns what it has (error_code set).
    converged = getattr(results, "error_code", None) is None
t2 = clock()
print(json.dumps({"load_s": t1 - t0, "run_s": t2 - t1, "periods": periods, "converged": engine == "oasis" or converged}))
"""


def time_once(engine: str, path: Path, timeout: float, clock: str) -> dict:
    try:
        p = subprocess.run(
            [sys.executable, "-c", CHILD, engine, str(path), clock], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last[:120]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def time_engine(engine: str, path: Path, repeat: int, timeout: float, clock: str) -> dict:
    runs = []
    for _ in range(repeat):
        r = time_once(engine, path, timeout, clock)
        if "error" in r:
            return r
        runs.append(r)
    return {
        "load_s": statistics.median(r["load_s"] for r in runs),
        "run_s": statistics.median(r["run_s"] for r in runs),
        "periods": runs[0]["periods"],
        "converged": all(r["converged"] for r in runs),
    }


def networks(min_junctions: int):
    manifest = SHARED / "manifest.json"
    if not manifest.exists():
        return []
    rows = json.loads(manifest.read_text())
    seen = set()
    out = []
    for r in sorted(rows, key=lambda r: (r["junctions"] or 0)):
        if r["epanet22_error"] is None and (r["junctions"] or 0) >= min_junctions:
            data = (SHARED / r["file"]).read_bytes()
            if data in seen:  # the same file under two names
                continue
            seen.add(data)
            out.append((SHARED / r["file"], r["junctions"]))
    return out


def cell(r: dict) -> str:
    if "error" in r:
        return r["error"]
    note = "" if r["converged"] else f" (stopped unconverged after {r['periods']} periods)"
    return f"{r['load_s']:.3f} / {r['run_s']:.3f}{note}"


def ratio(a: dict, b: dict) -> str:
    if "run_s" not in a or "run_s" not in b or not a["converged"]:
        return "-"
    return f"{a['run_s'] / b['run_s']:.1f}×"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--city", type=Path, action="append", default=[], help="a synthetic city .inp to add")
    ap.add_argument("--only", type=Path, nargs="+", help="time these .inp files instead of the shared ones")
    ap.add_argument("--engines", default="oasis,epanet,wntr", help="which to run (comma-separated)")
    ap.add_argument("--min-junctions", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--wntr-timeout", type=float, default=600.0, help="seconds before WNTRSimulator is stopped")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds before any other run is stopped")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="the child's process CPU time (steadier on a shared machine) or wall time")
    ap.add_argument("--json", type=Path, help="write the raw figures here too")
    a = ap.parse_args()

    import oasis_twin as ot

    files = a.only if a.only else []
    todo = [] if a.only else networks(a.min_junctions)
    todo += [(p, len(ot.read_inp(p).junction_names)) for p in files + a.city]
    engines = set(a.engines.split(","))
    skipped = {"error": "not run"}
    rows = []
    print(f"{a.clock} time; median of {a.repeat} runs in fresh processes (1 above 20,000 junctions; WNTRSimulator 1)\n")
    print("| network | junctions | periods | Oasis load / run (s) | EpanetSimulator load / run (s) | WNTRSimulator load / run (s) | EpanetSimulator ÷ Oasis | WNTRSimulator ÷ Oasis |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path, junctions in todo:
        # One run of each on a big city, and always one of WNTRSimulator: it is slower by far.
        repeat = 1 if junctions > 20_000 else a.repeat
        o = time_engine("oasis", path, repeat, a.timeout, a.clock) if "oasis" in engines else skipped
        e = time_engine("epanet", path, repeat, a.timeout, a.clock) if "epanet" in engines else skipped
        w = time_engine("wntr", path, 1, a.wntr_timeout, a.clock) if "wntr" in engines else skipped
        name = path.name if SHARED not in path.parents else str(path.relative_to(SHARED))
        rows.append({"network": name, "junctions": junctions, "oasis": o, "epanet": e, "wntr": w})
        print(
            f"| {name} | {junctions:,} | {o.get('periods', '-')} | {cell(o)} | {cell(e)} | {cell(w)} |"
            f" {ratio(e, o)} | {ratio(w, o)} |",
            flush=True,
        )
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
