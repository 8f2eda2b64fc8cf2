"""The twin's typed errors as Python exceptions.

Every exception the package raises for bad input or an unsolvable network is an
:class:`OasisError`; the subclasses carry EPANET's error number and, for input
files, the line, section and field of every problem.
"""

from __future__ import annotations

from typing import List, NamedTuple, Optional, Sequence, Tuple


class OasisError(Exception):
    """Base class of the package's errors. ``code`` is EPANET's error number."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class LineProblem(NamedTuple):
    """One problem on one line of an ``.inp`` file."""

    line: int
    """1-based line number."""
    section: str
    field: str
    token: str
    code: int
    """EPANET 2.2's error number (200-series)."""
    message: str


class InpError(OasisError):
    """An ``.inp`` file EPANET 2.2 would refuse.

    ``code`` is what ``EN_open`` returns (200 when lines are wrong, e.g. 223 or
    224 for whole-network problems); ``problems`` lists every wrong line;
    ``line``, ``section`` and ``field`` are the first one's (None if no line).
    """

    def __init__(self, message: str, code: int, problems: Sequence[Tuple[int, str, str, str, int, str]] = ()) -> None:
        super().__init__(message, code)
        self.problems: List[LineProblem] = [LineProblem(*p) for p in problems]
        first = self.problems[0] if self.problems else None
        self.line: Optional[int] = first.line if first else None
        self.section: Optional[str] = first.section if first else None
        self.field: Optional[str] = first.field if first else None


class HydraulicsError(OasisError):
    """The network could not be simulated: error 110 (the equations cannot be
    solved, ``junction`` names where) or a 200-series input the solver cannot use."""

    def __init__(self, message: str, code: int, junction: Optional[str] = None) -> None:
        super().__init__(message, code)
        self.junction = junction
