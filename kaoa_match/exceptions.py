"""All errors and warnings of kaoa_match derive from one root each."""

from __future__ import annotations

from dataclasses import dataclass


class KaoaMatchError(Exception):
    """Root of every error raised by kaoa_match."""


@dataclass(frozen=True, order=True)
class InputProblem:
    """One problem found in the input, located as ``file:line: column``.

    ``line`` is the 1-based line in the file (the header is line 1); 0 means
    the problem concerns the file as a whole; ``column`` ``-`` the whole row.
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        """``file:line: column: message``; a problem of the whole file or of a
        whole row leaves out what it has not (``offers.csv: has no rows``)."""
        where = self.file if self.line == 0 else f"{self.file}:{self.line}"
        if self.column in ("", "-"):
            return f"{where}: {self.message}"
        return f"{where}: {self.column}: {self.message}"


class InputError(KaoaMatchError):
    """The input is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[InputProblem]]]:
        # Made again from its problems, not its message, when it crosses
        # processes (several Kreise solved in a pool).
        return (InputError, (self.problems,))


class LockedConflictError(KaoaMatchError):
    """Locked rows of the previous plan cannot all be kept."""


class SolverError(KaoaMatchError):
    """The solver reported a state that means a bug in our model."""


class KaoaMatchWarning(UserWarning):
    """Root of every warning issued by kaoa_match."""


class InputWarning(KaoaMatchWarning):
    """Input that can be solved but looks wrong to a planner."""


class PlanRuleError(KaoaMatchError):
    """A plan about to be written breaks a hard rule of the contract.

    Always a bug of ours (the solver or a booking), never the input's fault:
    the command stops with exit status 1 and writes nothing.
    """

    def __init__(self, broken: list[str]) -> None:
        self.broken = broken
        shown = "\n".join(f"  {message}" for message in broken[:20])
        more = f"\n  ... and {len(broken) - 20} more" if len(broken) > 20 else ""
        super().__init__(
            f"the plan breaks {len(broken)} hard rule(s); nothing was written. This is a bug "
            f"of kaoa_match, please report it:\n{shown}{more}"
        )
