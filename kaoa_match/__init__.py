"""kaoa_match: fair, proven KAoA placement plans for a whole Kreis (CP-SAT).

The public API: build a :class:`Problem` (or read one with :func:`read_input`
from an input directory or workbook),
:func:`solve` it, and write the :class:`Plan` with :func:`write_plan`.
"""

from kaoa_match.exceptions import (
    InputError,
    InputProblem,
    InputWarning,
    KaoaMatchError,
    KaoaMatchWarning,
    LockedConflictError,
    SolverError,
)
from kaoa_match.io.inputs import check_input, read_input
from kaoa_match.io.read import read_dir
from kaoa_match.io.write_plan import write_plan
from kaoa_match.model import (
    DEFAULT_PRIORITIES,
    Berufsfeld,
    CalendarEntry,
    Company,
    ExtraHoliday,
    Interest,
    Offer,
    Pair,
    PreviousAssignment,
    Priority,
    Problem,
    School,
    SolveOptions,
    Student,
    TravelModel,
    TravelTime,
    Wish,
)
from kaoa_match.plan import LevelResult, Plan
from kaoa_match.solvers import solve

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PRIORITIES",
    "Berufsfeld",
    "CalendarEntry",
    "Company",
    "ExtraHoliday",
    "InputError",
    "InputProblem",
    "InputWarning",
    "Interest",
    "KaoaMatchError",
    "KaoaMatchWarning",
    "LevelResult",
    "LockedConflictError",
    "Offer",
    "Pair",
    "Plan",
    "PreviousAssignment",
    "Priority",
    "Problem",
    "School",
    "SolveOptions",
    "SolverError",
    "Student",
    "TravelModel",
    "TravelTime",
    "Wish",
    "__version__",
    "check_input",
    "read_dir",
    "read_input",
    "solve",
    "write_plan",
]
