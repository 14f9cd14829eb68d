"""The command-line tool: argument parsing and console output only.

Exit status (data contract): 0 a plan was written (also when some students
could not be placed), 2 the input is invalid or locked rows conflict, 1
anything else.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rich.console import Console

from kaoa_match.exceptions import InputError, KaoaMatchError, LockedConflictError
from kaoa_match.executors import EXECUTORS
from kaoa_match.i18n import DEFAULT_LANGUAGE, LANGUAGES, language
from kaoa_match.presets import PRESETS

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from kaoa_match.batch import KreisPlan
    from kaoa_match.model import SolveOptions
    from kaoa_match.options import Options

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
EXAMPLE_DIR = Path(__file__).parent / "data" / "example"
"""The shipped example Kreis (the README's first command solves it)."""


class _Parser(argparse.ArgumentParser):
    """A usage error is one line naming the option and what it takes (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INVALID, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in ``low .. high``."""
    allowed = f"a whole number >= {low}" if high is None else f"a whole number {low} to {high}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {allowed}, not {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {allowed}, not {text!r}")
        return value

    return parse


def _real_number(allowed: str, fits: Callable[[float], bool]) -> Callable[[str], float]:
    """An argparse type: a number for which ``fits`` holds (``allowed`` says which)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if math.isnan(value) or not fits(value):
            raise argparse.ArgumentTypeError(f"must be {allowed}, not {text!r}")
        return value

    return parse


_seconds = _real_number("a number of seconds > 0", lambda s: 0 < s < math.inf)
_share = _real_number("a number > 0 and <= 1", lambda s: 0 < s <= 1)  # of a cohort
_SEED = _whole_number(0, 2**31 - 1)  # CP-SAT's and numpy's seeds both take this range


def _participant_kinds(text: str) -> tuple[str, ...]:
    """An argparse type: ``praxiskurs,langzeit``, one of them, or ``none``."""
    from kaoa_match.model import PARTICIPANT_KINDS

    if text.strip().lower() == "none":
        return ()
    kinds = [k.strip().lower() for k in text.split(",") if k.strip()]
    if not kinds or any(k not in PARTICIPANT_KINDS for k in kinds):
        raise argparse.ArgumentTypeError(
            f"must be praxiskurs, langzeit, both separated by a comma, or none, not {text!r}"
        )
    return tuple(k for k in PARTICIPANT_KINDS if k in kinds)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # a usage error (2) or --help (0), already printed
        return int(stop.code or 0)
    console = Console(stderr=True, highlight=False)
    try:
        with language(getattr(args, "lang", DEFAULT_LANGUAGE)):
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
        console.print(f"error: {error}", markup=False, soft_wrap=True)
        return EXIT_FAILED
    except KeyboardInterrupt:
        console.print("interrupted before a plan existed; nothing written")
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
        "--time-limit",
        type=_seconds,
        default=None,
        help="seconds for all levels, per Kreis (default: until every level is proven best)",
    )
    solve.add_argument(
        "--workers",
        type=_whole_number(1),
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
        type=_whole_number(1),
        default=None,
        help="with several inputs: Kreise solved at once (default: CPUs / workers)",
    )
    solve.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    solve.add_argument(
        "--previous",
        type=Path,
        default=None,
        help="an earlier plan to keep stable: its folder or its assignments.csv",
    )
    solve.add_argument(
        "--max-options",
        type=_whole_number(0),
        default=400_000,
        help="above this many options keep only the nearest offers (0 = exact model always; "
        "default 400000)",
    )
    solve.add_argument("--quiet", action="store_true", help="no progress lines")
    _add_language_option(solve)
    solve.set_defaults(run=_solve)

    validate = sub.add_parser("validate", help="check the input and summarise the Kreis")
    validate.add_argument("input", type=Path, help=_INPUT_ARG_HELP)
    validate.set_defaults(run=_validate)

    generate = sub.add_parser("generate", help="write a synthetic, realistic Kreis")
    generate.add_argument("out", type=Path, help="directory to write the input files to")
    generate.add_argument(
        "--preset",
        default=None,
        choices=[*PRESETS, "nrw"],
        help="a realistic Kreis (kreis-olpe, koeln, example, ...); nrw writes all 53 Kreise of "
        "NRW, one directory each",
    )
    generate.add_argument(
        "--scale",
        type=_share,
        default=None,
        help="with --preset nrw: share of every Kreis's cohort to generate, 0 < s <= 1 (default 1)",
    )
    generate.add_argument(
        "--students", type=_whole_number(0), default=None, help="grade-8 BFE students"
    )
    generate.add_argument(
        "--praktikum", type=_whole_number(0), default=None, help="grade-9 Praktikum students"
    )
    generate.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    generate.add_argument(
        "--kinds",
        type=_participant_kinds,
        default=None,
        help="Praxiskurs and/or Langzeitpraktikum participants, courses and places: "
        "praxiskurs,langzeit (both), one of them, or none (default: those of the preset; "
        "example, kreis-vier-arten and langzeit-dienstag have both)",
    )
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
    _add_language_option(report)
    report.set_defaults(run=_report)

    rec = sub.add_parser(
        "recommend", help="places for students who registered late; nobody else moves"
    )
    rec.add_argument("input", type=Path, help=_INPUT_ARG_HELP)
    rec.add_argument("--plan", type=Path, required=True, help="output directory of the plan")
    rec.add_argument("student_ids", nargs="+", metavar="STUDENT_ID", help="the new students")
    rec.add_argument(
        "--top", type=_whole_number(1), default=5, help="options listed per student (default 5)"
    )
    rec.add_argument("--book", action="store_true", help="write the plan with the booking")
    rec.add_argument("--out", type=Path, default=None, help="new plan directory (with --book)")
    rec.add_argument("--seed", type=_SEED, default=0, help="random seed (default 0)")
    _add_language_option(rec)
    rec.set_defaults(run=_recommend)

    explain = sub.add_parser("explain", help="why a student got what they got")
    explain.add_argument("out", type=Path, help="output directory of a solve")
    explain.add_argument("student_id", help="the student's pseudonymous ID")
    explain.add_argument("--input", type=Path, default=None, help=_INPUT_HELP)
    _add_language_option(explain)
    explain.set_defaults(run=_explain)

    serve = sub.add_parser("serve", help="the web page for planners (German), in the browser")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--data", type=Path, default=Path("kaoa_match_data"), help="directory of the runs"
    )
    serve.add_argument(
        "--token", default=None, help="access token (generated when bound beyond this machine)"
    )
    serve.add_argument("--max-upload-mb", type=float, default=50.0, help="largest upload")
    serve.add_argument(
        "--max-unpacked-mb", type=float, default=500.0, help="most an upload may unpack to"
    )
    serve.set_defaults(run=_serve)
    return parser


def _add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang``: planner-facing output (report, plan.xlsx, the reasons, explain,
    recommend) is German unless told otherwise; the CLI's own messages are English."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=os.environ.get("KAOA_MATCH_LANG", DEFAULT_LANGUAGE),
        help="language of what planners and schools read: report.html, plan.xlsx, the reasons "
        "in unassigned.csv and changes.csv, explain and recommend (default: de, or the "
        "environment variable KAOA_MATCH_LANG)",
    )


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
    _print_warnings(console, warnings, source=source)
    console.print(
        f"read {_count(len(problem.students), 'student')}, "
        f"{_count(len(problem.companies), 'company', 'companies')}, "
        f"{_count(len(problem.offers), 'offer')} in {time.monotonic() - started:.1f} s"
    )
    options = _solve_options(args, args.workers)

    def warn_on_wishes(opts: Options) -> None:
        _print_warnings(console, never_granted(problem, opts, source), source=source)

    with LiveStatus(
        console, options.time_limit_s, quiet=args.quiet, on_options=warn_on_wishes
    ) as status:
        plan, opts = solve_with_options(problem, options, progress=status)
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
        f"{_count(len(plan.assignments), 'placement')} for {_count(placed, 'student')}; "
        f"{_count(short, 'student')} short of a placement (see unassigned.csv)"
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
        f"read {len(problems)} Kreise, {_count(students, 'student')} "
        f"in {time.monotonic() - started:.1f} s"
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
    _print_warnings(console, warnings, limit=len(warnings))  # validate lists them all
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
        args.preset,
        students=args.students,
        praktikum_students=args.praktikum,
        seed=args.seed,
        participant_kinds=args.kinds,
    )
    if args.xlsx:
        write_input_workbook(args.out, problem)
    else:
        write_problem(problem, args.out, german=args.german)
    where = args.out if args.xlsx else f"{args.out}/"
    console.print(
        f"wrote {_count(len(problem.students), 'student')}, "
        f"{_count(len(problem.schools), 'school')}, "
        f"{_count(len(problem.companies), 'company', 'companies')}, "
        f"{_count(len(problem.offers), 'offer')}"
        + (f", {_count(len(problem.participants), 'participant')}" if problem.participants else "")
        + f" to {where}"
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
    if args.kinds:
        console.print(
            "error: --kinds does not apply to --preset nrw: its Kreise are BFE cohorts",
            soft_wrap=True,
        )
        return EXIT_INVALID
    scale = 1.0 if args.scale is None else args.scale
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
    from kaoa_match.io.atomic import refuse_foreign
    from kaoa_match.io.inputs import check_input
    from kaoa_match.recommend import (
        UnknownStudentsError,
        recommend,
        recommendation_lines,
        write_booked_plan,
    )
    from kaoa_match.report.data import check_belongs, read_output

    if args.book != (args.out is not None):
        what = "--book needs --out NEW (the new plan directory)"
        if args.out is not None:
            what = "--out is written only with --book (the plan with the booking)"
        console.print(f"error: {what}")
        return EXIT_INVALID
    problem, warnings = check_input(args.input)
    _print_warnings(console, warnings, source=args.input)
    plan = read_output(args.plan)
    check_belongs(problem, plan.assignments, plan.unassigned)
    try:
        recs = recommend(problem, plan.assignments, args.student_ids, args.top, args.seed)
    except UnknownStudentsError as error:
        console.print(f"error: {error}", markup=False)
        return EXIT_INVALID
    _print_lines(recommendation_lines(problem, recs))
    if args.book:
        refuse_foreign(args.out)
        write_booked_plan(problem, plan, recs, args.out, args.input)
        console.print(
            f"booked {len(recs.booked)} of {_count(len(recs.options), 'student')}; "
            f"plan written to {args.out}/"
        )
    return EXIT_OK


def _explain(args: argparse.Namespace, console: Console) -> int:
    from kaoa_match.explain import UnknownStudentError, explain_output

    try:
        lines = explain_output(args.out, args.student_id, args.input)
    except UnknownStudentError as error:
        console.print(f"error: {error}", markup=False)
        return EXIT_INVALID
    _print_lines(lines)
    return EXIT_OK


def _print_lines(lines: Sequence[str]) -> None:
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:  # the reader (say, head) stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 student``, ``2 students``: the CLI's own (English) messages."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _serve(args: argparse.Namespace, console: Console) -> int:
    try:
        from kaoa_match.web.server import serve
    except ImportError as error:
        console.print(
            f"error: the web page needs the extra 'web' ({error.name} is missing): "
            'pip install "kaoa_match[web]" (or, in the source tree, pip install ".[web]")',
            markup=False,
        )
        return EXIT_FAILED
    serve(args.host, args.port, args.data, args.token, args.max_upload_mb, args.max_unpacked_mb)
    return EXIT_OK


def _usable_cpus() -> int:
    """CPUs this process may run on (a container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _print_warnings(
    console: Console, warnings: Sequence[object], limit: int = 10, source: Path | None = None
) -> None:
    for item in warnings[:limit]:
        console.print(f"warning: {item}", markup=False, soft_wrap=True)
    if len(warnings) > limit:
        more = len(warnings) - limit
        where = "IN" if source is None else str(source)
        console.print(
            f"... and {_count(more, 'more warning')}: python -m kaoa_match validate {where} "
            "lists them all",
            markup=False,
            soft_wrap=True,
        )
