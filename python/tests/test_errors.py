"""Bad input raises the package's exception classes with EPANET 2.2's error
numbers and the line, section and field of the problem. The expected numbers
are EPANET 2.2.0's own answers for the repository's broken files
(tests/networks/expected-errors.tsv, recorded by epanet-ref)."""

from __future__ import annotations

import csv

import pytest

import oasis_twin as ot
from conftest import REPO

NETWORKS = REPO / "tests" / "networks"


def expected():
    with open(NETWORKS / "expected-errors.tsv", newline="") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#") and r[0] != "file"]
    # leakage-v23.inp is EPANET 2.3's format, which the twin reads on purpose (known-differences.txt);
    # a file that crashes EPANET 2.2 has no answer to compare with.
    return [(r[0], int(r[1]), r[2]) for r in rows if r[0] != "leakage-v23.inp" and r[1] != "crash"]


@pytest.mark.parametrize("file,code,details", expected(), ids=[r[0] for r in expected()])
def test_error_numbers_equal_epanet22(file: str, code: int, details: str) -> None:
    path = NETWORKS / file
    if code == 110:
        model = ot.read_inp(path)
        with pytest.raises(ot.HydraulicsError) as e:
            model.run()
        assert e.value.code == 110 and e.value.junction in model.junction_names
        return
    with pytest.raises(ot.InpError) as e:
        ot.read_inp(path)
    assert e.value.code == code
    assert isinstance(e.value, ot.OasisError)
    if details != "-":
        first = details.split(",")[0]
        assert e.value.problems[0].code == int(first)
        # The line the problem names (0: a whole-network check) lies in the section it names.
        p = e.value.problems[0]
        assert e.value.line == p.line
        if p.line > 0:
            lines = path.read_bytes().decode("utf-8", "replace").splitlines()[: p.line]
            headers = [ln.strip() for ln in lines if ln.strip().startswith("[")]
            # (An unknown section's line names no section.)
            assert headers[-1].upper() == f"[{p.section}]" or p.section == ""


def test_bad_number_names_line_and_field() -> None:
    text = "[JUNCTIONS]\n J1 10 5\n J2 twelve 5\n[RESERVOIRS]\n R1 60\n[PIPES]\n P1 R1 J1 300 200 120 0\n"
    with pytest.raises(ot.InpError) as e:
        ot.read_inp(text, name="typed.inp")
    assert (e.value.line, e.value.section, e.value.field) == (3, "JUNCTIONS", "elevation")
    assert e.value.problems[0].token == "twelve" and e.value.problems[0].code == 202
    assert "typed.inp" in str(e.value) and "line 3" in str(e.value)


def test_missing_file_is_os_error() -> None:
    with pytest.raises(FileNotFoundError):
        ot.read_inp(NETWORKS / "no-such-file.inp")


def test_results_with_unknown_units_are_refused() -> None:
    with pytest.raises(ValueError, match="units"):
        ot.read_inp(REPO / "examples" / "jinchang-demo.inp").run(steady=True, units="imperial")
