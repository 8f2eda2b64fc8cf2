"""Call an EPANET library badly, through ctypes, and print the error codes it returns
(one JSON list). Run as a child process per case, since EPANET itself may crash:
bad_input.py LIBRARY CASE NETWORK.inp; the cases are the names in CASES."""

import ctypes as C
import json
import os
import sys
import tempfile

EN_ELEVATION, EN_BASEDEMAND, EN_DIAMETER, EN_JUNCTION = 0, 1, 0, 0
LONG_ID = "J" * 40  # EPANET's IDs hold at most 31 characters (MAXID)
LONG_PATH = "/tmp/" + "d" * 300 + ".inp"  # file names at most 259 (MAXFNAME)


def project(lib, inp):
    ph = C.c_void_p()
    codes = [lib.EN_createproject(C.byref(ph))]
    codes.append(lib.EN_open(ph, inp.encode(), os.devnull.encode(), b""))
    return ph, codes


def index_out_of_range(lib, inp):
    ph, codes = project(lib, inp)
    v, n = C.c_double(), C.c_int()
    lib.EN_getcount(ph, 0, C.byref(n))
    codes += [lib.EN_getnodevalue(ph, 0, EN_ELEVATION, C.byref(v)),
              lib.EN_getnodevalue(ph, n.value + 1, EN_ELEVATION, C.byref(v)),
              lib.EN_setnodevalue(ph, -5, EN_BASEDEMAND, C.c_double(1.0)),
              lib.EN_getlinkvalue(ph, 0, EN_DIAMETER, C.byref(v)),
              lib.EN_setlinkvalue(ph, 100000, EN_DIAMETER, C.c_double(1.0)),
              lib.EN_getpatternvalue(ph, 99, 1, C.byref(v)),
              lib.EN_getpatternvalue(ph, 1, 9999, C.byref(v)),
              lib.EN_getcurvevalue(ph, 99, 1, C.byref(v), C.byref(v)),
              lib.EN_getnodevalue(ph, 1, 999, C.byref(v)),
              lib.EN_getlinkvalue(ph, 1, 999, C.byref(v)),
              lib.EN_getcontrol(ph, 99, C.byref(n), C.byref(n), C.byref(v), C.byref(n), C.byref(v)),
              lib.EN_getnodeindex(ph, b"no-such-node", C.byref(n)),
              lib.EN_getlinkindex(ph, b"no-such-link", C.byref(n)),
              lib.EN_setlinkvalue(ph, 1, EN_DIAMETER, C.c_double(-1.0))]
    return codes


def before_open(lib, inp):
    ph = C.c_void_p()
    v = C.c_double()
    codes = [lib.EN_createproject(C.byref(ph)),
             lib.EN_getnodevalue(ph, 1, EN_ELEVATION, C.byref(v)),
             lib.EN_openH(ph), lib.EN_solveH(ph)]
    return codes


def run_before_open_h(lib, inp):
    ph, codes = project(lib, inp)
    t = C.c_long()
    codes += [lib.EN_runH(ph, C.byref(t)), lib.EN_nextH(ph, C.byref(t)),
              lib.EN_initH(ph, 0), lib.EN_runQ(ph, C.byref(t)), lib.EN_nextQ(ph, C.byref(t)),
              lib.EN_initQ(ph, 0), lib.EN_closeH(ph), lib.EN_closeQ(ph)]
    return codes


def quality_before_hydraulics(lib, inp):
    ph, codes = project(lib, inp)
    codes += [lib.EN_solveQ(ph), lib.EN_openQ(ph), lib.EN_initQ(ph, 0)]
    return codes


def null_output_pointer(lib, inp):
    ph, codes = project(lib, inp)
    codes += [lib.EN_getnodevalue(ph, 1, EN_ELEVATION, None),
              lib.EN_getcount(ph, 0, None),
              lib.EN_getnodeindex(ph, b"10", None)]
    return codes


