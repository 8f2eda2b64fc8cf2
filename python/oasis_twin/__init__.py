"""Oasis's network twin from Python.

EPANET 2.2's hydraulics and water quality, value for value, computed by Oasis
(Rust). Read a model, inspect and edit it, run it, and get results as pandas
DataFrames in WNTR's shape::

    import oasis_twin as ot
    model = ot.read_inp("Net1.inp")
    model.add_leak("22", 0.5)
    results = model.run()
    results.node["pressure"]        # time (s) × node, in the file's pressure units

Results are in the ``.inp`` file's units unless ``units="SI"`` is asked for
(WNTR's SI units). :func:`run_scenarios` runs many variants in parallel.
"""

from . import edits, units
from .edits import (
    BaseDemand,
    DemandMultiplier,
    DemandPattern,
    Duration,
    Emitter,
    Leak,
    LinkSetting,
    LinkStatus,
    Pattern,
)
from .errors import HydraulicsError, InpError, LineProblem, OasisError
from .model import Model, read_inp
from .results import SimulationResults
from .scenarios import run_scenarios

__all__ = [
    "BaseDemand",
    "DemandMultiplier",
    "DemandPattern",
    "Duration",
    "Emitter",
    "HydraulicsError",
    "InpError",
    "Leak",
    "LineProblem",
    "LinkSetting",
    "LinkStatus",
    "Model",
    "OasisError",
    "Pattern",
    "SimulationResults",
    "edits",
    "read_inp",
    "run_scenarios",
    "units",
]
