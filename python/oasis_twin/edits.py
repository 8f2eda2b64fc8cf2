"""Changes to a model, for :meth:`Model.apply` and :func:`run_scenarios`.

Values are in the ``.inp`` file's units (flow units; an emitter coefficient is
flow units per pressure unit^exponent, e.g. L/s per m^0.5 in an LPS file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple, Union

EditTuple = Tuple[str, str, object]


@dataclass(frozen=True)
class Leak:
    """A leak at a junction: ``coefficient`` added to its emitter coefficient."""

    node: str
    coefficient: float

    def op(self) -> EditTuple:
        return ("leak", self.node, float(self.coefficient))


@dataclass(frozen=True)
class Emitter:
    """A junction's emitter coefficient, replaced."""

    node: str
    coefficient: float

    def op(self) -> EditTuple:
        return ("emitter", self.node, float(self.coefficient))


@dataclass(frozen=True)
class BaseDemand:
    """The base demand of a junction's first demand category (flow units)."""

    node: str
    value: float

    def op(self) -> EditTuple:
        return ("base_demand", self.node, float(self.value))


@dataclass(frozen=True)
class DemandPattern:
    """The pattern of a junction's first demand category (None: the default pattern)."""

    node: str
    pattern: Optional[str]

    def op(self) -> EditTuple:
        return ("demand_pattern", self.node, self.pattern)


@dataclass(frozen=True)
class LinkStatus:
    """A link's initial status, ``"OPEN"`` or ``"CLOSED"`` (controls still act on it)."""

    link: str
    status: str

    def op(self) -> EditTuple:
        return ("link_status", self.link, self.status)


@dataclass(frozen=True)
class LinkSetting:
    """A pipe's roughness, a pump's relative speed or a valve's setting (the valve becomes active)."""

    link: str
    value: float

    def op(self) -> EditTuple:
        return ("link_setting", self.link, float(self.value))


@dataclass(frozen=True)
class Pattern:
    """A time pattern's factors (the pattern is added if it does not exist)."""

    name: str
    factors: Sequence[float]

    def op(self) -> EditTuple:
        return ("pattern", self.name, [float(f) for f in self.factors])


@dataclass(frozen=True)
class DemandMultiplier:
    """``[OPTIONS] DEMAND MULTIPLIER``."""

    factor: float

    def op(self) -> EditTuple:
        return ("demand_multiplier", "", float(self.factor))


@dataclass(frozen=True)
class Duration:
    """``[TIMES] DURATION`` in seconds."""

    seconds: int

    def op(self) -> EditTuple:
        return ("duration", "", float(self.seconds))


Edit = Union[Leak, Emitter, BaseDemand, DemandPattern, LinkStatus, LinkSetting, Pattern, DemandMultiplier, Duration]