def null_string(lib, inp):
    ph, codes = project(lib, inp)
    n = C.c_int()
    codes += [lib.EN_getnodeindex(ph, None, C.byref(n)),
              lib.EN_getnodeid(ph, 1, None)]
    return codes


def null_file_name(lib, inp):
    ph = C.c_void_p()
    return [lib.EN_createproject(C.byref(ph)),
            lib.EN_open(ph, None, os.devnull.encode(), b"")]


def null_project(lib, inp):
    v = C.c_double()
    return [lib.EN_getnodevalue(None, 1, EN_ELEVATION, C.byref(v)),
            lib.EN_open(None, inp.encode(), os.devnull.encode(), b"")]


def long_strings(lib, inp):
    ph, codes = project(lib, inp)
    n = C.c_int()
    codes += [lib.EN_addnode(ph, LONG_ID.encode(), EN_JUNCTION, C.byref(n)),
              lib.EN_setnodeid(ph, 1, LONG_ID.encode()),
              lib.EN_setlinkid(ph, 1, LONG_ID.encode()),
              lib.EN_addpattern(ph, LONG_ID.encode()),
              lib.EN_addcurve(ph, LONG_ID.encode()),
              lib.EN_getnodeindex(ph, LONG_ID.encode(), C.byref(n)),
              lib.EN_saveinpfile(ph, LONG_PATH.encode())]
    return codes


def long_file_name(lib, inp):
    ph = C.c_void_p()
    return [lib.EN_createproject(C.byref(ph)),
            lib.EN_open(ph, LONG_PATH.encode(), os.devnull.encode(), b"")]


def missing_file(lib, inp):
    ph = C.c_void_p()
    return [lib.EN_createproject(C.byref(ph)),
            lib.EN_open(ph, b"/nonexistent/net.inp", os.devnull.encode(), b"")]


def bad_input_file(lib, inp):
    with tempfile.NamedTemporaryFile("w", suffix=".inp", delete=False) as f:
        f.write("[JUNCTIONS]\n1 abc\n[END]\n")
    ph = C.c_void_p()
    return [lib.EN_createproject(C.byref(ph)),
            lib.EN_open(ph, f.name.encode(), os.devnull.encode(), b"")]


def legacy_before_open(lib, inp):
    t, f = C.c_long(), C.c_float()
    return [lib.ENgetnodevalue(1, EN_ELEVATION, C.byref(f)), lib.ENopenH(),
            lib.ENrunH(C.byref(t)), lib.ENsolveQ()]


def legacy_out_of_range(lib, inp):
    t, f = C.c_long(), C.c_float()
    codes = [lib.ENopen(inp.encode(), os.devnull.encode(), b"")]
    codes += [lib.ENgetnodevalue(0, EN_ELEVATION, C.byref(f)),
              lib.ENgetlinkvalue(9999, EN_DIAMETER, C.byref(f)),
              lib.ENrunH(C.byref(t)), lib.ENsetnodevalue(1, 999, C.c_float(1.0)),
              lib.ENaddnode(LONG_ID.encode(), EN_JUNCTION)]
    return codes


def error_text(lib, inp):
    """EN_geterror's message for codes of each kind, and for an unknown code."""
    out = []
    for code in (0, 6, 101, 103, 110, 200, 203, 204, 205, 251, 252, 302, 303, 9999):
        buf = C.create_string_buffer(300)
        out.append([lib.EN_geterror(code, buf, 255), buf.value.decode("latin-1")])
    return out


CASES = {f.__name__: f for f in [
    index_out_of_range, before_open, run_before_open_h, quality_before_hydraulics,
    null_output_pointer, null_string, null_file_name, null_project, long_strings,
    long_file_name, missing_file, bad_input_file, legacy_before_open, legacy_out_of_range,
    error_text]}

if __name__ == "__main__":
    lib = C.CDLL(sys.argv[1])
    print(json.dumps(CASES[sys.argv[2]](lib, sys.argv[3])))
