#!/usr/bin/env python3
"""Speed in WNTR users' terms: WNTR's EpanetSimulator.run_sim with EPANET 2.2.0's
library (entoolkit 2.2.0) and with Oasis's libepanet2.so in its place, side by side.

One child process per library holds the network read by WNTR; the parent asks them to
run in turn (EPANET 2.2, Oasis, EPANET 2.2, ...), so both see the same machine load.
Each run times run_sim whole (WNTR writes the .inp, the library opens it, solves
hydraulics and quality and writes the binary output, WNTR reads it back) and, inside
it, the time spent in toolkit calls (ENopen, ENsolveH, ENsolveQ, ENreport, ENclose).
Prints medians and ratios as a Markdown table.

Usage: scripts/bench_toolkit.py [--oasis-lib PATH] [--repeats N] [--city CITY.inp]
       [NETWORK.inp ...]   (default networks: the shared ones of >= 1,000 junctions)
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "networks"
TOOLKIT_CALLS = ["ENopen", "ENsolveH", "ENsolveQ", "ENreport", "ENclose"]


def child(inp):
    """Read the network once; on each 'run' line, run the simulator and answer timings."""
    import wntr

    spent = {"toolkit": 0.0}

    def timed(method):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent["toolkit"] += time.perf_counter() - start
        return wrapper

    for name in TOOLKIT_CALLS:
        setattr(wntr.epanet.toolkit.ENepanet, name,
                timed(getattr(wntr.epanet.toolkit.ENepanet, name)))
    wn = wntr.network.WaterNetworkModel(inp)
    print(json.dumps({"wntr": wntr.__file__}), flush=True)
    for line in sys.stdin:
        spent["toolkit"] = 0.0
        start = time.perf_counter()
        wntr.sim.EpanetSimulator(wn).run_sim(file_prefix="bench")
        total = time.perf_counter() - start
        print(json.dumps({"total": total, "toolkit": spent["toolkit"]}), flush=True)


def wntr_copy(lib, root):
    import wntr
    shutil.copytree(Path(wntr.__file__).parent, root / "wntr",
                    ignore=shutil.ignore_patterns("tests", "__pycache__"))
    shutil.copyfile(lib, root / "wntr" / "epanet" / "libepanet" / "linux-x64" / "libepanet22.so")
    return root


def default_networks():
    manifest = json.loads((SHARED / "manifest.json").read_text())
    seen, out = set(), []
    for e in manifest:
        if (e["junctions"] or 0) >= 1000 and e["epanet22_error"] is None:
            path = SHARED / e["file"]
            digest = hashlib.sha1(path.read_bytes()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                out.append(path)
    return out


def bench(inp, copies, repeats, work):
    procs = {}
    for name, root in copies.items():
        cwd = work / name
        cwd.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PYTHONPATH=str(root))
        procs[name] = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(inp.resolve())], cwd=cwd,
                                       env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       text=True)
        line = procs[name].stdout.readline()
        if not line:  # WNTR cannot read this network (its error is on stderr)
            for proc in procs.values():
                proc.kill()
            return None
        loaded = json.loads(line)
        assert loaded["wntr"].startswith(str(root)), loaded  # the copy, not the installed WNTR
    times = {name: [] for name in copies}
    for _ in range(repeats):
        for name, proc in procs.items():
            proc.stdin.write("run\n")
            proc.stdin.flush()
            times[name].append(json.loads(proc.stdout.readline()))
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    return {name: {k: statistics.median(t[k] for t in ts) for k in ("total", "toolkit")}
            for name, ts in times.items()}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        return child(sys.argv[2])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--oasis-lib", type=Path, default=target / "release" / "libepanet2.so")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--city", type=Path, help="a synthetic city (oasis-bench city -o ...)")
    p.add_argument("networks", nargs="*", type=Path)
    a = p.parse_args()
    import entoolkit
    epanet22 = Path(entoolkit.__file__).parent / "epanet" / "linux-x64" / "libepanet.so"
    networks = a.networks or default_networks()
    if a.city:
        networks.append(a.city)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copies = {"epanet22": wntr_copy(epanet22, tmp / "epanet22"),
                  "oasis": wntr_copy(a.oasis_lib, tmp / "oasis")}
        print(f"median of {a.repeats} runs each, alternating; seconds\n")
        print("| network | run_sim EPANET 2.2 | run_sim Oasis | ratio | toolkit calls "
              "EPANET 2.2 | toolkit calls Oasis | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for inp in networks:
            m = bench(inp, copies, a.repeats, tmp / inp.stem)
            name = inp.relative_to(SHARED) if SHARED in inp.parents else inp.name
            if m is None:
                print(f"| {name} | WNTR cannot read it | | | | | |", flush=True)
                continue
            e, o = m["epanet22"], m["oasis"]
            print(f"| {name} | {e['total']:.2f} | {o['total']:.2f} | "
                  f"{o['total'] / e['total']:.2f} | {e['toolkit']:.2f} | {o['toolkit']:.2f} | "
                  f"{o['toolkit'] / e['toolkit']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
