"""Conversion of results from the file's units to SI, as WNTR converts them.

The twin computes and reports in the units of the ``.inp`` file, exactly as
EPANET's toolkit does. ``units="SI"`` converts with the factors WNTR 1.5 uses
(``wntr.epanet.util``) so that results can be compared with WNTR's: flow and
demand m³/s, head m, pressure m (psi × 0.3048/0.4333), velocity m/s, pipe head
loss m/m (pumps and valves: m), chemical concentration kg/m³, water age s.
"""

from __future__ import annotations

import numpy as np

#: m³/s per flow unit (WNTR's ``FlowUnits`` factors).
FLOW_TO_M3S = {
    "CFS": 0.0283168466,
    "GPM": 0.003785411784 / 60.0,
    "MGD": 1e6 * 0.003785411784 / 86400.0,
    "IMGD": 1e6 * 0.00454609 / 86400.0,
    "AFD": 1233.48184 / 86400.0,
    "LPS": 0.001,
    "LPM": 0.001 / 60.0,
    "MLD": 1e6 * 0.001 / 86400.0,
    "CMH": 1.0 / 3600.0,
    "CMD": 1.0 / 86400.0,
}
US_FLOW_UNITS = {"CFS", "GPM", "MGD", "IMGD", "AFD"}
FT_TO_M = 0.3048
PSI_TO_M = 0.3048 / 0.4333


def is_us(flow_units: str) -> bool:
    return flow_units in US_FLOW_UNITS


def pressure_factor(pressure_units: str) -> float:
    """m of head per pressure unit of the file (WNTR's psi factor; kPa via EPANET's psi)."""
    if pressure_units == "PSI":
        return PSI_TO_M
    if pressure_units == "KPA":
        return PSI_TO_M / 6.894757
    return 1.0


def length_factor(flow_units: str) -> float:
    return FT_TO_M if is_us(flow_units) else 1.0


def setting_factors(flow_units: str, pressure_units: str, link_types: np.ndarray, darcy_weisbach: bool) -> np.ndarray:
    """Per link, the factor that takes its setting to SI (roughness, pressure, flow)."""
    f = np.ones(len(link_types))
    pipes = np.isin(link_types, ["Pipe", "CVPipe"])
    if darcy_weisbach:
        f[pipes] = 0.001 * FT_TO_M if is_us(flow_units) else 0.001
    f[np.isin(link_types, ["PRV", "PSV", "PBV"])] = pressure_factor(pressure_units)
    f[link_types == "FCV"] = FLOW_TO_M3S[flow_units]
    return f
