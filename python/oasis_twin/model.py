"""A network model read from an ``.inp`` file, edited and run by the twin."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import pandas as pd

from . import _oasis
from .edits import (
    BaseDemand,
    DemandMultiplier,
    DemandPattern,
    Duration,
    Edit,
    Emitter,
    Leak,
    LinkSetting,
    LinkStatus,
    Pattern,
)
from .results import SimulationResults, _NetworkInfo

Source = Union[str, bytes, "os.PathLike[str]"]


def read_inp(source: Source, name: Optional[str] = None) -> "Model":
    """Reads an EPANET ``.inp`` model.

    ``source`` is a path (``str`` without a newline, or ``os.PathLike``), the
    file's text (a ``str`` with a newline) or its bytes. ``name`` is what errors
    cite (default: the file name, or ``"<text>"``). Raises :class:`InpError`
    (with the line, section and field of every problem) for a file EPANET 2.2
    would refuse, ``OSError`` for a file that cannot be read.
    """
    if isinstance(source, bytes):
        data, default = source, "<bytes>"
    elif isinstance(source, str) and "\n" in source:
        data, default = source.encode("utf-8"), "<text>"
    else:
        path = Path(source)
        data, default = path.read_bytes(), path.name
    return Model(_oasis.read_inp(data, name or default), name or default)


class Model:
    """A network model in the file's own units (use :func:`read_inp`).

    Element names, types and properties are read with the properties below;
    the model is changed in place by the ``set_*``/``add_*`` methods (or
    :meth:`apply` with an edit from :mod:`oasis_twin.edits`) and run with
    :meth:`run`. :meth:`copy` gives an independent model.
    """

    def __init__(self, net: "_oasis.Network", name: str = "<model>") -> None:
        self._net = net
        self.name = name

    # --- inspection -------------------------------------------------------
    @property
    def node_names(self) -> List[str]:
        """Every node in EPANET's index order: junctions, then tanks and reservoirs."""
        return self._net.node_names()

    @property
    def link_names(self) -> List[str]:
        return self._net.link_names()

    def _names(self, names: List[str], types: List[str], wanted: Iterable[str]) -> List[str]:
        w = set(wanted)
        return [n for n, t in zip(names, types) if t in w]

    @property
    def junction_names(self) -> List[str]:
        return self._names(self.node_names, self._net.node_types(), ["Junction"])

    @property
    def tank_names(self) -> List[str]:
        return self._names(self.node_names, self._net.node_types(), ["Tank"])

    @property
    def reservoir_names(self) -> List[str]:
        return self._names(self.node_names, self._net.node_types(), ["Reservoir"])

    @property
    def pipe_names(self) -> List[str]:
        return self._names(self.link_names, self._net.link_types(), ["Pipe", "CVPipe"])

    @property
    def pump_names(self) -> List[str]:
        return self._names(self.link_names, self._net.link_types(), ["Pump"])

    @property
    def valve_names(self) -> List[str]:
        return self._names(self.link_names, self._net.link_types(), ["PRV", "PSV", "PBV", "FCV", "TCV", "GPV"])

    @property
    def nodes(self) -> pd.DataFrame:
        """One row per node: ``type`` (Junction, Tank, Reservoir) and ``elevation``."""
        return pd.DataFrame(
            {"type": self._net.node_types(), "elevation": self._net.node_elevations()},
            index=pd.Index(self.node_names, name="node"),
        )

    @property
    def links(self) -> pd.DataFrame:
        """One row per link: ``type`` (Pipe, CVPipe, Pump, PRV, …), ``start_node``,
        ``end_node``, ``length`` (NaN but for pipes), ``initial_status``."""
        ends = self._net.link_ends()
        names = self.link_names
        return pd.DataFrame(
            {
                "type": self._net.link_types(),
                "start_node": [a for a, _ in ends],
                "end_node": [b for _, b in ends],
                "length": self._net.link_lengths(),
                "initial_status": [self._net.link_initial_status(n) for n in names],
            },
            index=pd.Index(names, name="link"),
        )

    @property
    def flow_units(self) -> str:
        """The file's flow units (``GPM``, ``LPS``, …): every flow and demand is in them."""
        return self._net.flow_units()

    @property
    def pressure_units(self) -> str:
        """``PSI``, ``METERS`` or ``KPA``."""
        return self._net.pressure_units()

    @property
    def duration(self) -> int:
        """``[TIMES] DURATION`` in seconds."""
        return self._net.times()[0]

    @property
    def pattern_names(self) -> List[str]:
        return self._net.pattern_names()

    def pattern(self, name: str) -> List[float]:
        return self._net.pattern(name)

    def demands(self, node: str) -> List[Tuple[float, Optional[str], Optional[str]]]:
        """``(base demand, pattern, category)`` per demand category of a junction."""
        return self._net.demands(node)

    def base_demand(self, node: str) -> float:
        """The first demand category's base demand (0 if the junction has none)."""
        d = self._net.demands(node)
        return d[0][0] if d else 0.0

    def emitter_coefficient(self, node: str) -> float:
        return self._net.emitter_coefficient(node)

    # --- editing ----------------------------------------------------------
    def apply(self, edit: Edit) -> "Model":
        """Makes one change from :mod:`oasis_twin.edits`; returns the model.
        Raises ``ValueError`` for an unknown element or a bad value."""
        self._net.apply(*edit.op())
        return self

    def set_base_demand(self, node: str, value: float) -> "Model":
        return self.apply(BaseDemand(node, value))

    def set_demand_pattern(self, node: str, pattern: Optional[str]) -> "Model":
        return self.apply(DemandPattern(node, pattern))

    def set_pattern(self, name: str, factors: Sequence[float]) -> "Model":
        """Replaces a pattern's factors, or adds the pattern."""
        return self.apply(Pattern(name, factors))

    def set_link_status(self, link: str, status: str) -> "Model":
        """``"OPEN"`` or ``"CLOSED"`` at the start of the run."""
        return self.apply(LinkStatus(link, status))

    def set_link_setting(self, link: str, value: float) -> "Model":
        return self.apply(LinkSetting(link, value))

    def set_emitter(self, node: str, coefficient: float) -> "Model":
        return self.apply(Emitter(node, coefficient))

    def add_leak(self, node: str, coefficient: float) -> "Model":
        """A leak modelled as an emitter: ``coefficient`` (flow units per
        pressure unit^emitter exponent, 0.5 by default) is added to the junction's."""
        return self.apply(Leak(node, coefficient))

    def set_demand_multiplier(self, factor: float) -> "Model":
        return self.apply(DemandMultiplier(factor))

    def set_duration(self, seconds: int) -> "Model":
        return self.apply(Duration(seconds))

    def copy(self) -> "Model":
        return Model(self._net.copy(), self.name)

    def to_inp(self, path: Optional[Union[str, "os.PathLike[str]"]] = None) -> str:
        """The model as ``.inp`` text, written to ``path`` too when given."""
        text = self._net.to_inp()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    # --- running ----------------------------------------------------------
    def run(self, steady: bool = False, quality: Optional[bool] = None, units: str = "file") -> SimulationResults:
        """Runs the twin (EPANET 2.2's hydraulics and water quality).

        ``steady``: time 0 only; otherwise the whole ``[TIMES] DURATION``,
        results at the reporting times. ``quality``: run water quality too
        (default: when ``[OPTIONS] QUALITY`` is not NONE; an extended run only).
        ``units``: ``"file"`` or ``"SI"`` (see :class:`SimulationResults`).
        The GIL is released while the twin runs. Raises :class:`HydraulicsError`.
        """
        q = self._wants_quality(quality, steady)
        return SimulationResults(self._net.run(steady, q), _NetworkInfo(self._net), units)

    def run_steady(self, units: str = "file") -> SimulationResults:
        return self.run(steady=True, units=units)

    def _wants_quality(self, quality: Optional[bool], steady: bool) -> bool:
        if steady:
            return False
        if quality is None:
            words = self._net.quality_option()
            return bool(words) and words[0].upper() != "NONE"
        return quality

    def __repr__(self) -> str:
        return f"<Model {self.name}: {len(self.node_names)} nodes, {len(self.link_names)} links, {self.flow_units}>"
