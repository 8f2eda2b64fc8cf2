"""Bad calls into the toolkit (the issue's list: index out of range, null pointers, a
solver step before its solver is opened, strings longer than EPANET's limits, and
more; see bad_input.py) through ctypes, each in its own child process: Oasis's library
must never crash and must return EPANET 2.2.0's error codes (entoolkit 2.2.0's
library). Where EPANET 2.2 itself crashes there is nothing to compare with: Oasis must
then return an error code (non-zero) from every bad call."""

import json
import signal

import pytest

from bad_input import CASES
from conftest import HERE, SHARED, REPO, run_child

# Bad calls at the end of each case's list whose codes must be errors where EPANET 2.2
# crashes (the calls before them open the project and must succeed).
BAD_CALLS = {"null_output_pointer": 3, "null_string": 2, "null_file_name": 1,
             "null_project": 2, "legacy_out_of_range": 5}

# Where Oasis's codes differ from EPANET 2.2's: library bugs reported to the lead. Strict,
# so the test fails once a fix lands and the mark must go.
KNOWN_DIFFERENCES: dict[str, str] = {}


def network():
    net = SHARED / "networks" / "EPANET" / "example-networks" / "Net1.inp"
    return net if net.exists() else REPO / "examples" / "jinchang-demo.inp"


def call(lib, case, tmp_path):
    child = run_child([HERE / "bad_input.py", lib, case, network()], cwd=tmp_path, timeout=60)
    if child.returncode != 0:
        return None, child.returncode
    return json.loads(child.stdout.strip().splitlines()[-1]), 0


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[c]))
    if c in KNOWN_DIFFERENCES else c for c in CASES])
def test_bad_input_gives_epanet22_codes(case, libs, tmp_path):
    ours, our_status = call(libs["oasis"], case, tmp_path)
    assert our_status == 0, f"Oasis's library crashed (exit {our_status})"
    ref, ref_status = call(libs["epanet22"], case, tmp_path)
    if ref_status != 0:
        crash = (f"signal {signal.Signals(-ref_status).name}" if ref_status < 0
                 else f"exit {ref_status}")
        n = BAD_CALLS[case]
        assert all(code != 0 for code in ours[-n:]), \
            f"EPANET 2.2 crashes here ({crash}); Oasis must return errors: {ours}"
        return
    assert ours == ref
