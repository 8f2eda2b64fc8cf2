"""Shared fixtures for the toolkit-client tests: the two EPANET libraries compared
(Oasis's `libepanet2.so` and EPANET 2.2's from the `entoolkit` 2.2.0 package), copies
of the WNTR package with each library in place, and the networks compared on."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def shared_networks():
    """(id, path) of the networks compared on: every shared network of >= 1,000
    junctions, the feature networks above, and the repo's examples; a file whose bytes
    equal an earlier one's is listed once."""
    manifest = json.loads((SHARED / "networks" / "manifest.json").read_text())
    big = [e["file"] for e in manifest
           if (e["junctions"] or 0) >= 1000 and e["epanet22_error"] is None]
    paths = [SHARED / "networks" / f for f in big + FEATURE_NETWORKS]
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


def network_params():
    if not (SHARED / "networks" / "manifest.json").exists():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"{SHARED} is absent: the shared benchmark networks are not here"))]
    return shared_networks()


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
