"""Late registrations: places for new students without moving anybody.

A student who registers after the plan was published gets a place from what
is still free: each offer's capacity less the plan's load on that day, a
group with a minimum size (``offers.min_group``) only while it runs (the
student alone could not open one). For each new student the best complete
options (all BFE days needed, a Praktikum block, the courses, a
Langzeitpraktikum on its weekdays) come in the order of
the levels the plan followed (the planner's priorities: by default the most
placements, a top-3 field, wish points, interest, then travel; stability and
``together`` do not apply to a new student, and each level is held exactly).
Several new students share the free places: they are booked jointly (CP-SAT
over their best options, the levels one after another), not one after the
other. No row of the published plan changes.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.i18n import _, date_text, ngettext, span_text
from kaoa_match.options import build_options, explain_no_option, weekday_mask
from kaoa_match.plan import ASSIGNMENT_COLUMNS
from kaoa_match.report.data import as_date
from kaoa_match.solvers.levels import NAMES, Order
from kaoa_match.solvers.result import KIND_NAME, assignment_row
from kaoa_match.solvers.variables import (
    BFE,
    COURSE,
    LANGZEIT,
    PRAKTIKUM,
    Candidates,
    WishMatches,
)
from kaoa_match.wishes import WishTable

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.options import Options
    from kaoa_match.report.data import PlanFiles

__all__ = ["Option", "Recommendations", "UnknownStudentsError", "recommend"]

_PER_DATE = 8  # best offers per candidate date combined into options
_KEPT_PER_STUDENT = 40  # options of the most placements per student the booking chooses from
_KEPT_SMALLER = 10  # options of each smaller number of placements (if places are shared)
_BLOCKS_COMBINED = 10  # best Praktikum blocks combined with BFE days (both needed)
_COURSES_TRIED = 12  # best courses per student combined into sets of courses
_COMBINED = 10  # best course sets and Langzeitpraktika combined with the other kinds


class UnknownStudentsError(KaoaMatchError):
    """A student to recommend for is not in the input."""


@dataclass(frozen=True)
class Option:
    """One option of a student: the placements it adds and their values.

    ``missing`` counts the placements the student still lacks after it (per
    kind): an option is partial when any are missing.
    """

    rows: tuple[tuple[object, ...], ...]  # assignment rows (plan.ASSIGNMENT_COLUMNS)
    top: bool  # the student has a placement in a top-3 field with it
    wishes: int  # points of the wishes it newly grants (6 - rank each)
    interest: int
    travel: int
    slots: tuple[int, ...] = field(repr=False)  # (offer, day) places it takes
    company_days: frozenset[tuple[int, int]] = field(repr=False, default=frozenset())
    missing: tuple[tuple[str, int], ...] = ()  # (kind, placements still missing)
    picks: tuple[int, ...] = field(repr=False, default=(), compare=False)  # candidate positions
    # The plan's order of the levels (``levels.Order.names``): what ``key`` ranks by.
    order: tuple[str, ...] = field(repr=False, default=NAMES, compare=False)

    @property
    def partial(self) -> bool:
        return any(n > 0 for _, n in self.missing)

    @property
    def key(self) -> tuple[int, ...]:
        """Larger is better, level by level in the plan's order: placements
        (coverage), a top-3 field (fairness), wish points, interest and travel
        (negated), wherever the order puts them."""
        values = {
            "coverage": len(self.rows),
            "fairness": int(self.top),
            "wishes": self.wishes,
            "interest": self.interest,
            "travel": -self.travel,
        }
        return tuple(values[name] for name in self.order if name in values)


@dataclass(frozen=True)
class Recommendations:
    """Per new student: the best options, the one booked, or why there is
    none (or why the best is partial); students already fully placed apart."""

    options: dict[str, list[Option]]
    booked: dict[str, Option]
    reasons: dict[str, str]
    missing: dict[str, dict[str, int]]  # placements each student lacked before the booking
    fully_placed: frozenset[str] = frozenset()

    def booked_rows(self) -> pd.DataFrame:
        """The assignment rows of the joint booking (plan.ASSIGNMENT_COLUMNS)."""
        rows = [row for option in self.booked.values() for row in option.rows]
        return pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)


def recommend(
    problem: Problem,
    assignments: pd.DataFrame,
    student_ids: list[str],
    top: int = 5,
    seed: int = 0,
) -> Recommendations:
    """The best ``top`` options of each new student in the free places of the
    published plan ``assignments``, and a joint booking of all of them.

    What the plan already gives a student counts: only the missing placements
    are offered (on other dates and, for BFE days, in other Berufsfelder), and
    a student who has all of them gets none. Where no complete option is left,
    the options are the best partial ones, as the plan itself would place the
    student (the most placements first). Raises :class:`UnknownStudentsError`
    naming every ID not in ``problem``.
    """
    index = {s.student_id: i for i, s in enumerate(problem.students)}
    unknown = [sid for sid in student_ids if sid not in index]
    if unknown:
        raise UnknownStudentsError(_("not in the input: {ids}").format(ids=", ".join(unknown)))
    wanted = list(dict.fromkeys(student_ids))
    sub = problem.model_copy(
        update={
            "students": tuple(problem.students[index[sid]] for sid in wanted),
            "previous": (),
            "pairs": (),
        }
    )
    opts = build_options(sub)
    free = _FreePlaces.of(problem, opts, assignments)
    table = WishTable.of(sub)
    held = _Held.of(problem, opts, assignments, wanted, table)
    every = Candidates.from_options(opts, np.ones(len(opts), dtype=bool))
    cand = Candidates.from_options(opts, free.usable(opts, every) & held.usable(opts, every))
    wishes = WishMatches.of(table, cand)
    per_student: dict[str, list[Option]] = {}
    reasons: dict[str, str] = {}
    done: set[str] = set()  # students the plan already gives every placement
    lacking: dict[str, dict[str, int]] = {}
    for s, sid in enumerate(wanted):
        missing = lacking[sid] = held.missing(opts, s)
        per_student[sid] = []
        if not any(int(opts.needed(kind)[s]) for kind in KIND_NAME.values()):
            reasons[sid] = explain_no_option(sub, s, "bfe") or _("needs no placement")
            continue
        if not any(missing.values()):
            done.add(sid)
            continue
        found = _options(sub, opts, cand, wishes, held, s, missing)
        per_student[sid] = _kept(found)
        if not found or found[0].partial:
            reasons[sid] = _why_short(sub, opts, cand, held, s, missing, found)
    booked = _book_jointly(per_student, free, _apart_pairs(problem, wanted), seed)
    shown = {sid: options[:top] for sid, options in per_student.items()}
    for sid, option in booked.items():
        if option not in shown[sid]:
            shown[sid] = [*shown[sid][: top - 1], option]
    return Recommendations(shown, booked, reasons, lacking, frozenset(done))


@dataclass(frozen=True)
class _FreePlaces:
    """Places left per (offer, day) after the published plan, and which groups run."""

    free: NDArray[np.int64]  # per slot = offer * n_days + day
    running: NDArray[np.bool_]  # per slot: the plan has students there
    min_group: NDArray[np.int64]  # per offer
    n_days: int

    @classmethod
    def of(cls, problem: Problem, opts: Options, assignments: pd.DataFrame) -> _FreePlaces:
        n_days = len(opts.days)
        offer_index = {o.offer_id: j for j, o in enumerate(problem.offers)}
        load: Counter[int] = Counter()
        row_days = _row_days(opts, assignments)
        for offer_id, days in zip(assignments["offer_id"], row_days, strict=True):
            j = offer_index.get(str(offer_id))
            if j is not None:
                load.update(j * n_days + d for d in days)
        capacity = np.repeat([o.capacity for o in problem.offers], n_days).astype(np.int64)
        taken = np.zeros(len(capacity), dtype=np.int64)
        for slot, count in load.items():
            taken[slot] = count
        minimum = [o.smallest_group if o.kind in _GROUPS else 1 for o in problem.offers]
        return cls(
            np.maximum(capacity - taken, 0), taken > 0, np.asarray(minimum, np.int64), n_days
        )

    def usable(self, opts: Options, every: Candidates) -> NDArray[np.bool_]:
        """Options with a free place on each of their dates (a Langzeitpraktikum:
        each date on its weekdays), in a group that runs (or one the student
        alone may open). ``every`` is all of ``opts`` as candidates."""
        owner, day = every.expand_days()
        full = self.free[every.offer[owner] * self.n_days + day] <= 0
        ok = np.bincount(owner[full], minlength=len(every)) == 0
        offer, first = every.offer, every.first_day
        grouped = np.isin(every.kind, (BFE, COURSE))
        closed = ~self.running[offer * self.n_days + first] & (self.min_group[offer] > 1)
        return ok & ~(grouped & closed)


_GROUPS = ("bfe", "praxiskurs")
"""Kinds whose offers may have a minimum group (a BFE day, a course)."""


@dataclass(frozen=True)
class _Held:
    """What the published plan already gives each new student, and what it
    rules out: days taken (per kind, as a Langzeitpraktikum pauses during the
    Praktikum block), BFE and course Berufsfelder used, and the company days
    of ``apart`` partners."""

    placed: list[Counter[str]]  # per student: placements per kind
    busy: list[set[int]]  # per student: day indices of BFE days and courses
    block: list[set[int]]  # per student: day indices of the Praktikum block
    langzeit: list[set[int]]  # per student: dates of the Langzeitpraktikum
    fields: list[set[int]]  # per student: BFE fields placed
    course_fields: list[set[int]]  # per student: Berufsfelder of courses placed
    avoid: list[set[tuple[int, int]]]  # per student: (company, day) of apart partners
    offers: list[list[int]]  # per student: offer indices placed
    wishes: list[set[int]]  # per student: wishes (WishTable positions) granted already

    @property
    def bfe_days(self) -> list[int]:
        return [placed["bfe"] for placed in self.placed]

    @classmethod
    def of(
        cls,
        problem: Problem,
        opts: Options,
        assignments: pd.DataFrame,
        wanted: list[str],
        table: WishTable,
    ) -> _Held:
        position = {sid: s for s, sid in enumerate(wanted)}
        offer_index = {o.offer_id: j for j, o in enumerate(problem.offers)}
        company_index = {c.company_id: j for j, c in enumerate(problem.companies)}
        field_index = {f.field_id: j for j, f in enumerate(problem.fields)}
        partners: dict[str, list[int]] = {}  # a plan's student -> new students kept apart
        for p in problem.pairs:
            for me, other in ((p.student_a, p.student_b), (p.student_b, p.student_a)):
                if p.relation == "apart" and me in position:
                    partners.setdefault(other, []).append(position[me])
        n = len(wanted)
        held = cls(
            placed=[Counter() for _ in range(n)],
            busy=[set() for _ in range(n)],
            block=[set() for _ in range(n)],
            langzeit=[set() for _ in range(n)],
            fields=[set() for _ in range(n)],
            course_fields=[set() for _ in range(n)],
            avoid=[set() for _ in range(n)],
            offers=[[] for _ in range(n)],
            wishes=[set() for _ in range(n)],
        )
        columns = zip(
            assignments["student_id"].astype(str),
            assignments["offer_id"].astype(str),
            _row_days(opts, assignments),
            strict=True,
        )
        for sid, oid, days in columns:
            j = offer_index.get(oid)
            if j is None:
                continue
            offer = problem.offers[j]
            for partner in partners.get(sid, ()):
                held.avoid[partner].update((company_index[offer.company_id], d) for d in days)
            s = position.get(sid)
            if s is None:
                continue
            held.offers[s].append(j)
            held.placed[s][offer.kind] += 1
            if offer.kind == "langzeit":
                held.langzeit[s].update(days)
            elif offer.kind == "praktikum":
                held.block[s].update(days)
            else:
                held.busy[s].update(days)
            if offer.kind == "bfe":
                held.fields[s].add(field_index[offer.field_id])
            elif offer.kind == "praxiskurs":
                held.course_fields[s].add(field_index[offer.field_id])
        held._granted_wishes(problem, table, company_index, field_index)
        return held

    def _granted_wishes(
        self,
        problem: Problem,
        table: WishTable,
        company_index: dict[str, int],
        field_index: dict[str, int],
    ) -> None:
        """The wishes each new student's placed rows grant already (``table``
        is over the new students, in their order)."""
        student = [s for s, offers in enumerate(self.offers) for _ in offers]
        offers = [problem.offers[j] for held in self.offers for j in held]
        rows, wish = table.matches(
            np.asarray(student, np.int64),
            np.asarray([j for held in self.offers for j in held], np.int64),
            np.asarray([company_index[o.company_id] for o in offers], np.int64),
            np.asarray([field_index[o.field_id] for o in offers], np.int64),
        )
        for r, w in zip(rows.tolist(), wish.tolist(), strict=True):
            self.wishes[student[r]].add(w)

    def missing(self, opts: Options, s: int) -> dict[str, int]:
        """Placements student ``s`` still lacks, per kind (kinds not needed left out,
        except the BFE and the Praktikum, always listed)."""
        lacking = {
            kind: max(int(opts.needed(kind)[s]) - self.placed[s][kind], 0)
            for kind in KIND_NAME.values()
        }
        return {k: n for k, n in lacking.items() if n or k in ("bfe", "praktikum")}

    def usable(self, opts: Options, every: Candidates) -> NDArray[np.bool_]:
        """Options that keep the student's placed days, BFE and course fields and
        apart partners (``every`` is all of ``opts`` as candidates)."""
        ok = np.ones(len(opts), dtype=bool)
        for i in range(len(opts)):
            s = int(opts.student[i])
            kind = int(opts.kind[i])
            taken = set(self.busy[s])
            if kind != LANGZEIT:  # a Langzeitpraktikum pauses during the block
                taken |= self.block[s]
            if kind != PRAKTIKUM:
                taken |= self.langzeit[s]
            if not (taken or self.fields[s] or self.course_fields[s] or self.avoid[s]):
                continue
            row_days = set(every.days_of(i))
            company = int(opts.company[i])
            used = {BFE: self.fields[s], COURSE: self.course_fields[s]}.get(kind, set())
            ok[i] = (
                not row_days & taken
                and int(opts.field[i]) not in used
                and not any((company, d) in self.avoid[s] for d in row_days)
            )
        return ok


def _row_days(opts: Options, assignments: pd.DataFrame) -> list[list[int]]:
    """Per row of a plan: the indices of the working days it covers (a
    Langzeitpraktikum: every date on its weekdays, pauses included, as its
    capacity is per weekday)."""
    weekdays = assignments["weekdays"] if "weekdays" in assignments else [""] * len(assignments)
    result = []
    for first, last, cell in zip(
        assignments["start_date"], assignments["end_date"], weekdays, strict=True
    ):
        days = opts.working.between(as_date(first), as_date(last))
        mask = weekday_mask(_weekday_names(cell))
        if mask:
            days = [d for d in days if mask >> d.weekday() & 1]
        result.append([d for d in map(opts.days.index_of, days) if d is not None])
    return result


def _weekday_names(cell: object) -> list[str]:
    """A ``weekdays`` cell (``mo|di``; empty or missing for the other kinds)."""
    if not isinstance(cell, str):
        return []
    return [name.strip() for name in cell.split("|") if name.strip()]


def _options(
    problem: Problem,
    opts: Options,
    cand: Candidates,
    wishes: WishMatches,
    held: _Held,
    s: int,
    missing: dict[str, int],
) -> list[Option]:
    """The options of student ``s``, best first: combinations of the missing
    BFE days (the best few offers per date, over distinct dates and
    Berufsfelder) and of a missing Praktikum block, as many placements as
    possible, down to partial ones."""
    mine = np.flatnonzero(cand.student == s)
    points = wishes.option_points(len(cand))
    top = set(opts.top_fields[s])
    blocks = [[int(i)] for i in mine[cand.kind[mine] == PRAKTIKUM]] if missing["praktikum"] else []
    order = Order.of(problem.effective_priorities).names
    days = _bfe_combinations(cand, mine, points, top, missing["bfe"], order)
    picks_list: list[list[int]] = [*days, *blocks]
    if days and blocks:  # both needed: days and a block that do not overlap
        best_blocks = sorted(blocks, key=lambda b: -cand.score[b[0]])[:_BLOCKS_COMBINED]
        picks_list += [d + b for d in days for b in best_blocks if not _overlap(cand, d, b)]
    already_top = _holds_top(problem, held, s, top)

    def made(picks: list[int]) -> Option:
        option = _option(problem, opts, cand, wishes, picks, top, already_top, held, s, missing)
        return replace(option, order=order)

    found = [made(picks) for picks in picks_list]
    # The courses and a Langzeitpraktikum: their best few, alone and with the
    # best options of the other kinds, wherever the dates allow.
    extras = [
        _course_combinations(cand, mine, missing.get("praxiskurs", 0), made),
        [[int(i)] for i in mine[cand.kind[mine] == LANGZEIT]] if missing.get("langzeit") else [],
    ]
    for extra in extras:
        if not extra:
            continue
        alone = sorted((made(picks) for picks in extra), key=lambda o: o.key, reverse=True)
        best = [list(o.picks) for o in alone[:_COMBINED]]
        found.sort(key=lambda o: o.key, reverse=True)
        bases = [list(o.picks) for o in found[:_KEPT_PER_STUDENT]]
        combined = [b + e for b in bases for e in best if not _clash(cand, b + e)]
        found += alone + [made(picks) for picks in combined]
    found.sort(key=lambda o: o.key, reverse=True)
    return found


def _clash(cand: Candidates, picks: list[int]) -> bool:
    """Whether two placements of ``picks`` share a date (a Langzeitpraktikum
    pauses during the Praktikum block) or two courses share a Berufsfeld."""
    seen: dict[int, int] = {}
    for i in picks:
        for d in cand.days_of(i):
            other = seen.get(d)
            if other is not None and {int(cand.kind[i]), other} != {LANGZEIT, PRAKTIKUM}:
                return True
            seen[d] = int(cand.kind[i])
    courses = [int(cand.field[i]) for i in picks if cand.kind[i] == COURSE]
    return len(courses) != len(set(courses))


def _course_combinations(
    cand: Candidates, mine: NDArray[np.int64], k: int, made: Callable[[list[int]], Option]
) -> list[list[int]]:
    """Sets of ``k`` courses (or as many as possible) of the best few, in
    distinct Berufsfelder, on dates apart."""
    if k == 0:
        return []
    courses = [[int(i)] for i in mine[cand.kind[mine] == COURSE]]
    ranked = sorted(courses, key=lambda p: made(p).key, reverse=True)[:_COURSES_TRIED]
    best = [p[0] for p in ranked]
    for size in range(min(k, len(best)), 0, -1):
        found = [
            list(picks)
            for picks in itertools.combinations(best, size)
            if not _clash(cand, list(picks))
        ]
        if found:
            return found
    return []


def _holds_top(problem: Problem, held: _Held, s: int, top: set[int]) -> bool:
    """Whether a placed row of the student (any kind) is in a top-3 field."""
    field_index = {f.field_id: j for j, f in enumerate(problem.fields)}
    return any(field_index[problem.offers[j].field_id] in top for j in held.offers[s])


def _bfe_combinations(
    cand: Candidates,
    mine: NDArray[np.int64],
    points: NDArray[np.int64],
    top: set[int],
    k: int,
    order: tuple[str, ...] = NAMES,
) -> list[list[int]]:
    """Combinations of ``k`` BFE candidates on distinct dates in distinct fields;
    if there are none, of the most days possible (fewer than ``k``). The
    candidates are tried best first by the levels in ``order``."""
    if k == 0:
        return []
    bfe = mine[cand.kind[mine] == BFE]

    def rank(i: int) -> tuple[int, ...]:
        values = {
            "fairness": -int(int(cand.field[i]) in top),
            "wishes": -int(points[i]),
            "interest": -int(cand.score[i]),
            "travel": int(cand.travel[i]),
        }
        return tuple(values[name] for name in order if name in values)

    best_first = sorted(bfe.tolist(), key=rank)
    by_date: dict[int, list[int]] = {}
    for i in best_first:
        day = by_date.setdefault(int(cand.first_day[i]), [])
        if len(day) < _PER_DATE and all(cand.field[j] != cand.field[i] for j in day):
            day.append(i)
    for size in range(min(k, len(by_date)), 0, -1):
        found = [
            list(picks)
            for dates in itertools.combinations(sorted(by_date), size)
            for picks in itertools.product(*(by_date[d] for d in dates))
            if len({int(cand.field[i]) for i in picks}) == size
        ]
        if found:  # one day fewer only as fall-backs, for places shared with others
            return found + _smaller(found, size)
    return []


def _smaller(found: list[list[int]], size: int) -> list[list[int]]:
    """Sub-combinations one day shorter of the best few (fall-backs for a joint booking)."""
    if size <= 1:
        return []
    seen: set[tuple[int, ...]] = set()
    for picks in found[:_KEPT_SMALLER]:
        for part in itertools.combinations(picks, size - 1):
            seen.add(tuple(part))
    return [list(part) for part in sorted(seen)]


def _overlap(cand: Candidates, days: list[int], block: list[int]) -> bool:
    b = block[0]
    lo, hi = int(cand.first_day[b]), int(cand.first_day[b] + cand.n_days[b])
    return any(lo <= int(cand.first_day[i]) < hi for i in days)


def _option(
    problem: Problem,
    opts: Options,
    cand: Candidates,
    wishes: WishMatches,
    picks: list[int],
    top: set[int],
    already_top: bool,
    held: _Held,
    s: int,
    missing: dict[str, int],
) -> Option:
    plan = np.zeros(len(cand), dtype=bool)
    plan[picks] = True
    granted = set(wishes.wish[plan[wishes.option]].tolist()) - held.wishes[s]
    ordered = sorted(picks, key=lambda i: int(cand.first_day[i]))
    rows = [assignment_row(problem, opts, cand, i) for i in ordered]
    covered = [(i, d) for i in ordered for d in cand.days_of(i)]
    added: Counter[str] = Counter(KIND_NAME[int(cand.kind[i])] for i in picks)
    return Option(
        rows=tuple(rows),
        top=already_top or any(int(cand.field[i]) in top for i in picks),
        wishes=int(wishes.weight[sorted(granted)].sum()),
        interest=int(cand.score[picks].sum()),
        travel=int(cand.travel[picks].sum()),
        slots=tuple(int(cand.offer[i]) * len(opts.days) + d for i, d in covered),
        company_days=frozenset((int(cand.company[i]), d) for i, d in covered),
        missing=tuple((kind, n - added[kind]) for kind, n in missing.items() if n),
        picks=tuple(ordered),
    )


def _kept(found: list[Option]) -> list[Option]:
    """The options the booking chooses from: the best of the most placements,
    and a few of each smaller number (used when places are shared)."""
    kept: list[Option] = []
    per_size: Counter[int] = Counter()
    most = len(found[0].rows) if found else 0
    for option in found:
        size = len(option.rows)
        if per_size[size] < (_KEPT_PER_STUDENT if size == most else _KEPT_SMALLER):
            per_size[size] += 1
            kept.append(option)
    return kept


def _why_short(
    problem: Problem,
    opts: Options,
    cand: Candidates,
    held: _Held,
    s: int,
    missing: dict[str, int],
    found: list[Option],
) -> str:
    """Why student ``s`` has no complete option in the free places: what the
    best option leaves missing, and why."""
    left = dict(found[0].missing) if found else missing
    texts = []
    for kind, n in left.items():
        if not n:
            continue
        if (s, kind) in opts.no_option_reason:
            texts.append(opts.no_option_reason[(s, kind)])
        elif kind == "praktikum":
            texts.append(
                _("every Praktikum offer in reach is full on some day of each possible block")
            )
        elif kind == "praxiskurs":
            texts.append(
                ngettext(
                    "{n} Praxiskurs is missing: every course in reach in a Berufsfeld the "
                    "student does not have yet is full, has no running group, or clashes "
                    "with the student's other dates",
                    "{n} Praxiskurse are missing: every course in reach in a Berufsfeld the "
                    "student does not have yet is full, has no running group, or clashes "
                    "with the student's other dates",
                    n,
                ).format(n=n)
            )
        elif kind == "langzeit":
            texts.append(
                _(
                    "no Langzeitpraktikum in reach has room on each of its weekdays with "
                    "dates free of the student's BFE days and courses"
                )
            )
        else:
            texts.append(_bfe_short(problem, opts, cand, held, s, n))
    return "; ".join(texts)


def _bfe_short(
    problem: Problem, opts: Options, cand: Candidates, held: _Held, s: int, short: int
) -> str:
    mine = np.flatnonzero((cand.student == s) & (cand.kind == BFE))
    dates = sorted({opts.days[int(d)] for d in cand.first_day[mine]})
    fields = {int(f) for f in cand.field[mine]}
    values = {
        "short": short,
        "placed": held.bfe_days[s],
        "needed": int(opts.bfe_needed[s]),
        "n_dates": len(dates),
        "dates": ", ".join(date_text(d) for d in dates),
        "n_fields": len(fields),
    }
    if not dates:
        return ngettext(
            "{short} BFE day is missing ({placed} of {needed} placed): no free place is left "
            "(in a group that runs) on a date the student has free, in a Berufsfeld the "
            "student does not have yet",
            "{short} BFE days are missing ({placed} of {needed} placed): no free place is left "
            "(in a group that runs) on a date the student has free, in a Berufsfeld the "
            "student does not have yet",
            short,
        ).format(**values)
    return ngettext(
        "{short} BFE day is missing ({placed} of {needed} placed): free places (in groups "
        "that run, on dates and in Berufsfelder the student does not have yet) are left on "
        "{n_dates} candidate date(s) ({dates}) in {n_fields} Berufsfeld(er); the rest is full",
        "{short} BFE days are missing ({placed} of {needed} placed): free places (in groups "
        "that run, on dates and in Berufsfelder the student does not have yet) are left on "
        "{n_dates} candidate date(s) ({dates}) in {n_fields} Berufsfeld(er); the rest is full",
        short,
    ).format(**values)


def _apart_pairs(problem: Problem, wanted: list[str]) -> list[tuple[str, str]]:
    """``apart`` pairs of two new students (booked jointly, kept apart)."""
    new = set(wanted)
    return [
        (p.student_a, p.student_b)
        for p in problem.pairs
        if p.relation == "apart" and p.student_a in new and p.student_b in new
    ]


def _book_jointly(
    per_student: dict[str, list[Option]],
    free: _FreePlaces,
    apart: list[tuple[str, str]],
    seed: int,
) -> dict[str, Option]:
    """One option per student (or none), places shared: the most placements,
    then the levels over all of them, lexicographically."""
    if not any(per_student.values()):
        return {}
    model = cp_model.CpModel()
    choice: dict[tuple[str, int], cp_model.IntVar] = {}
    for sid, options in per_student.items():
        for k in range(len(options)):
            choice[(sid, k)] = model.new_bool_var(f"{sid}/{k}")
        model.add_at_most_one(choice[(sid, k)] for k in range(len(options)))
    users: dict[int, list[cp_model.IntVar]] = {}
    for (sid, k), var in choice.items():
        for slot in per_student[sid][k].slots:
            users.setdefault(slot, []).append(var)
    for slot, taking in users.items():
        if len(taking) > free.free[slot]:
            model.add(sum(taking) <= int(free.free[slot]))
    for a, b in apart:
        for ka, option_a in enumerate(per_student.get(a, [])):
            for kb, option_b in enumerate(per_student.get(b, [])):
                if option_a.company_days & option_b.company_days:
                    model.add_at_most_one([choice[(a, ka)], choice[(b, kb)]])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    n_levels = len(next(o for options in per_student.values() for o in options).key)
    for level in range(n_levels):
        expr = sum(per_student[sid][k].key[level] * var for (sid, k), var in choice.items())
        model.maximize(expr)
        status = solver.solve(model)
        if status != cp_model.OPTIMAL:
            raise KaoaMatchError(f"booking the new students failed ({solver.status_name(status)})")
        model.add(expr >= round(solver.objective_value))
    return {sid: per_student[sid][k] for (sid, k), var in choice.items() if solver.value(var) == 1}


def booked_plan(
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: dict[str, object],
    recs: Recommendations,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """The published plan with the joint booking added: its assignments,
    unassigned, changes (``newly placed``) and summary tables.

    Every old row stays. The summary keeps the published plan's entries,
    with the values a recount of the new assignments gives where the
    assignments alone decide them, and every level ``recounted``: the plan was
    not optimised again, so its bounds are dropped (``null``). The caller
    records the input the booked plan belongs to (``summary["input"]``).
    """
    from kaoa_match.changes import CHANGE_COLUMNS, NEWLY_PLACED, placement_labels
    from kaoa_match.report.data import headline, normalise_assignments, normalise_unassigned

    new_rows = normalise_assignments(recs.booked_rows())
    old = normalise_assignments(assignments)
    placed = pd.concat([old, new_rows], ignore_index=True) if len(new_rows) else old
    placed = placed.sort_values(["school_id", "student_id", "start_date"], ignore_index=True)
    short = normalise_unassigned(unassigned)
    short = short[~short["student_id"].isin(set(recs.options))]
    still = _still_short(problem, recs)
    if still:
        short = pd.concat([short, pd.DataFrame(still, columns=short.columns)], ignore_index=True)
    names = {c.company_id: c.name or c.company_id for c in problem.companies}
    changes = pd.DataFrame(
        {
            "student_id": new_rows["student_id"],
            "school_id": new_rows["school_id"],
            "kind": new_rows["kind"],
            "change": NEWLY_PLACED,
            "before": "",
            "after": placement_labels(new_rows),  # data, as a rerun's changes.csv has it
            "reason": [
                _("late registration: placed in a free place at {company} ({company_id})").format(
                    company=names.get(company, company), company_id=company
                )
                for company in new_rows["company_id"]
            ],
        },
        columns=CHANGE_COLUMNS,
    )
    values = headline(problem, placed, short, summary)
    objectives = dict(summary.get("objectives", {}))  # type: ignore[call-overload]
    objectives.update(
        coverage=len(placed),
        fairness=values.fairness,
        wishes=values.wishes,
        interest=values.interest,
        travel=values.travel,
    )
    new_summary = dict(summary) | {
        "status": "feasible",
        "level_status": dict.fromkeys(objectives, RECOUNTED),
        "objectives": objectives,
        "bounds": dict.fromkeys(objectives),
        "gaps": dict.fromkeys(objectives),
        "bound_sources": dict.fromkeys(objectives, "none: booked into a published plan"),
        "assigned_rows": len(placed),
        "students_short": int(short["student_id"].nunique()),
        "newly_placed": sorted(recs.booked),
    }
    return placed, short, changes, new_summary


def recommendation_lines(problem: Problem, recs: Recommendations) -> list[str]:
    """What ``recommend`` prints: per student its options (booked and partial
    ones marked), or why there is none; dates, Berufsfeld, company name and ID,
    offer ID and minutes on each placement."""
    names = {c.company_id: c.name or c.company_id for c in problem.companies}
    lines = []
    for sid, options in recs.options.items():
        lines.append(f"{sid}:")
        if sid in recs.fully_placed:
            lines.append("  " + _("already has every placement it needs; nothing to book"))
        elif sid in recs.reasons:
            head = _("best option is partial") if options else _("no option")
            lines.append(f"  {head}: {recs.reasons[sid]}")
        for k, option in enumerate(options, 1):
            lines.append(f"  {k}. {_option_text(option, names, recs.booked.get(sid) == option)}")
    return lines


def _option_text(option: Option, names: dict[str, str], booked: bool) -> str:
    places = "; ".join(
        _("{dates} {field} at {company} ({company_id}, offer {offer_id}), {minutes} min").format(
            dates=_dates_text(row),
            field=row[5],
            company=names.get(str(row[4]), row[4]),
            company_id=row[4],
            offer_id=row[3],
            minutes=row[8],
        )
        for row in option.rows
    )
    values = _(
        "top-3 field: {top}, wishes {wishes}, interest {interest}, travel {travel} min"
    ).format(
        top=_("yes") if option.top else _("no"),
        wishes=option.wishes,
        interest=option.interest,
        travel=option.travel,
    )
    marks = [missing_text(option)] if option.partial else []
    marks += [_("booked")] if booked else []
    return f"{places} | {values}" + "".join(f" ({mark})" for mark in marks)


def missing_text(option: Option) -> str:
    """``partial: 1 BFE day missing`` (what the student still lacks with it)."""
    parts = [_kind_count(kind, n) for kind, n in option.missing if n > 0]
    return _("partial: {what} missing").format(what=", ".join(parts))


def _dates_text(row: tuple[object, ...]) -> str:
    """The dates of a row; a Langzeitpraktikum's period with its weekdays."""
    span = date_span(row[6], row[7])
    if row[2] != "langzeit":
        return span
    return _("{period} on {weekdays}").format(period=span, weekdays=row[10])


