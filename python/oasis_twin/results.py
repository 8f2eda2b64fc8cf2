"""Simulation results in WNTR's shape: ``results.node['pressure']`` is a
pandas DataFrame indexed by time (seconds) with one column per node."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

import numpy as np
import pandas as pd

from . import units as _units

NODE_KEYS = ("demand", "head", "pressure", "quality")
LINK_KEYS = ("flowrate", "velocity", "headloss", "status", "setting", "quality")

#: WNTR's link status numbers: 0 closed, 1 open, 2 active (a control valve controlling).
CLOSED, OPEN, ACTIVE = 0, 1, 2


class SimulationResults:
    """Results at the reporting times of one run.

    ``node`` maps ``demand``, ``head``, ``pressure``, ``quality`` and ``link``
    maps ``flowrate``, ``velocity``, ``headloss``, ``status``, ``setting``,
    ``quality`` to DataFrames (time in seconds × element name), as WNTR's
    ``SimulationResults`` does. ``units`` says which units they are in:

    * ``"file"``: the ``.inp`` file's units, as EPANET's toolkit reports them
      (flow units, ft or m, psi, kPa or m), except ``headloss``, which is per
      1000 length units for pipes (as EPANET's report and binary output give it)
      and the total loss for pumps (minus the head gain) and valves;
    * ``"SI"``: WNTR's SI units (see :mod:`oasis_twin.units`).

    ``status`` is WNTR's 0 closed / 1 open / 2 active; ``status_code`` (a
    DataFrame) keeps EPANET's own codes (0 XHEAD … 7 XPRESSURE). ``warnings``
    is EPANET's warning code per reporting time (0 none, 1 unbalanced, …) and
    ``iterations`` the trials each took. ``quality`` is all zeros when the run
    had no water quality (``has_quality`` False).
    """

    node: Dict[str, pd.DataFrame]
    link: Dict[str, pd.DataFrame]

    def __init__(self, raw: Mapping[str, Any], info: "_NetworkInfo", units: str) -> None:
        if units not in ("file", "SI"):
            raise ValueError(f"units must be 'file' or 'SI', got {units!r}")
        self.units = units
        self.flow_units = info.flow_units
        self.pressure_units = info.pressure_units
        self.has_quality = bool(raw["has_quality"])
        times = pd.Index(np.asarray(raw["time"], dtype=np.int64), name="time")
        self.time = times
        self.warnings = pd.Series(np.asarray(raw["warnings"], dtype=np.int32), index=times, name="warning")
        self.iterations = pd.Series(np.asarray(raw["iterations"], dtype=np.int32), index=times, name="iterations")

        def table(buf: bytes, names: List[str]) -> np.ndarray:
            # A writable copy: the bytes object is read-only.
            return np.frombuffer(buf, dtype="<f8").reshape(len(times), len(names)).copy()

        node = {k: table(raw["node"][k], info.node_names) for k in NODE_KEYS}
        link = {k: table(raw["link"][k], info.link_names) for k in LINK_KEYS}
        codes = link["status"]
        status = np.where(codes <= 2, CLOSED, np.where(codes == 4, ACTIVE, OPEN)).astype(np.float64)
        pipes = info.is_pipe
        with np.errstate(invalid="ignore", divide="ignore"):
            link["headloss"][:, pipes] = 1000.0 * link["headloss"][:, pipes] / info.link_lengths[pipes]
        link["status"] = status
        if units == "SI":
            node, link = _to_si(node, link, info, self.has_quality)
        self.node = {k: pd.DataFrame(v, index=times, columns=info.node_index) for k, v in node.items()}
        self.link = {k: pd.DataFrame(v, index=times, columns=info.link_index) for k, v in link.items()}
        self.status_code = pd.DataFrame(codes.astype(np.int8), index=times, columns=info.link_index)

    def __repr__(self) -> str:
        return (
            f"<SimulationResults: {len(self.time)} times × {len(self.node['head'].columns)} nodes,"
            f" {len(self.link['flowrate'].columns)} links, units={self.units}>"
        )


class _NetworkInfo:
    """What the results need to know of the model, read once per run."""

    def __init__(self, net: Any) -> None:
        self.node_names = net.node_names()
        self.link_names = net.link_names()
        self.node_index = pd.Index(self.node_names, name="node")
        self.link_index = pd.Index(self.link_names, name="link")
        self.link_types = np.asarray(net.link_types())
        self.is_pipe = np.isin(self.link_types, ["Pipe", "CVPipe"])
        self.link_lengths = np.asarray(net.link_lengths(), dtype=np.float64)
        self.flow_units = net.flow_units()
        self.pressure_units = net.pressure_units()
        self.darcy_weisbach = net.headloss_formula() == "D-W"
        self.quality = [w.upper() for w in net.quality_option()]


def _to_si(node: Dict[str, np.ndarray], link: Dict[str, np.ndarray], info: _NetworkInfo, has_quality: bool):
    u = info.flow_units
    flow = _units.FLOW_TO_M3S[u]
    length = _units.length_factor(u)
    node = dict(node)
    link = dict(link)
    node["demand"] = node["demand"] * flow
    node["head"] = node["head"] * length
    node["pressure"] = node["pressure"] * _units.pressure_factor(info.pressure_units)
    link["flowrate"] = link["flowrate"] * flow
    link["velocity"] = link["velocity"] * length
    headloss = link["headloss"].copy()
    headloss[:, info.is_pipe] /= 1000.0
    headloss[:, ~info.is_pipe] *= length
    link["headloss"] = headloss
    link["setting"] = link["setting"] * _units.setting_factors(u, info.pressure_units, info.link_types, info.darcy_weisbach)
    if has_quality:
        q = _quality_factor(info.quality)
        node["quality"] = node["quality"] * q
        link["quality"] = link["quality"] * q
    return node, link


def _quality_factor(words: List[str]) -> float:
    """WNTR's: mg/L → kg/m³, µg/L → kg/m³, hours → s, trace % unchanged."""
    kind = words[0] if words else "NONE"
    if kind == "AGE":
        return 3600.0
    if kind in ("NONE", "TRACE"):
        return 1.0
    mass = words[1].upper() if len(words) > 1 else "MG/L"
    return 1e-6 if mass.startswith("UG") else 1e-3
