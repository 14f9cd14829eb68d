"""Eligibility: which (student, offer, day or block) options obey every hard rule
except capacity, apart pairs and locked rows, and why a student has none.

INTERFACE CONTRACT (the solver relies on it; keep it stable):

``build_options(problem) -> Options``. Arrays of one option each, aligned, all
numpy, sorted by (student, kind, first_day, offer):

- ``student``  int32, index into ``problem.students``
- ``offer``    int32, index into ``problem.offers``
- ``company``  int32, index into ``problem.companies``
- ``field``    int32, index into ``problem.fields``
- ``kind``     int8, 0 = bfe, 1 = praktikum
- ``first_day`` int32, index into ``days`` (a :class:`DayIndex` over every
  working day of the problem's horizon): the BFE day, or the first working
  day of the Praktikum block
- ``n_days``   int16, 1 for bfe, the block length in working days for praktikum
  (the block covers ``first_day .. first_day + n_days - 1``)
- ``travel_min`` int32, whole minutes
- ``score``    int16, the student's interest score for the field (0 if none)

plus per student (length ``len(problem.students)``):

- ``bfe_needed``  int16: BFE days the student needs (0 when no bfe calendar row)
- ``praktikum_needed`` int8: 1 when the student needs a Praktikum block
- ``top_fields``: list of frozenset of field indices, the student's top-3
  fields by the contract's fairness rule

and ``days`` (the DayIndex), ``working`` (the WorkingDays).
"""
