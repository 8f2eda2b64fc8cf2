"""Shared fixtures for the toolkit-client tests: the two EPANET libraries compared
(Oasis's `libepanet2.so` and EPANET 2.2's from the `entoolkit` 2.2.0 package), copies
of the WNTR package with each library in place, and the networks compared on."""

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = REPO.parent / "shared"

# Networks beyond the >= 1,000-junction ones: chosen for pumps, valves (all kinds), tanks
# (mixing models), simple and rule-based controls, quality (chemical, age, trace),
# emitters, pattern time steps, unit systems.
FEATURE_NETWORKS = [
    "EPANET/example-networks/Net1.inp",
    "EPANET/example-networks/Net2.inp",
    "EPANET/example-networks/Net3.inp",
    "WNTR/examples/networks/Net3.inp",
    "WNTR/examples/networks/ky10.inp",
    "WNTR/examples/networks/ky4.inp",
    "WaterBenchmarkHub/docs/static/benchmarks/network-bwsn/BWSN_Network_1.inp",
    "WaterBenchmarkHub/docs/static/benchmarks/network-02-us-style/02-us-style.inp",
    "WaterBenchmarkHub/docs/static/benchmarks/network-kyv24/ky24_v.inp",
    "WNTR/wntr/tests/networks_for_testing/Anytown.inp",
    "WNTR/wntr/tests/networks_for_testing/conditional_controls_1.inp",
    "WNTR/wntr/tests/networks_for_testing/tank_controls_1.inp",
    "WNTR/wntr/tests/networks_for_testing/io.inp",
    "WNTR/wntr/tests/networks_for_testing/times.inp",
    "WNTR/wntr/tests/networks_for_testing/time_controls.inp",
    "epanet-example-networks/epanet-tests/valves/5fcvs.inp",
    "epanet-example-networks/epanet-tests/valves/2PRVs.inp",
    "epanet-example-networks/epanet-tests/tanks/example1_LIFO.inp",
    "epanet-example-networks/epanet-tests/tanks/example1_2comp.inp",
    "epanet-example-networks/epanet-tests/press_depend/NET1emit.inp",
    "epanet-example-networks/epanet-tests/network_one/NET1-PBV.inp",
]


def oasis_lib_path():
    """Oasis's toolkit library: $OASIS_TOOLKIT_LIB, else the debug build in the cargo
    target dir ($CARGO_TARGET_DIR or target/)."""
    if os.environ.get("OASIS_TOOLKIT_LIB"):
        return Path(os.environ["OASIS_TOOLKIT_LIB"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "libepanet2.so"


def epanet22_lib_path():
    """EPANET 2.2.0 as shipped in the `entoolkit` 2.2.0 wheel, or None."""
    try:
        import entoolkit
    except ImportError:
        return None
    return Path(entoolkit.__file__).parent / "epanet" / "linux-x64" / "libepanet.so"


# The >= 1,000-junction networks compared by default: single-period ones, so that a
# debug build of the library runs them in seconds. OASIS_TOOLKIT_ALL_NETWORKS=1 compares
# every shared network of >= 1,000 junctions (minutes with a debug build; the README gives
# the last full run, made with a release build).
DEFAULT_BIG = ["WaterBenchmarkHub/docs/static/benchmarks/network-ky8/ky8.inp",
               "RealWorldBenchmarks/native/WDS/bin/EXN.inp"]


def shared_networks(big, only=None):
    """(id, path) of the networks compared on: >= 1,000-junction ones (if `big`), the
    feature networks above, and the repo's examples; a file whose bytes equal an earlier
    one's is listed once."""
    manifest = json.loads((SHARED / "networks" / "manifest.json").read_text())
    if not big:
        big = []
    elif os.environ.get("OASIS_TOOLKIT_ALL_NETWORKS") == "1":
        big = [e["file"] for e in manifest
               if (e["junctions"] or 0) >= 1000 and e["epanet22_error"] is None]
    else:
        big = DEFAULT_BIG
    paths = [SHARED / "networks" / f for f in big + (only or FEATURE_NETWORKS)]
    paths += sorted((REPO / "examples").glob("*.inp"))
    seen, out = set(), []
    for p in paths:
        digest = hashlib.sha1(p.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        rel = p.relative_to(SHARED / "networks") if SHARED in p.parents else p.relative_to(REPO)
        out.append(pytest.param(p, id=str(rel)))
    return out


def network_params(big=True, only=None):
    if not (SHARED / "networks" / "manifest.json").exists():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"{SHARED} is absent: the shared benchmark networks are not here"))]
    return shared_networks(big, only)