def _kind_count(kind: str, n: int) -> str:
    if kind == "bfe":
        return ngettext("{n} BFE day", "{n} BFE days", n).format(n=n)
    if kind == "praktikum":
        return ngettext("{n} Praktikum block", "{n} Praktikum blocks", n).format(n=n)
    if kind == "praxiskurs":
        return ngettext("{n} Praxiskurs", "{n} Praxiskurse", n).format(n=n)
    return ngettext("{n} Langzeitpraktikum", "{n} Langzeitpraktika", n).format(n=n)


def write_booked_plan(
    problem: Problem,
    published: PlanFiles,
    recs: Recommendations,
    out_dir: Path,
    input_source: Path,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """Write the published plan with the booking into ``out_dir``, atomically:
    assignments, unassigned, changes, summary (naming ``input_source``, the
    input that lists the new students), report and workbook. The rows pass the
    hard-rule check first (:func:`kaoa_match.plan_rules.require_valid_plan`),
    so a broken booking writes nothing. Returns the new assignments,
    unassigned and summary."""
    from kaoa_match.io.atomic import atomic_directory
    from kaoa_match.io.write_plan import write_summary
    from kaoa_match.plan_rules import require_valid_plan
    from kaoa_match.report.files import write_report_files

    placed, short, changes, summary = booked_plan(
        problem, published.assignments, published.unassigned, published.summary, recs
    )
    summary["input"] = str(input_source.resolve())  # explain and report find it
    require_valid_plan(problem, placed)
    with atomic_directory(out_dir) as staging:
        placed.to_csv(staging / "assignments.csv", index=False, date_format="%Y-%m-%d")
        short.to_csv(staging / "unassigned.csv", index=False)
        changes.to_csv(staging / "changes.csv", index=False)
        write_summary(staging / "summary.json", summary)
        write_report_files(staging, problem, placed, short, summary, None)
    return placed, short, summary


RECOUNTED = "recounted"
"""The status of every level of a booked plan: counted from its rows, not optimised."""


def _still_short(problem: Problem, recs: Recommendations) -> list[tuple[str, str, str, int, str]]:
    """``unassigned.csv`` rows of the new students after the booking."""
    school = {s.student_id: s.school_id for s in problem.students}
    rows = []
    for sid, missing in recs.missing.items():
        booked = recs.booked.get(sid)
        left = dict(booked.missing) if booked else missing
        for kind, n in left.items():
            if n <= 0:
                continue
            reason = recs.reasons.get(sid) or _(
                "the free places left for this student went to other students booked at the "
                "same time"
            )
            rows.append((sid, school[sid], kind, n, reason))
    return rows


def date_span(first: object, last: object) -> str:
    """``03.11.2026`` for a day, ``11.01.2027 to 22.01.2027`` for a block (cells
    of a plan as read or as made: dates or ISO text)."""
    return span_text(as_date(first), as_date(last))
