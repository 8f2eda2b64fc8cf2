#!/usr/bin/env python3
"""Times EPANET's legacy calls one by one (best of 5): toolkit_phases.py LIBRARY NETWORK.inp"""
import ctypes, sys, time
lib = ctypes.CDLL(sys.argv[1]); inp = sys.argv[2].encode()
best = {}
for _ in range(5):
    for name, args in [("ENopen", (inp, b"/tmp/ph.rpt", b"/tmp/ph.out")), ("ENsolveH", ()), ("ENsolveQ", ()), ("ENreport", ()), ("ENclose", ())]:
        t = time.perf_counter(); getattr(lib, name)(*args); d = time.perf_counter() - t
        best[name] = min(best.get(name, 9), d)
print({k: round(v*1000, 1) for k, v in best.items()})
