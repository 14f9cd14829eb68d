"""What every stage of one solve shares: the options, the time policy, the
deadline of the whole solve and the progress reporter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaoa_match.model import SolveOptions
    from kaoa_match.solvers.budget import Deadline, TimePolicy
    from kaoa_match.solvers.search.lexicographic import Progress


@dataclass(frozen=True)
class Context:
    """One solve's settings, handed to each stage instead of a run of parameters."""

    options: SolveOptions
    policy: TimePolicy
    deadline: Deadline  # of the whole solve
    progress: Progress | None = None