@pytest.fixture(scope="session")
def oasis_lib():
    path = oasis_lib_path()
    if not path.exists():
        pytest.fail(f"{path} is missing: build it with `cargo build -p oasis-toolkit` "
                    "or point OASIS_TOOLKIT_LIB at it")
    return path


@pytest.fixture(scope="session")
def epanet22_lib():
    path = epanet22_lib_path()
    if path is None or not path.exists():
        pytest.skip("the reference EPANET 2.2 library needs `pip install entoolkit==2.2.0`")
    return path


@pytest.fixture(scope="session")
def libs(oasis_lib, epanet22_lib):
    return {"oasis": oasis_lib, "epanet22": epanet22_lib}


@pytest.fixture(scope="session")
def wntr_copies(tmp_path_factory, libs):
    """{name: dir}: a copy of the installed `wntr` package under dir/wntr for each
    library, its EPANET 2.2 library file replaced by that library."""
    wntr = pytest.importorskip("wntr")
    src = Path(wntr.__file__).parent
    out = {}
    for name, lib in libs.items():
        root = tmp_path_factory.mktemp(f"wntr-{name}")
        shutil.copytree(src, root / "wntr", ignore=shutil.ignore_patterns("tests", "__pycache__"))
        shutil.copyfile(lib, root / "wntr" / "epanet" / "libepanet" / "linux-x64" / "libepanet22.so")
        out[name] = root
    return out


def run_child(args, cwd, pythonpath=None, timeout=900):
    """Run a Python script in a child process (a crash in a library stays there)."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def run_batch(args, inps, work_dir, pythonpath=None):
    """{network: (result, error)} from a child process running `args OUT_DIR
    NETWORK...`, which writes OUT_DIR/<i>.pkl or OUT_DIR/<i>.err for the i-th network.
    One child runs every network (WNTR's and EPyT's imports are slow); a child that
    dies is restarted after the network it died on, recorded with the exit status."""
    results, todo, attempt = {}, list(inps), 0
    while todo:
        out = work_dir / f"attempt-{attempt}"
        out.mkdir(parents=True)
        attempt += 1
        child = run_child([*args, out, *todo], cwd=out, pythonpath=pythonpath)
        for i, inp in enumerate(todo):
            pkl, err = out / f"{i}.pkl", out / f"{i}.err"
            if pkl.exists():
                with open(pkl, "rb") as f:
                    results[inp] = (pickle.load(f), None)
            elif err.exists():
                results[inp] = (None, err.read_text())
            else:
                results[inp] = (None, f"the process died (exit {child.returncode}): "
                                      f"{child.stderr[-2000:]}")
                todo = todo[i + 1:]
                break
        else:
            todo = []
    return results


def selected_networks(request, test_name):
    """The networks of the collected (not deselected) cases of `test_name`."""
    return [item.callspec.params["inp"] for item in request.session.items
            if getattr(item, "originalname", None) == test_name
            and item.callspec.params.get("inp") is not None]


def assert_same(got, want, where=""):
    """Equal values, exactly: numbers bit for bit (NaN equals NaN), arrays in shape and
    every element, strings, and containers recursively. Fails naming the first place
    that differs."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), \
            f"{where}: keys {sorted(got) if isinstance(got, dict) else got!r} != {sorted(want)}"
        for k in want:
            assert_same(got[k], want[k], f"{where}/{k}")
    elif isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), f"{where}: {got!r} != {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, np.ndarray):
        got = np.asarray(got)
        assert got.shape == want.shape, f"{where}: shape {got.shape} != {want.shape}"
        if want.dtype.kind in "fc":
            unequal = ~((got == want) | (np.isnan(got) & np.isnan(want)))
        else:
            unequal = got != want
        if np.any(unequal):
            first = tuple(np.argwhere(unequal)[0])
            pytest.fail(f"{where}: {int(np.sum(unequal))} of {want.size} values differ; "
                        f"first at {first}: Oasis {got[first]!r}, EPANET 2.2 {want[first]!r}")
    elif isinstance(want, float) and np.isnan(want):
        assert isinstance(got, float) and np.isnan(got), f"{where}: {got!r} != NaN"
    else:
        assert got == want, f"{where}: Oasis {got!r}, EPANET 2.2 {want!r}"
