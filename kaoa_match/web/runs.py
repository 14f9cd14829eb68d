"""The runs of the web page: one directory each under ``DATA/runs/``.

A run's directory is named by its generated ID (never by anything from an
upload) and holds:

- ``run.json``: what the pages show (status, counts, settings); written only
  by the server, atomically;
- ``input.xlsx`` or ``input/`` (CSV files under the contract's names): the
  upload;
- ``problems.json``: the errors and warnings of the check;
- ``previous.csv``: the earlier plan of a re-plan;
- ``progress.jsonl``, ``result.json``, ``headline.json``, ``worker.log``:
  written by the solve's worker process (:mod:`kaoa_match.web.worker`);
- ``out/``: the plan, as ``solve --out`` writes it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from kaoa_match.exceptions import InputProblem

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$")
"""The form of a generated run ID; any other text is no run."""

STATUS_LABELS = {
    "checking": "wird geprüft",
    "invalid": "fehlerhaft",
    "checked": "geprüft",
    "queued": "wartet",
    "running": "läuft",
    "stopping": "wird gestoppt",
    "done": "fertig",
    "stopped": "gestoppt (bester Plan behalten)",
    "failed": "fehlgeschlagen",
    "cancelled": "abgebrochen (kein Plan)",
    "late": "Nachmeldung offen",
    "booked": "Nachmeldung gebucht",
}
ACTIVE = ("queued", "running", "stopping")
WITH_PLAN = ("done", "stopped", "booked")


class RunStore:
    """The run directories under ``root``; safe to use from several threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()

    def new(self, **fields: Any) -> str:
        """Create an empty run; return its ID."""
        now = dt.datetime.now()
        run_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
        self.dir(run_id).mkdir(parents=True)
        record = {"id": run_id, "created": now.isoformat(timespec="seconds"), **fields}
        self._write(run_id, record)
        return run_id

    def dir(self, run_id: str) -> Path:
        if not RUN_ID.match(run_id):
            raise KeyError(run_id)
        return self.root / run_id

    def exists(self, run_id: str) -> bool:
        return bool(RUN_ID.match(run_id)) and (self.root / run_id / "run.json").is_file()

    def get(self, run_id: str) -> dict[str, Any]:
        """The run's record; KeyError if there is no such run."""
        if not self.exists(run_id):
            raise KeyError(run_id)
        record: dict[str, Any] = json.loads(
            (self.dir(run_id) / "run.json").read_text(encoding="utf-8")
        )
        return record

    def update(self, run_id: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            record = self.get(run_id) | fields
            self._write(run_id, record)
            return record

    def all(self) -> list[dict[str, Any]]:
        """Every run, newest first."""
        records = []
        for entry in self.root.iterdir():
            if entry.is_dir() and self.exists(entry.name):
                records.append(self.get(entry.name))
        return sorted(records, key=lambda r: r["id"], reverse=True)

    def delete(self, run_id: str) -> None:
        shutil.rmtree(self.dir(run_id), ignore_errors=True)

    def queue(self) -> list[str]:
        """The waiting runs, first come first."""
        waiting = [r for r in self.all() if r.get("status") == "queued"]
        return [r["id"] for r in sorted(waiting, key=lambda r: (r.get("queued_at", 0), r["id"]))]

    def _write(self, run_id: str, record: dict[str, Any]) -> None:
        target = self.dir(run_id) / "run.json"
        partial = target.with_name(".run.json.partial")
        partial.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, target)


def input_path(run_dir: Path) -> Path:
    """The run's input: its workbook, else its directory of CSV files."""
    book = run_dir / "input.xlsx"
    return book if book.is_file() else run_dir / "input"


def write_problems(run_dir: Path, errors: list[InputProblem], warnings: list[InputProblem]) -> None:
    """The check's findings as ``problems.json`` (file, line, column, message each)."""
    data = {
        "errors": [[p.file, p.line, p.column, p.message] for p in errors],
        "warnings": [[p.file, p.line, p.column, p.message] for p in warnings],
    }
    (run_dir / "problems.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def read_json(path: Path) -> Any:
    """The JSON in ``path``, or None if there is none (yet)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
