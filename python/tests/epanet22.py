"""EPANET 2.2's own toolkit (the `entoolkit` 2.2.0 wheel's libepanet.so, EN_getversion
20200) driven through ctypes, as the reference the twin is compared with."""

from __future__ import annotations

import ctypes
import os
import tempfile
from pathlib import Path
from typing import Callable, Dict, Iterable, Optional

import numpy as np

EN_NODECOUNT, EN_LINKCOUNT = 0, 2
EN_BASEDEMAND, EN_EMITTER = 1, 3
EN_DEMAND, EN_HEAD, EN_PRESSURE, EN_QUALITY = 9, 10, 11, 12
EN_INITSTATUS, EN_INITSETTING = 4, 5
EN_FLOW, EN_VELOCITY, EN_HEADLOSS, EN_STATUS, EN_SETTING, EN_LINKQUAL = 8, 9, 10, 11, 12, 14
EN_SAVE = 1


def library_path() -> Path:
    import entoolkit

    return Path(entoolkit.__file__).parent / "epanet" / "linux-x64" / "libepanet.so"


_lib = None


def lib():
    global _lib
    if _lib is None:
        _lib = ctypes.CDLL(str(library_path()))
        v = ctypes.c_int()
        _lib.EN_getversion(ctypes.byref(v))
        assert v.value == 20200, f"expected EPANET 2.2.0, the library says {v.value}"
    return _lib


class Project:
    """One EPANET project on an .inp file."""

    def __init__(self, inp: Path) -> None:
        self.l = lib()
        self.ph = ctypes.c_void_p()
        self._dir = tempfile.TemporaryDirectory()
        self._check(self.l.EN_createproject(ctypes.byref(self.ph)))
        rpt = os.path.join(self._dir.name, "r.rpt").encode()
        out = os.path.join(self._dir.name, "r.out").encode()
        self._check(self.l.EN_open(self.ph, str(inp).encode(), rpt, out))
        self.nodes = [self._id(self.l.EN_getnodeid, i) for i in range(1, self._count(EN_NODECOUNT) + 1)]
        self.links = [self._id(self.l.EN_getlinkid, i) for i in range(1, self._count(EN_LINKCOUNT) + 1)]

    def _check(self, code: int) -> int:
        if code > 100:
            raise RuntimeError(f"EPANET 2.2 error {code}")
        return code

    def _count(self, what: int) -> int:
        n = ctypes.c_int()
        self._check(self.l.EN_getcount(self.ph, what, ctypes.byref(n)))
        return n.value

    def _id(self, fn, i: int) -> str:
        buf = ctypes.create_string_buffer(64)
        self._check(fn(self.ph, i, buf))
        # As the twin's reader: UTF-8, else Latin-1.
        try:
            return buf.value.decode("utf-8")
        except UnicodeDecodeError:
            return buf.value.decode("latin-1")

    def set_node(self, node: str, code: int, value: float) -> None:
        self._check(self.l.EN_setnodevalue(self.ph, self.nodes.index(node) + 1, code, ctypes.c_double(value)))

    def set_link(self, link: str, code: int, value: float) -> None:
        self._check(self.l.EN_setlinkvalue(self.ph, self.links.index(link) + 1, code, ctypes.c_double(value)))

    def _values(self, fn, n: int, code: int) -> np.ndarray:
        v = ctypes.c_double()
        out = np.empty(n)
        for i in range(n):
            self._check(fn(self.ph, i + 1, code, ctypes.byref(v)))
            out[i] = v.value
        return out

    def hydraulics(self, times: Iterable[int], save: bool = False) -> Dict[str, np.ndarray]:
        """Node and link values at each of `times` (seconds), stepping EN_runH/EN_nextH."""
        wanted = set(times)
        keys = {"head": EN_HEAD, "pressure": EN_PRESSURE, "demand": EN_DEMAND}
        lkeys = {"flow": EN_FLOW, "velocity": EN_VELOCITY, "headloss": EN_HEADLOSS, "status": EN_STATUS, "setting": EN_SETTING}
        rows: Dict[str, list] = {k: [] for k in [*keys, *lkeys]}
        t, step = ctypes.c_long(), ctypes.c_long()
        self._check(self.l.EN_openH(self.ph))
        self._check(self.l.EN_initH(self.ph, EN_SAVE if save else 0))
        while True:
            self._check(self.l.EN_runH(self.ph, ctypes.byref(t)))
            if t.value in wanted:
                for k, c in keys.items():
                    rows[k].append(self._values(self.l.EN_getnodevalue, len(self.nodes), c))
                for k, c in lkeys.items():
                    rows[k].append(self._values(self.l.EN_getlinkvalue, len(self.links), c))
            self._check(self.l.EN_nextH(self.ph, ctypes.byref(step)))
            if step.value == 0:
                break
        self._check(self.l.EN_closeH(self.ph))
        return {k: np.array(v) for k, v in rows.items()}

    def quality(self, times: Iterable[int]) -> Dict[str, np.ndarray]:
        """Node and link quality at each of `times` (EN_solveH, then EN_runQ/EN_nextQ)."""
        wanted = set(times)
        self._check(self.l.EN_solveH(self.ph))
        rows: Dict[str, list] = {"node": [], "link": []}
        t, step = ctypes.c_long(), ctypes.c_long()
        self._check(self.l.EN_openQ(self.ph))
        self._check(self.l.EN_initQ(self.ph, 0))
        while True:
            self._check(self.l.EN_runQ(self.ph, ctypes.byref(t)))
            if t.value in wanted:
                rows["node"].append(self._values(self.l.EN_getnodevalue, len(self.nodes), EN_QUALITY))
                rows["link"].append(self._values(self.l.EN_getlinkvalue, len(self.links), EN_LINKQUAL))
            self._check(self.l.EN_nextQ(self.ph, ctypes.byref(step)))
            if step.value == 0:
                break
        self._check(self.l.EN_closeQ(self.ph))
        return {k: np.array(v) for k, v in rows.items()}

    def close(self) -> None:
        self.l.EN_close(self.ph)
        self.l.EN_deleteproject(self.ph)
        self._dir.cleanup()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
