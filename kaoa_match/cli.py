"""The command-line tool: argument parsing and console output only.

Exit status (data contract): 0 a plan was written (also when some students
could not be placed), 2 the input is invalid or locked rows conflict, 1
anything else.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from kaoa_match.exceptions import InputError, KaoaMatchError, LockedConflictError
from kaoa_match.executors import EXECUTORS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kaoa_match.batch import KreisPlan
    from kaoa_match.model import SolveOptions

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
EXAMPLE_DIR = Path(__file__).parent / "data" / "example"
"""The shipped example Kreis (the README's first command solves it)."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console(stderr=True, highlight=False)
    try:
        return int(args.run(args, console))
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        console.print(
            f"[red]input is invalid: {len(error.problems)} problem(s); nothing written[/]"
        )
        return EXIT_INVALID
    except LockedConflictError as error:
        console.print(f"[red]locked rows conflict; nothing written[/]\n{error}", markup=False)
        return EXIT_INVALID
    except KaoaMatchError as error:
        console.print(f"error: {error}", markup=False)
        return EXIT_FAILED
    except KeyboardInterrupt:
        console.print("interrupted before a plan existed; nothing written")
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kaoa_match",
        description="Plan KAoA Berufsfelderkundung and Praktikum placements for a Kreis.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    solve = sub.add_parser("solve", help="plan every placement and write the plan")
    solve.add_argument(
        "input",
        type=Path,
        nargs="+",
        help="input directory of CSV files or workbook (.xlsx); several = one Kreis each, "
        "solved in parallel",
    )
    solve.add_argument("--out", type=Path, required=True, help="output directory (replaced whole)")
    solve.add_argument(
        "--time-limit", type=float, default=None, help="seconds for all levels (per Kreis)"
    )
    solve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="CP-SAT search workers per Kreis (default 2; 1 with several inputs)",
    )
    solve.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="process",
        help="with several inputs: a local process pool (default) or Ray",
    )
    solve.add_argument("--address", default=None, help="Ray cluster to join (default: a local Ray)")
    solve.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="with several inputs: Kreise solved at once (default: CPUs / workers)",
    )
    solve.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    solve.add_argument("--previous", type=Path, default=None, help="an earlier plan to keep stable")
    solve.add_argument(
        "--max-options",
        type=int,
        default=400_000,
        help="above this many options keep only the nearest offers (0 = exact model always)",
    )
    solve.add_argument("--quiet", action="store_true", help="no progress lines")
    solve.set_defaults(run=_solve)

    validate = sub.add_parser("validate", help="check the input and summarise the Kreis")
    validate.add_argument("input", type=Path, help=_INPUT_ARG_HELP)
    validate.set_defaults(run=_validate)

    generate = sub.add_parser("generate", help="write a synthetic, realistic Kreis")
    generate.add_argument("out", type=Path, help="directory to write the input files to")
    generate.add_argument(
        "--preset",
        default=None,
        help="e.g. kreis-olpe, koeln, example; nrw writes all 53 Kreise of NRW, one directory each",
    )
    generate.add_argument(
        "--scale",
        type=float,
        default=None,
        help="with --preset nrw: share of every Kreis's cohort to generate, 0 < s <= 1 (default 1)",
    )
    generate.add_argument("--students", type=int, default=None, help="grade-8 BFE students")
    generate.add_argument("--praktikum", type=int, default=None, help="grade-9 Praktikum students")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument(
        "--german", action="store_true", help="write ';', decimal comma, dd.mm.yyyy"
    )
    generate.add_argument(
        "--xlsx", action="store_true", help="write one workbook OUT.xlsx instead of a directory"
    )
    generate.set_defaults(run=_generate)

    template = sub.add_parser(
        "template", help="write an input workbook (.xlsx) for a planner to fill in Excel"
    )
    template.add_argument("book", type=Path, help="the workbook to write, e.g. kreis.xlsx")
    template.add_argument(
        "--example", action="store_true", help="fill it with the shipped example Kreis"
    )
    template.add_argument("--force", action="store_true", help="replace an existing file")
    template.set_defaults(run=_template)

    report = sub.add_parser("report", help="remake report.html and plan.xlsx of a plan")
    report.add_argument("out", type=Path, help="output directory of a solve")
    report.add_argument("--input", type=Path, default=None, help=_INPUT_HELP)
    report.set_defaults(run=_report)

    rec = sub.add_parser(
        "recommend", help="places for students who registered late; nobody else moves"
    )
    rec.add_argument("input", type=Path, help=_INPUT_ARG_HELP)
    rec.add_argument("--plan", type=Path, required=True, help="output directory of the plan")
    rec.add_argument("student_ids", nargs="+", metavar="STUDENT_ID", help="the new students")
    rec.add_argument("--top", type=int, default=5, help="options listed per student")
    rec.add_argument("--book", action="store_true", help="write the plan with the booking")
    rec.add_argument("--out", type=Path, default=None, help="new plan directory (with --book)")
    rec.add_argument("--seed", type=int, default=0)
    rec.set_defaults(run=_recommend)

    explain = sub.add_parser("explain", help="why a student got what they got")
    explain.add_argument("out", type=Path, help="output directory of a solve")
    explain.add_argument("student_id", help="the student's pseudonymous ID")
    explain.add_argument("--input", type=Path, default=None, help=_INPUT_HELP)
    explain.set_defaults(run=_explain)
    return parser


