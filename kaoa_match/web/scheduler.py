"""One solve at a time: the queue of runs and the worker process of the one running.

A thread takes the oldest waiting run, starts its worker
(:mod:`kaoa_match.web.worker`) in a process of its own and waits for it. Stop
sends the worker SIGINT, as Ctrl-C in a terminal would: the solver stops the
search and the worker writes the best plan found. The queue lives in the runs'
records, so waiting runs wait on after a restart of the server; a run that was
running when the server stopped is marked failed.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from kaoa_match.web.runs import read_json

if TYPE_CHECKING:
    from kaoa_match.web.runs import RunStore

_log = logging.getLogger("kaoa_match.web")
_POLL_S = 0.2
_SHUTDOWN_WAIT_S = 120.0  # for a stopped solve to write its best plan


class Scheduler:
    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._wake = threading.Condition()
        self._closing = False
        self._current: tuple[str, subprocess.Popen[bytes]] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        for record in self.store.all():
            if record.get("status") in ("running", "stopping"):
                self.store.update(
                    record["id"],
                    status="failed",
                    message="Der Server wurde während der Planung beendet; bitte neu planen.",
                )
        self._thread = threading.Thread(target=self._loop, name="kaoa-scheduler", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the running solve (its best plan is kept) and the thread."""
        with self._wake:
            self._closing = True
            current = self._current
            self._wake.notify_all()
        if current is not None:
            current[1].send_signal(signal.SIGINT)
        if self._thread is not None:
            self._thread.join(_SHUTDOWN_WAIT_S)

    def enqueue(self, run_id: str) -> None:
        self.store.update(run_id, status="queued", queued_at=time.time(), message=None)
        _log.info("run %s queued", run_id)
        with self._wake:
            self._wake.notify_all()

    def position(self, run_id: str) -> int:
        """1 for the next run to start, 2 after it, ...; 0 if not waiting."""
        queue = self.store.queue()
        return queue.index(run_id) + 1 if run_id in queue else 0

    def stop(self, run_id: str) -> bool:
        """Stop the run: a waiting one leaves the queue, a running one is sent
        Ctrl-C. False if it is neither."""
        with self._wake:
            record = self.store.get(run_id)
            if record.get("status") == "queued":
                self.store.update(run_id, status="checked", queued_at=None)
                _log.info("run %s left the queue", run_id)
                return True
            current = self._current
            if current is None or current[0] != run_id or record.get("status") != "running":
                return False
            self.store.update(run_id, status="stopping")
        current[1].send_signal(signal.SIGINT)
        _log.info("run %s: stop requested", run_id)
        return True

    def _loop(self) -> None:
        while True:
            with self._wake:
                queue = [] if self._closing else self.store.queue()
                while not queue and not self._closing:
                    self._wake.wait(1.0)
                    queue = self.store.queue()
                if self._closing:
                    return
                run_id = queue[0]
                process = self._launch(run_id)
                self._current = (run_id, process)
            try:
                process.wait()
            finally:
                with self._wake:
                    self._current = None
                self._finish(run_id, process.returncode)

    def _launch(self, run_id: str) -> subprocess.Popen[bytes]:
        run_dir = self.store.dir(run_id)
        for stale in ("progress.jsonl", "result.json"):
            (run_dir / stale).unlink(missing_ok=True)
        self.store.update(run_id, status="running", started_at=time.time())
        _log.info("run %s started", run_id)
        with (run_dir / "worker.log").open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "kaoa_match.web.worker", str(run_dir)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C in the server's terminal is not a Stop
            )

    def _finish(self, run_id: str, returncode: int | None) -> None:
        result: dict[str, Any] = read_json(self.store.dir(run_id) / "result.json") or {
            "status": "failed",
            "message": f"Der Planungsprozess endete unerwartet (Code {returncode}).",
        }
        fields: dict[str, Any] = {
            "status": result["status"],
            "message": result.get("message"),
            "finished_at": time.time(),
        }
        figures = read_json(self.store.dir(run_id) / "headline.json")
        if figures is not None:
            fields["placed"] = figures["students_placed"]
            fields["short"] = figures["students_short"]
        self.store.update(run_id, **fields)
        _log.info("run %s ended: %s", run_id, result["status"])
