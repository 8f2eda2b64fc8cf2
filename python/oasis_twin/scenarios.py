"""Many variants of one model solved in parallel, the GIL released."""

from __future__ import annotations

import os
from typing import List, Optional, Sequence, Union

from . import _oasis
from .edits import Edit
from .model import Model
from .results import SimulationResults, _NetworkInfo

Scenario = Union[Edit, Sequence[Edit]]


def run_scenarios(
    model: Model,
    scenarios: Sequence[Scenario],
    steady: bool = False,
    quality: Optional[bool] = None,
    units: str = "file",
    threads: Optional[int] = None,
    errors: str = "raise",
) -> List[Union[SimulationResults, Exception]]:
    """Runs each scenario (one edit or a list of edits applied to a copy of
    ``model``; the model itself is not changed) on ``threads`` threads
    (default: the machine's CPUs) with the GIL released. Hydraulic runs share
    the base model's matrix ordering and symbolic factorisation (a run with
    water quality builds its own); each gives exactly what :meth:`Model.run`
    gives on the same edited copy.

    Returns one :class:`SimulationResults` per scenario, in order. A scenario
    that fails raises its exception (``errors="raise"``), or with
    ``errors="return"`` its exception stands in its place in the list.
    """
    if errors not in ("raise", "return"):
        raise ValueError(f"errors must be 'raise' or 'return', got {errors!r}")
    ops = [[e.op() for e in ([s] if hasattr(s, "op") else s)] for s in scenarios]
    q = model._wants_quality(quality, steady)
    raw = _oasis.run_scenarios(model._net, ops, steady, q, threads or os.cpu_count() or 1)
    info = _NetworkInfo(model._net)
    out: List[Union[SimulationResults, Exception]] = []
    for r in raw:
        if isinstance(r, Exception):
            if errors == "raise":
                raise r
            out.append(r)
        else:
            out.append(SimulationResults(r, info, units))
    return out
