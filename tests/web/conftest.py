"""Workbooks and a running web page for the web tests."""

from __future__ import annotations

import io
import re
import time
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from kaoa_match.generate import generate
from kaoa_match.io.input_workbook import write_input_workbook
from kaoa_match.web.app import WebConfig, create_app

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from starlette.testclient import TestClient

    from kaoa_match.model import Problem

LATE_ID = "S_LATE_01"


def pytest_configure(config: pytest.Config) -> None:
    # Starlette 1.x asks for httpx2 in its test client; httpx works the same here
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx`")


_WAIT_S = 180.0  # a run of these tests ends in seconds; this only stops a hung test


def small_kreis() -> Problem:
    """A small synthetic Kreis (80 BFE, 20 Praktikum students) in two parts, the larger
    one large enough to report its levels: solves in seconds."""
    return generate(students=80, praktikum_students=20, seed=3)


def with_late_student(problem: Problem) -> Problem:
    """``problem`` and one more student, like the first BFE student, who registered
    late, and more places."""
    first = next(
        s
        for s in problem.students
        if any(
            c.kind == "bfe" and (c.school_id, c.grade) == (s.school_id, s.grade)
            for c in problem.calendar
        )
    )
    late = first.model_copy(update={"student_id": LATE_ID})
    # the small Kreis is full; its companies offer two more places a day since
    offers = tuple(o.model_copy(update={"capacity": o.capacity + 2}) for o in problem.offers)
    return problem.model_copy(update={"students": (*problem.students, late), "offers": offers})


def workbook(problem: Problem, path: Path) -> bytes:
    write_input_workbook(path, problem)
    return path.read_bytes()


def broken(book: bytes, value: str = "zwei") -> bytes:
    """The workbook with the first offer's capacity set to ``value`` (an error)."""
    wb = openpyxl.load_workbook(io.BytesIO(book))
    sheet = wb["offers"]
    column = [c.value for c in sheet[1]].index("capacity") + 1
    sheet.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def form_token(client: TestClient) -> str:
    page = client.get("/").text
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def run_id_of(url: object) -> str:
    found = re.search(r"/runs/([^/]+)", str(url))
    assert found is not None, url
    return found.group(1)


def upload(client: TestClient, data: bytes, name: str = "kreis.xlsx", **fields: str) -> Any:
    return client.post(
        "/upload",
        data={"form_token": form_token(client), **fields},
        files={"file": (name, data)},
        follow_redirects=True,
    )


def wait_for(check: Any, what: str) -> Any:
    """Poll ``check()`` until it returns something true (a run ends, a level shows)."""
    deadline = time.monotonic() + _WAIT_S
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)
    return found


def status(client: TestClient, run_id: str, data_dir: Path) -> str:
    import json

    record = json.loads((data_dir / "runs" / run_id / "run.json").read_text("utf-8"))
    return str(record["status"])


@pytest.fixture(scope="session")
def small_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The small Kreis as a workbook, broken, and with a late student."""
    where = tmp_path_factory.mktemp("books")
    problem = small_kreis()
    book = workbook(problem, where / "kreis.xlsx")
    return {
        "good": book,
        "broken": broken(book),
        "late": workbook(with_late_student(problem), where / "late.xlsx"),
    }


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Any]:
    """``make_client(**config)``: a test client of the web page on ``tmp_path / "data"``."""
    from starlette.testclient import TestClient

    opened: list[TestClient] = []

    def make(**config: Any) -> TestClient:
        app = create_app(WebConfig(data_dir=tmp_path / "data", **config))
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The web page served by uvicorn on a free port of 127.0.0.1, for a browser."""
    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(WebConfig(data_dir=tmp_path / "data"))
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: server.started, "the server to start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(60)
    sock.close()