_INPUT_HELP = "input directory or workbook of the plan (default: the one summary.json names)"
_INPUT_ARG_HELP = "input directory of CSV files, or a workbook (.xlsx)"


def _solve(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.io.atomic import refuse_foreign
    from kaoa_match.io.inputs import check_input
    from kaoa_match.io.write_plan import write_plan
    from kaoa_match.progress import LiveStatus, report_link, result_table
    from kaoa_match.report.files import report_baseline
    from kaoa_match.solvers.pipeline import solve_with_options
    from kaoa_match.wishes import never_granted

    if len(args.input) > 1:
        return _solve_batch(args, console)
    [source] = args.input
    if args.workers is None:
        args.workers = 2
    started = time.monotonic()
    refuse_foreign(args.out)  # before the solve, not after it
    problem, warnings = check_input(source, previous=args.previous)
    _print_warnings(console, warnings)
    console.print(
        f"read {len(problem.students)} students, {len(problem.companies)} companies, "
        f"{len(problem.offers)} offers in {time.monotonic() - started:.1f} s"
    )
    options = _solve_options(args, args.workers)
    with LiveStatus(console, options.time_limit_s, quiet=args.quiet) as status:
        plan, opts = solve_with_options(problem, options, progress=status)
        _print_warnings(console, never_granted(problem, opts, source))
        status.stage("report: portal baseline, report.html, plan.xlsx")
        baseline = report_baseline(problem, opts)
        del opts  # GBs for a large Kreis; the report needs no more of them
        extra = _run_record(args, source, args.workers)
        extra["previous"] = None if args.previous is None else str(args.previous.resolve())
        write_plan(plan, args.out, extra, problem=problem, baseline=baseline)
    console.print(result_table(plan))
    console.print(report_link(args.out / "report.html"), soft_wrap=True)
    placed = plan.assignments["student_id"].nunique()
    short = plan.unassigned["student_id"].nunique()
    console.print(
        f"{len(plan.assignments)} placements for {placed} students; {short} students short "
        f"of a placement (see unassigned.csv)"
    )
    if plan.interrupted:
        console.print("[yellow]stopped by Ctrl-C: this is the best plan found so far[/]")
    files = "assignments.csv, unassigned.csv, summary.json"
    if plan.changes is not None:
        files += ", changes.csv"
    files += ", report.html, plan.xlsx"
    console.print(f"plan written to {args.out}/ ({files})")
    return EXIT_OK


def _solve_batch(args: argparse.Namespace, console: Console) -> int:
    """Several inputs (directories or workbooks): one Kreis each, solved in
    parallel, one output sub-directory per Kreis and the totals in ``summary.json``."""
    from kaoa_match.batch import solve_many, write_batch
    from kaoa_match.io.atomic import refuse_foreign
    from kaoa_match.io.inputs import check_inputs
    from kaoa_match.progress import batch_line, batch_table

    if args.previous is not None:
        raise KaoaMatchError(
            "--previous takes one plan; with several inputs put each Kreis's "
            "previous.csv into its input directory (or its previous sheet)"
        )
    started = time.monotonic()
    refuse_foreign(args.out)
    problems, warnings = check_inputs(args.input)
    _print_warnings(console, warnings)
    students = sum(len(p.students) for p in problems.values())
    console.print(
        f"read {len(problems)} Kreise, {students} students in {time.monotonic() - started:.1f} s"
    )
    workers = args.workers or 1
    jobs = args.jobs or max(_usable_cpus() // workers, 1)
    options = _solve_options(args, workers)
    extra = {
        name: _run_record(args, path, workers)
        for name, path in zip(problems, args.input, strict=True)
    }
    console.print(
        f"solving on {args.executor}: {jobs} Kreise at once, {workers} CP-SAT worker(s) each"
    )
    total = len(problems)
    finished: list[str] = []

    def report(kreis: KreisPlan) -> None:
        finished.append(kreis.name)
        if not args.quiet:
            console.print(batch_line(kreis, len(finished), total, time.monotonic() - started))

    batch = solve_many(
        problems,
        options,
        executor=args.executor,
        jobs=jobs,
        address=args.address,
        extra_summary=extra,
        on_done=report,
    )
    write_batch(batch, args.out, {"seed": args.seed, "time_limit_s_per_kreis": args.time_limit})
    console.print(batch_table(batch))
    console.print(f"plans written to {args.out}/ (one directory per Kreis, summary.json)")
    return EXIT_OK


def _solve_options(args: argparse.Namespace, workers: int) -> SolveOptions:
    from kaoa_match.model import SolveOptions

    return SolveOptions(
        time_limit_s=args.time_limit,
        workers=workers,
        seed=args.seed,
        max_options=args.max_options or None,
    )


def _run_record(args: argparse.Namespace, source: Path, workers: int) -> dict[str, Any]:
    """What a plan's summary.json records of the run that made it."""
    return {
        "input": str(source.resolve()),
        "seed": args.seed,
        "workers": workers,
        "time_limit_s": args.time_limit,
    }


def _validate(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.io.inputs import check_input
    from kaoa_match.options import build_options
    from kaoa_match.summary import render_summary, summarize
    from kaoa_match.wishes import never_granted

    problem, warnings = check_input(args.input)
    opts = build_options(problem)
    warnings = [*warnings, *never_granted(problem, opts, args.input)]
    _print_warnings(console, warnings, limit=50)
    print(render_summary(summarize(problem, opts)))
    console.print(f"input is valid ({len(warnings)} warning(s))")
    return EXIT_OK


def _generate(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.generate import generate
    from kaoa_match.io.input_workbook import write_input_workbook
    from kaoa_match.io.write_problem import write_problem

    if args.preset == "nrw":
        return _generate_nrw(args, console)
    if args.scale is not None:
        console.print("error: --scale applies only to --preset nrw", soft_wrap=True)
        return EXIT_INVALID
    if args.xlsx and (refused := _refuse_xlsx_out(args)):
        console.print(f"error: {refused}", soft_wrap=True)
        return EXIT_INVALID
    problem = generate(
        args.preset, students=args.students, praktikum_students=args.praktikum, seed=args.seed
    )
    if args.xlsx:
        write_input_workbook(args.out, problem)
    else:
        write_problem(problem, args.out, german=args.german)
    where = args.out if args.xlsx else f"{args.out}/"
    console.print(
        f"wrote {len(problem.students)} students, {len(problem.schools)} schools, "
        f"{len(problem.companies)} companies, {len(problem.offers)} offers to {where}"
    )
    return EXIT_OK


def _refuse_xlsx_out(args: argparse.Namespace) -> str | None:
    """Why ``generate --xlsx`` cannot write ``args.out``, or None."""
    from kaoa_match.io.xlsx import is_workbook

    if args.german:
        return "--german is for CSV files; a workbook holds numbers and dates as such"
    if not is_workbook(args.out):
        return f"--xlsx writes one workbook: give OUT as a .xlsx file name, not {args.out}"
    if args.out.is_dir():
        return f"{args.out} is a directory"
    return None


def _generate_nrw(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.generate import NRW_INDEX, generate_nrw

    if args.xlsx:
        console.print(
            "error: --xlsx writes one Kreis; --preset nrw writes 53 input directories",
            soft_wrap=True,
        )
        return EXIT_INVALID
    if args.students is not None or args.praktikum is not None:
        console.print(
            "error: --students and --praktikum do not apply to --preset nrw: each Kreis's "
            "cohort follows its population; use --scale to generate fewer students",
            soft_wrap=True,
        )
        return EXIT_INVALID
    scale = 1.0 if args.scale is None else args.scale
    if not 0 < scale <= 1:
        console.print(f"error: --scale must be > 0 and <= 1, not {scale}", soft_wrap=True)
        return EXIT_INVALID
    if args.seed < 0:
        console.print(f"error: --seed must be >= 0, not {args.seed}", soft_wrap=True)
        return EXIT_INVALID
    kreise = generate_nrw(args.out, seed=args.seed, scale=scale, german=args.german)
    console.print(
        f"wrote {len(kreise)} Kreise: {sum(k.students for k in kreise)} students, "
        f"{sum(k.companies for k in kreise)} companies, {sum(k.offers for k in kreise)} offers "
        f"to {args.out}/ (one directory per Kreis, listed in {NRW_INDEX})",
        soft_wrap=True,
    )
    return EXIT_OK


def _template(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.io.input_workbook import write_input_workbook
    from kaoa_match.io.inputs import check_input
    from kaoa_match.io.xlsx import is_workbook

    book: Path = args.book
    if not is_workbook(book):
        console.print(f"error: the template is a workbook: name it .xlsx, not {book}")
        return EXIT_INVALID
    if book.is_dir():
        raise KaoaMatchError(f"{book} is a directory; give the workbook a file name")
    if book.exists() and not args.force:
        # a planner's filled-in workbook is worth more than a fresh template
        raise KaoaMatchError(f"{book} exists; give another name, or --force to replace it")
    problem = check_input(EXAMPLE_DIR)[0] if args.example else None
    write_input_workbook(book, problem)
    what = "the example Kreis" if args.example else "an empty template"
    console.print(
        f"wrote {what} to {book}: one sheet per input table, help in the sheet Hilfe; "
        f"then: python -m kaoa_match solve {book} --out plan",
        soft_wrap=True,
    )
    return EXIT_OK


def _report(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.report import refresh_report

    page = refresh_report(args.out, args.input)
    console.print(f"report written to {page} and {page.with_name('plan.xlsx')}", soft_wrap=True)
    return EXIT_OK


def _recommend(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.io.atomic import atomic_directory, refuse_foreign
    from kaoa_match.io.inputs import check_input
    from kaoa_match.io.write_plan import write_summary
    from kaoa_match.recommend import UnknownStudentsError, booked_plan, date_span, recommend
    from kaoa_match.report.data import check_belongs, read_output
    from kaoa_match.report.files import write_report_files

    if args.book and args.out is None:
        console.print("error: --book needs --out NEW (the new plan directory)")
        return EXIT_INVALID
    problem, warnings = check_input(args.input)
    _print_warnings(console, warnings)
    plan = read_output(args.plan)
    check_belongs(problem, plan.assignments, plan.unassigned)
    try:
        recs = recommend(problem, plan.assignments, args.student_ids, args.top, args.seed)
    except UnknownStudentsError as error:
        console.print(f"error: {error}", markup=False)
        return EXIT_INVALID
    for sid, options in recs.options.items():
        print(f"{sid}:")
        if sid in recs.reasons:
            print(f"  no complete option: {recs.reasons[sid]}")
        for k, option in enumerate(options, 1):
            mark = "  (booked)" if recs.booked.get(sid) == option else ""
            days = "; ".join(
                f"{date_span(r[6], r[7])} {r[5]} at {r[4]} ({r[3]}), {r[8]} min"
                for r in option.rows
            )
            print(
                f"  {k}. {days} | top-3 field: {'yes' if option.top else 'no'}, wishes "
                f"{option.wishes}, interest {option.interest}, travel {option.travel} min{mark}"
            )
    if args.book:
        placed, short, changes, summary = booked_plan(
            problem, plan.assignments, plan.unassigned, plan.summary, recs
        )
        refuse_foreign(args.out)
        with atomic_directory(args.out) as staging:
            placed.to_csv(staging / "assignments.csv", index=False, date_format="%Y-%m-%d")
            short.to_csv(staging / "unassigned.csv", index=False)
            changes.to_csv(staging / "changes.csv", index=False)
            write_summary(staging / "summary.json", summary)
            write_report_files(staging, problem, placed, short, summary, None)
        console.print(
            f"booked {len(recs.booked)} of {len(recs.options)}; plan written to {args.out}/"
        )
    return EXIT_OK


def _explain(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.explain import UnknownStudentError, explain_output

    try:
        lines = explain_output(args.out, args.student_id, args.input)
    except UnknownStudentError as error:
        console.print(f"error: {error}", markup=False)
        return EXIT_INVALID
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:  # the reader (say, head) stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _usable_cpus() -> int:
    """CPUs this process may run on (a container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _print_warnings(console: Console, warnings: Sequence[object], limit: int = 10) -> None:
    for item in warnings[:limit]:
        console.print(f"warning: {item}", markup=False)
    if len(warnings) > limit:
        console.print(f"... and {len(warnings) - limit} more warnings")
