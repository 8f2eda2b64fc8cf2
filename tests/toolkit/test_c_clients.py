"""C toolkit clients (c/hydraulics.c on the EPANET 2.2 project API, c/legacy.c on the
legacy API) compiled against EPANET's own headers (owa-epanet installs epanet2_2.h,
epanet2.h and epanet2_enums.h in Python's sys.prefix), linked once with Oasis's
libepanet2.so and once with EPANET 2.2.0's library (entoolkit 2.2.0): on each network
their whole output (IDs, properties, heads, demands, flows and statuses at every
hydraulic step, final quality, error codes and texts) must be the same text, i.e. the
same numbers to the 6 significant digits printed."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HERE, REPO, SHARED

NETWORKS = [SHARED / "networks" / n for n in [
    "EPANET/example-networks/Net1.inp", "EPANET/example-networks/Net3.inp",
    "WNTR/examples/networks/ky10.inp",
    "epanet-example-networks/epanet-tests/valves/5fcvs.inp",
]] + sorted((REPO / "examples").glob("*.inp"))
PROGRAMS = ["hydraulics", "legacy"]


@pytest.fixture(scope="session")
def clients(libs, tmp_path_factory):
    """{(program, library): executable}."""
    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler (cc)")
    include = Path(sys.prefix)
    if not (include / "epanet2_2.h").exists():
        pytest.skip(f"EPANET's headers are not in {include}: `pip install owa-epanet==2.3.5`")
    out = {}
    for name, lib in libs.items():
        # Both libraries are linked by the name a client links EPANET by (EPANET 2.2's
        # own SONAME is libepanet2.so), each from its own directory.
        libdir = tmp_path_factory.mktemp(f"lib-{name}")
        shutil.copyfile(lib, libdir / "libepanet2.so")
        for program in PROGRAMS:
            exe = libdir / program
            subprocess.run([cc, "-std=c99", "-Wall", "-Werror", "-O1", f"-I{include}",
                            "-o", exe, HERE / "c" / f"{program}.c", f"-L{libdir}",
                            "-lepanet2", f"-Wl,-rpath,{libdir}", "-lm"], check=True)
            out[program, name] = exe
    return out


@pytest.mark.parametrize("program", PROGRAMS)
@pytest.mark.parametrize("inp", [pytest.param(n, id=n.name) for n in NETWORKS])
def test_c_client_output_matches_epanet22(program, inp, clients, tmp_path):
    if not inp.exists():
        pytest.skip(f"{inp} is absent (../shared is not here)")
    outputs = {}
    for name in ("oasis", "epanet22"):
        run = subprocess.run([clients[program, name], inp, tmp_path / f"{name}.rpt"],
                             capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert run.returncode == 0, f"{name}: exit {run.returncode}: {run.stderr[-2000:]}"
        outputs[name] = run.stdout.splitlines()
    ours, ref = outputs["oasis"], outputs["epanet22"]
    assert len(ref) > 10, ref
    for i, (a, b) in enumerate(zip(ours, ref)):
        assert a == b, f"line {i + 1}: Oasis {a!r}, EPANET 2.2 {b!r}"
    assert len(ours) == len(ref)
