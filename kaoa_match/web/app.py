"""The web page's routes: start, check, settings, plan, result, late registration.

Every route calls the library as the command line does (``check_input``,
the solve in :mod:`kaoa_match.web.worker`, ``explain_output``, ``recommend``,
``booked_plan``, ``write_input_workbook``); the pages only show what it
returns. Text from the input reaches the pages only through Jinja2's
autoescaping.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
import secrets
import shutil
import time
import zipfile
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.responses import (
    FileResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from kaoa_match.web import results
from kaoa_match.web.runs import (
    ACTIVE,
    STATUS_LABELS,
    WITH_PLAN,
    RunStore,
    input_path,
    read_json,
)
from kaoa_match.web.scheduler import Scheduler
from kaoa_match.web.security import BodyTooLarge, Guard, check_form_token
from kaoa_match.web.uploads import (
    MB,
    Limits,
    UploadRefused,
    check_name,
    classify,
    install,
    too_large,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

_log = logging.getLogger("kaoa_match.web")

REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
"""``report.html`` is one self-contained file with its styles inline and no script."""
DOWNLOADS = {
    "plan.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "assignments.csv": "text/csv; charset=utf-8",
    "unassigned.csv": "text/csv; charset=utf-8",
    "changes.csv": "text/csv; charset=utf-8",
    "summary.json": "application/json",
    "report.html": "text/html; charset=utf-8",
}
LEVEL_LABELS = {
    "coverage": "Abdeckung (Plätze)",
    "stability": "Stabilität (veröffentlichte Plätze behalten)",
    "fairness": "Fairness (Schüler*innen mit Top-3-Feld)",
    "wishes": "Wünsche (Punkte)",
    "interest": "Interesse (Summe der Werte)",
    "travel": "Fahrzeit (Minuten, kleiner ist besser)",
    "together": "Zusammen (Paare)",
}
STATE_LABELS = {
    "optimal": "bewiesen optimal",
    "feasible": "gut, nicht bewiesen",
    "unknown": "nicht optimiert",
    "infeasible": "unlösbar",
}
"""A level's status in the plan's summary, in German."""
_SSE_POLL_S = 0.3
_SSE_PING_S = 15.0
_MAX_TIME_LIMIT_S = 7 * 24 * 3600


@dataclass(frozen=True)
class WebConfig:
    """How the server runs: where its runs live, its token and limits."""

    data_dir: Path
    token: str | None = None
    limits: Limits = field(default_factory=Limits)
    workers: int = 2
    default_time_limit_s: int = 300


def create_app(config: WebConfig) -> Starlette:
    """The Starlette application of the web page."""
    pages = _Pages(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pages.scheduler.start()
        try:
            yield
        finally:
            await run_in_threadpool(pages.scheduler.close)

    run = "/runs/{run_id:str}"
    routes = [
        Route("/", pages.start),
        Route("/template.xlsx", pages.template),
        Route("/example.xlsx", pages.example),
        Route("/upload", pages.upload, methods=["POST"]),
        Route(run, pages.run),
        Route(f"{run}/check", pages.check),
        Route(f"{run}/settings", pages.settings),
        Route(f"{run}/start", pages.start_run, methods=["POST"]),
        Route(f"{run}/plan", pages.plan),
        Route(f"{run}/events", pages.events),
        Route(f"{run}/stop", pages.stop, methods=["POST"]),
        Route(f"{run}/result", pages.result),
        Route(f"{run}/files/{{name:str}}", pages.file),
        Route(f"{run}/plan.zip", pages.plan_zip),
        Route(f"{run}/replan", pages.replan, methods=["POST"]),
        Route(f"{run}/late", pages.late_upload, methods=["POST"]),
        Route(f"{run}/late", pages.late),
        Route(f"{run}/late/options", pages.late_options, methods=["POST"]),
        Route(f"{run}/late/book", pages.late_book, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("kaoa_match.web", "static")]), name="static"),
    ]
    guard = Middleware(Guard, token=config.token, max_upload=config.limits.upload)

    async def not_found(request: Request, exc: Exception) -> Response:
        return pages.message(request, 404, "Nicht gefunden", "Diese Seite gibt es nicht.")

    app = Starlette(
        routes=routes,
        middleware=[guard],
        lifespan=lifespan,
        exception_handlers={404: not_found},
    )
    app.state.config = config
    return app


class _Pages:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.store = RunStore(config.data_dir / "runs")
        self.tmp = config.data_dir / "tmp"
        shutil.rmtree(self.tmp, ignore_errors=True)  # uploads half-received before a restart
        self.tmp.mkdir(parents=True)
        self.scheduler = Scheduler(self.store)
        env = Environment(
            loader=PackageLoader("kaoa_match.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        env.globals.update(
            status_labels=STATUS_LABELS,
            level_labels=LEVEL_LABELS,
            state_labels=STATE_LABELS,
            max_mb=f"{config.limits.upload / MB:g}",
        )
        self.templates = Jinja2Templates(env=env)
        self._example: bytes | None = None

    # --- helpers --------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context["form_token"] = request.scope.get("state", {}).get("form_token", "")
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    def message(self, request: Request, status: int, title: str, text: str) -> Response:
        return self.page(request, "message.html", status, title=title, text=text)

    def record(self, request: Request) -> dict[str, Any] | None:
        run_id = request.path_params["run_id"]
        if not self.store.exists(run_id):
            return None
        return self.store.get(run_id)

    async def posted(self, request: Request) -> tuple[dict[str, Any], FormData] | Response:
        """A state-changing request's run and form, or the page that refuses it
        (no such run; a form without this page's token)."""
        record = self.record(request)
        if record is None:
            return self.missing(request)
        form = await request.form()
        if not check_form_token(request, form):
            return self.refused_form(request)
        return record, form

    def missing(self, request: Request) -> Response:
        return self.message(request, 404, "Nicht gefunden", "Diesen Lauf gibt es nicht.")

    def refused_form(self, request: Request) -> Response:
        return self.message(
            request,
            403,
            "Anfrage abgelehnt",
            "Das Formular war abgelaufen oder kam nicht von dieser Seite; nichts wurde "
            "geändert. Bitte die Seite neu laden und noch einmal versuchen.",
        )

    def start_page(self, request: Request, error: str | None = None, status: int = 200) -> Response:
        runs = self.store.all()
        return self.page(request, "start.html", status, runs=runs, error=error)

    # --- start ------------------------------------------------------------

    async def start(self, request: Request) -> Response:
        return self.start_page(request)

    async def template(self, request: Request) -> Response:
        data = await run_in_threadpool(results.workbook_bytes, self.tmp, False)
        return _download(data, "kaoa-vorlage.xlsx", DOWNLOADS["plan.xlsx"])

    async def example(self, request: Request) -> Response:
        if self._example is None:
            self._example = await run_in_threadpool(results.workbook_bytes, self.tmp, True)
        return _download(self._example, "kaoa-beispiel.xlsx", DOWNLOADS["plan.xlsx"])

    async def upload(self, request: Request) -> Response:
        received = await self.receive_upload(request)
        if isinstance(received, Response):
            return received
        form, run_id = received
        replaces = str(form.get("replaces") or "")
        if self.store.exists(replaces) and self.store.get(replaces).get("status") == "invalid":
            self.store.delete(replaces)  # the corrected workbook takes the faulty one's place
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    async def receive_upload(
        self, request: Request, parent: str | None = None
    ) -> tuple[dict[str, Any], str] | Response:
        """Take the form's file in: refused with a message (and nothing stored), or
        stored as a new run and checked. Returns the form's other fields and the run."""

        def refuse(error: UploadRefused) -> Response:
            _log.info("upload refused (%s)", error.status)
            if parent is not None:
                return self.message(request, error.status, "Hochladen abgelehnt", error.message)
            return self.start_page(request, error.message, error.status)

        try:
            form = await request.form(max_files=1, max_fields=10)
        except BodyTooLarge:
            return refuse(too_large(self.config.limits))
        except MultiPartException as error:
            return refuse(UploadRefused(f"Das Formular ist fehlerhaft: {error.message}"))
        staged = self.tmp / f"{secrets.token_hex(8)}.upload"
        try:
            if not check_form_token(request, form):
                return self.refused_form(request)
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return refuse(UploadRefused("Bitte eine Datei auswählen."))
            label = check_name(upload.filename)
            await _save(upload, staged, self.config.limits)
            kind = classify(staged, self.config.limits)
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            run_id = self.store.new(
                status="checking", label=Path(label).stem, source=kind.kind, parent=parent
            )
            try:
                install(kind, staged, self.store.dir(run_id), self.config.limits)
            except UploadRefused:
                self.store.delete(run_id)
                raise
        except UploadRefused as error:
            return refuse(error)
        finally:
            staged.unlink(missing_ok=True)
            await form.close()
        found = await run_in_threadpool(results.check_run, self.store, run_id, parent)
        _log.info("run %s uploaded (%s): %s", run_id, kind.kind, found)
        return fields, run_id

    # --- one run ----------------------------------------------------------

    async def run(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        status = record["status"]
        if status == "invalid":
            page = "check"
        elif status == "late":
            page = "late"
        elif status in ACTIVE:
            page = "plan"
        elif status == "checked":
            page = "settings"
        else:
            page = "result"
        return RedirectResponse(f"/runs/{record['id']}/{page}", status_code=303)

    async def check(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        found = read_json(self.store.dir(record["id"]) / "problems.json") or {}
        return self.page(
            request,
            "check.html",
            record=record,
            errors=[results.problem_row(p) for p in found.get("errors", [])],
            warnings=[results.problem_row(p) for p in found.get("warnings", [])],
        )

    async def settings(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        return self.settings_page(request, record)

    def settings_page(
        self, request: Request, record: dict[str, Any], error: str | None = None, status: int = 200
    ) -> Response:
        earlier = [r for r in self.store.all() if r.get("status") in WITH_PLAN]
        limit = record.get("time_limit_s", self.config.default_time_limit_s)
        return self.page(
            request,
            "settings.html",
            status,
            record=record,
            earlier=earlier,
            time_limit="" if limit is None else f"{limit:g}",
            error=error,
        )

    async def start_run(self, request: Request) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        record, form = posted
        if record["status"] != "checked":
            return self.message(
                request,
                409,
                "Schon geplant",
                "Dieser Lauf wurde schon gestartet; für einen neuen Plan auf der Ergebnisseite "
                "„Neu planen“ wählen.",
            )
        text = str(form.get("time_limit") or "").strip().replace(",", ".")
        try:
            limit = None if not text else float(text)
        except ValueError:
            limit = -1.0
        if limit is not None and not 1 <= limit <= _MAX_TIME_LIMIT_S:
            return self.settings_page(
                request,
                record,
                "Die Zeitgrenze ist eine Zahl von Sekunden ab 1 (oder leer: bis alles "
                "bewiesen ist).",
                400,
            )
        previous = str(form.get("previous") or "")
        locked = form.get("locked") == "on"
        run_dir = self.store.dir(record["id"])
        if previous:
            if (
                not self.store.exists(previous)
                or self.store.get(previous)["status"] not in WITH_PLAN
            ):
                return self.settings_page(
                    request, record, "Diesen früheren Plan gibt es nicht.", 400
                )
            _previous_csv(self.store.dir(previous) / "out" / "assignments.csv", run_dir, locked)
        else:
            (run_dir / "previous.csv").unlink(missing_ok=True)
        self.store.update(
            record["id"],
            time_limit_s=limit,
            workers=self.config.workers,
            previous_run=previous or None,
            previous_locked=locked if previous else None,
        )
        self.scheduler.enqueue(record["id"])
        return RedirectResponse(f"/runs/{record['id']}/plan", status_code=303)

    async def plan(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        return self.page(
            request,
            "plan.html",
            record=record,
            position=self.scheduler.position(record["id"]),
            active=record["status"] in ACTIVE,
        )

    async def events(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        run_id = record["id"]
        progress = self.store.dir(run_id) / "progress.jsonl"

        async def stream() -> AsyncIterator[str]:
            offset, position, pinged, stopping = 0, -1, time.monotonic(), False
            while True:
                status = self.store.get(run_id)["status"]
                if status == "queued" and (now := self.scheduler.position(run_id)) != position:
                    position = now
                    yield _sse("queue", {"position": now})
                if status == "stopping" and not stopping:
                    stopping = True
                    yield _sse("stopping", {})
                lines, offset = _new_lines(progress, offset)
                for line in lines:
                    yield f"event: progress\ndata: {line}\n\n"
                if status not in ACTIVE:
                    yield _sse("end", {"status": status, "url": f"/runs/{run_id}"})
                    return
                if time.monotonic() - pinged > _SSE_PING_S:
                    pinged = time.monotonic()
                    yield ": ping\n\n"
                if await request.is_disconnected():
                    return
                await asyncio.sleep(_SSE_POLL_S)

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    async def stop(self, request: Request) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        record, _form = posted
        self.scheduler.stop(record["id"])
        return RedirectResponse(f"/runs/{record['id']}", status_code=303)

    async def result(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        run_dir = self.store.dir(record["id"])
        student = request.query_params.get("student", "").strip()[:100]
        explanation: list[str] | None = None
        explain_error = None
        if student and record["status"] in WITH_PLAN:
            _log.info("run %s: explain student %s", record["id"], student)
            explanation, explain_error = await run_in_threadpool(results.explain, run_dir, student)
        found = read_json(run_dir / "problems.json") or {}
        out = run_dir / "out"
        return self.page(
            request,
            "result.html",
            record=record,
            figures=read_json(run_dir / "headline.json"),
            files=[n for n in DOWNLOADS if (out / n).is_file()],
            warnings=[results.problem_row(p) for p in found.get("warnings", [])],
            student=student,
            explanation=explanation,
            explain_error=explain_error,
            parent=self.store.get(record["parent"])
            if self.store.exists(record.get("parent") or "")
            else None,
        )

    async def file(self, request: Request) -> Response:
        record = self.record(request)
        name = request.path_params["name"]
        if record is None or name not in DOWNLOADS:
            return self.missing(request)
        path = self.store.dir(record["id"]) / "out" / name
        if not path.is_file():
            return self.missing(request)
        if name == "report.html":
            headers = {"Content-Security-Policy": REPORT_CSP, "Cache-Control": "no-store"}
            return FileResponse(path, media_type=DOWNLOADS[name], headers=headers)
        return FileResponse(path, media_type=DOWNLOADS[name], filename=name)

    async def plan_zip(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        out = self.store.dir(record["id"]) / "out"
        if not out.is_dir():
            return self.missing(request)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in DOWNLOADS:
                if (out / name).is_file():
                    archive.write(out / name, f"plan/{name}")
        return _download(buffer.getvalue(), "plan.zip", "application/zip")

    async def replan(self, request: Request) -> Response:
        """A new run from this run's input, with this run's plan as the previous one."""
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        record, _form = posted
        if record["status"] not in WITH_PLAN:
            return self.message(request, 409, "Noch kein Plan", "Dieser Lauf hat keinen Plan.")
        source = input_path(self.store.dir(record["id"]))
        fields = {k: record.get(k) for k in ("label", "source", "students", "companies", "offers")}
        run_id = self.store.new(status="checked", suggested_previous=record["id"], **fields)
        target = self.store.dir(run_id) / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
        shutil.copy2(self.store.dir(record["id"]) / "problems.json", self.store.dir(run_id))
        _log.info("run %s: re-plan of run %s", run_id, record["id"])
        return RedirectResponse(f"/runs/{run_id}/settings", status_code=303)

    # --- late registration -----------------------------------------------

    async def late_upload(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        if record["status"] not in WITH_PLAN:
            return self.message(request, 409, "Noch kein Plan", "Dieser Lauf hat keinen Plan.")
        received = await self.receive_upload(request, parent=record["id"])
        if isinstance(received, Response):
            return received
        return RedirectResponse(f"/runs/{received[1]}", status_code=303)

    async def late(self, request: Request) -> Response:
        record = self.record(request)
        if record is None:
            return self.missing(request)
        return self.page(request, "late.html", record=record, recs=None, chosen=[])

    async def late_options(self, request: Request) -> Response:
        return await self._late_step(request, book=False)

    async def late_book(self, request: Request) -> Response:
        return await self._late_step(request, book=True)

    async def _late_step(self, request: Request, book: bool) -> Response:
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        record, form = posted
        if record["status"] != "late":
            return self.message(request, 409, "Schon gebucht", "Diese Nachmeldung ist gebucht.")
        known = set(record.get("new_students") or [])
        chosen = [s for s in form.getlist("student") if isinstance(s, str) and s in known]
        if not chosen:
            return self.page(
                request,
                "late.html",
                400,
                record=record,
                recs=None,
                chosen=[],
                error="Bitte mindestens eine nachgemeldete Person auswählen.",
            )
        run_dir = self.store.dir(record["id"])
        parent_out = self.store.dir(record["parent"]) / "out"
        _log.info("run %s: late registration of %s", record["id"], ", ".join(chosen))
        if not book:
            recs = await run_in_threadpool(results.late_options, run_dir, parent_out, chosen)
            return self.page(request, "late.html", record=record, recs=recs, chosen=chosen)
        figures = await run_in_threadpool(results.late_book, run_dir, parent_out, chosen)
        self.store.update(
            record["id"],
            status="booked",
            booked=chosen,
            placed=figures["students_placed"],
            short=figures["students_short"],
        )
        return RedirectResponse(f"/runs/{record['id']}/result", status_code=303)


async def _save(upload: UploadFile, target: Path, limits: Limits) -> None:
    written = 0
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 16):
            written += len(chunk)
            if written > limits.upload:
                raise too_large(limits)
            out.write(chunk)


def _download(data: bytes, filename: str, media_type: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(data, media_type=media_type, headers=headers)


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _new_lines(path: Path, offset: int) -> tuple[list[str], int]:
    """The complete lines of ``path`` after byte ``offset``, and the new offset."""
    with contextlib.suppress(FileNotFoundError), path.open("rb") as file:
        file.seek(offset)
        data = file.read()
        end = data.rfind(b"\n") + 1
        lines = data[:end].decode("utf-8").splitlines()
        return [line for line in lines if line], offset + end
    return [], offset


def _previous_csv(assignments: Path, run_dir: Path, locked: bool) -> None:
    """The earlier plan's rows as the run's ``previous.csv``: published (the
    contract's default without a status) or all locked."""
    with assignments.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    if locked and rows:
        rows = [[*rows[0], "status"], *([*row, "locked"] for row in rows[1:])]
    with (run_dir / "previous.csv").open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)


__all__ = ["WebConfig", "create_app"]
