"""Every route of the web page over HTTP (Starlette's test client), bad uploads included.

A refused upload is answered with its message and leaves nothing behind:
no run, no file in the data directory.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest

from tests.web.conftest import LATE_ID, form_token, run_id_of, status, upload, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.testclient import TestClient

MB = 1024 * 1024


def stored(client: TestClient) -> list[str]:
    """Every file in the data directory (runs and half-received uploads)."""
    data = data_dir(client)
    return sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file())


def data_dir(client: TestClient) -> Path:
    return Path(client.app.state.config.data_dir)  # type: ignore[attr-defined]


def events(client: TestClient, run_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The run's server-sent events until its end."""
    found: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", f"/runs/{run_id}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                found.append((event, json.loads(line.removeprefix("data: "))))
    return found


def plan(client: TestClient, run_id: str, **fields: str) -> list[tuple[str, dict[str, Any]]]:
    """Start the run and follow it to its end."""
    answer = client.post(
        f"/runs/{run_id}/start",
        data={"form_token": form_token(client), "time_limit": "3", **fields},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/runs/{run_id}/plan"
    return events(client, run_id)


# --------------------------------------------------------------------------
# The start page, downloads, headers


def test_start_page_and_its_headers(make_client: Any) -> None:
    client = make_client()
    page = client.get("/")
    assert page.status_code == 200
    assert "KAoA-Plätze planen" in page.text and "Noch keine Läufe" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text and "style=" not in page.text  # nothing inline
    assert re.search(r"(src|href)=\"(https?:)?//", page.text) is None  # nothing from elsewhere
    assert client.cookies.get("kaoa_form")
    for asset in ("/static/style.css", "/static/plan.js", "/static/favicon.svg"):
        assert client.get(asset).status_code == 200


def test_template_and_example_downloads(make_client: Any) -> None:
    client = make_client()
    for path, students in (("/template.xlsx", 0), ("/example.xlsx", 400)):
        answer = client.get(path)
        assert answer.status_code == 200
        assert "attachment" in answer.headers["content-disposition"]
        book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
        assert {"Hilfe", "students", "offers"} <= set(book.sheetnames)
        assert book["students"].max_row - 1 == students


# --------------------------------------------------------------------------
# Upload and check


def test_a_valid_workbook_goes_to_the_settings(make_client: Any, small_books: Any) -> None:
    client = make_client()
    page = upload(client, small_books["good"])
    assert page.status_code == 200 and str(page.url).endswith("/settings")
    assert "Die Eingabe ist gültig" not in page.text  # that is the check page's line
    assert "Geprüft: 100 Schüler*innen" in page.text
    run_id = run_id_of(page.url)
    assert stored(client) == [
        f"runs/{run_id}/input.xlsx",
        f"runs/{run_id}/problems.json",
        f"runs/{run_id}/run.json",
    ]
    listed = client.get("/").text
    assert run_id in listed and "kreis" in listed and "geprüft" in listed


def test_an_invalid_workbook_shows_every_problem_and_the_fix_replaces_it(
    make_client: Any, small_books: Any
) -> None:
    client = make_client()
    page = upload(client, small_books["broken"])
    assert str(page.url).endswith("/check")
    bad = run_id_of(page.url)
    assert "es wird nichts geplant" in page.text
    row = re.search(
        r"<tr><td>offers</td><td class=\"num\">2</td><td>capacity</td><td>(.*?)</td>", page.text
    )
    assert row is not None and "zwei" in row.group(1)
    assert status(client, bad, data_dir(client)) == "invalid"
    # nothing is planned from an invalid input
    refused = client.post(f"/runs/{bad}/start", data={"form_token": form_token(client)})
    assert refused.status_code == 409
    fixed = upload(client, small_books["good"], replaces=bad)
    assert str(fixed.url).endswith("/settings")
    assert not (data_dir(client) / "runs" / bad).exists()


def test_a_zip_of_csv_files_is_an_input(make_client: Any, tmp_path: Path) -> None:
    from kaoa_match.io.write_problem import write_problem
    from tests.web.conftest import small_kreis

    write_problem(small_kreis(), tmp_path / "kreis")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in (tmp_path / "kreis").iterdir():
            archive.write(file, f"kreis/{file.name}")  # zipped as a folder
        archive.writestr("kreis/notes.txt", "not an input table")
    client = make_client()
    page = upload(client, buffer.getvalue(), name="kreis.zip")
    assert str(page.url).endswith("/settings"), page.text
    run_id = run_id_of(page.url)
    files = {p for p in stored(client) if "/input/" in p}
    assert f"runs/{run_id}/input/students.csv" in files
    assert not any("notes" in p for p in files)


def zip_bomb(member: str, megabytes: int) -> bytes:
    """A zip whose one member unpacks to ``megabytes`` of zeros (a few KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(member, b"\0" * (megabytes * MB))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kreis.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "alte Excel-Datei (.xls)"),
        ("kreis.xlsx", b"MZ\x90\0" + b"\0" * 600, "weder eine Excel-Arbeitsmappe"),
        ("kreis.xlsx", zip_bomb("xl/workbook.xml", 40), "würde entpackt 40 MB groß"),
        ("kreis.zip", zip_bomb("students.csv", 40), "würde entpackt 40 MB groß"),
        ("../../etc/kreis.xlsx", b"PK\x03\x04", "Pfadangabe"),
        # python-multipart keeps only the last part of a Windows path (as old
        # browsers sent it); what is left is judged by its content
        ("C:\\Users\\koko\\kreis.xlsx", b"PK\x03\x04", "beschädigt"),
        ("kreis.zip", b"PK\x03\x04 broken", "beschädigt"),
        ("notes.zip", zip_bomb("notes.txt", 1), "keine Eingabetabellen"),
    ],
    ids=["xls", "renamed-exe", "xlsx-bomb", "zip-bomb", "path", "windows-path", "broken", "no-csv"],
)
def test_bad_uploads_are_refused_with_a_message(
    make_client: Any, name: str, content: bytes, message: str
) -> None:
    from kaoa_match.web.uploads import Limits

    client = make_client(limits=Limits(upload=50 * MB, unpacked=20 * MB))
    page = upload(client, content, name=name)
    assert page.status_code in (400, 413)
    assert message in page.text
    assert 'id="message"' in page.text
    assert stored(client) == []


def test_a_60_mb_file_is_refused_before_it_is_read(make_client: Any) -> None:
    client = make_client()
    page = upload(client, b"PK" + b"\0" * (60 * MB))
    assert page.status_code == 413
    assert "zu groß: höchstens 50 MB" in page.text
    assert stored(client) == []


def test_a_body_without_length_is_cut_off_at_the_limit(make_client: Any) -> None:
    from kaoa_match.web.uploads import Limits

    client = make_client(limits=Limits(upload=1 * MB))
    token = form_token(client)
    boundary = "kaoaboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="form_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="k.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()

    def body() -> Any:  # a generator: sent chunked, without Content-Length
        yield head
        for _ in range(40):
            yield b"\0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    page = client.post(
        "/upload",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert page.status_code == 413 and "zu groß: höchstens 1 MB" in page.text
    assert stored(client) == []


def test_text_from_the_input_is_escaped(make_client: Any, small_books: Any) -> None:
    from tests.web.conftest import broken

    client = make_client()
    page = upload(
        client, broken(small_books["good"], "<script>alert(1)</script>"), name="<b onclick=x>k.xlsx"
    )
    assert "<script>alert(1)" not in page.text and "<b onclick" not in page.text
    assert "&lt;script&gt;alert(1)" in page.text
    assert "&lt;b onclick=x&gt;k" in client.get("/").text


# --------------------------------------------------------------------------
# Token and cross-site requests


def test_a_server_with_a_token_refuses_requests_without_it(
    make_client: Any, small_books: Any
) -> None:
    client = make_client(token="s3cret-token")
    for path in ("/", "/static/style.css", "/example.xlsx", "/runs/20260101-000000-00000000"):
        page = client.get(path)
        assert page.status_code == 401, path
        assert "Zugangsschlüssel" in page.text
    refused = client.post("/upload", files={"file": ("kreis.xlsx", small_books["good"])})
    assert refused.status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    entered = client.get("/?token=s3cret-token", follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"] == "/"
    assert "HttpOnly" in entered.headers["set-cookie"]
    assert client.get("/").status_code == 200  # the cookie carries it on
    assert stored(client) == []
    assert upload(client, small_books["good"]).status_code == 200


def test_cross_site_posts_are_refused(make_client: Any, small_books: Any) -> None:
    client = make_client()
    token = form_token(client)
    files = {"file": ("kreis.xlsx", small_books["good"])}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        page = client.post("/upload", data={"form_token": token}, files=files, headers=headers)
        assert page.status_code == 403
        assert "Anfrage von einer fremden Seite abgelehnt" in page.text
    # same origin, but without the page's form token (a forged form)
    forged = client.post("/upload", files=files, headers={"Origin": "http://testserver"})
    assert forged.status_code == 403 and "Formular war abgelaufen" in forged.text
    assert stored(client) == []


# --------------------------------------------------------------------------
# Settings, plan, result


@pytest.fixture(scope="module")
def planned(
    tmp_path_factory: pytest.TempPathFactory, small_books: Any
) -> Iterator[tuple[Any, str, list[Any]]]:
    """One small Kreis uploaded and planned (3 s), shared by the tests that read it."""
    from starlette.testclient import TestClient

    from kaoa_match.web.app import WebConfig, create_app

    app = create_app(WebConfig(data_dir=tmp_path_factory.mktemp("planned") / "data"))
    with TestClient(app) as client:
        run_id = run_id_of(upload(client, small_books["good"]).url)
        yield client, run_id, plan(client, run_id)


def test_a_plan_streams_its_progress_and_ends_on_the_result(planned: Any) -> None:
    client, run_id, seen = planned
    kinds = [event for event, _ in seen]
    assert kinds[-1] == "end" and seen[-1][1] == {"status": "done", "url": f"/runs/{run_id}"}
    stages = [data["stage"] for event, data in seen if "stage" in data]
    assert stages[0] == "Eingabe lesen und prüfen" and "model" in stages
    levels = [data for event, data in seen if "level" in data]
    assert {"coverage", "fairness", "travel"} <= {d["level"].split()[0] for d in levels}
    assert all(d["bound"] is None or isinstance(d["bound"], int) for d in levels)
    result = client.get(f"/runs/{run_id}", follow_redirects=True)
    assert str(result.url).endswith("/result")
    assert "von 100" in result.text and "Schüler*innen haben alle Plätze" in result.text
    assert "Abdeckung (Plätze)" in result.text
    record = json.loads((data_dir(client) / "runs" / run_id / "run.json").read_text())
    assert record["status"] == "done" and record["placed"] > 0


def test_downloads_of_a_plan(planned: Any) -> None:
    client, run_id, _ = planned
    xlsx = client.get(f"/runs/{run_id}/files/plan.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    sheets = openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert {"Übersicht", "Betriebslisten", "Fehlende Plätze"} <= set(sheets)
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/runs/{run_id}/files/assignments.csv").text))
    )
    assert rows and "student_id" in rows[0]
    assert client.get(f"/runs/{run_id}/files/unassigned.csv").status_code == 200
    assert client.get(f"/runs/{run_id}/files/summary.json").json()["status"]
    report = client.get(f"/runs/{run_id}/files/report.html")
    assert (
        report.status_code == 200 and "script-src" not in report.headers["content-security-policy"]
    )
    assert "default-src 'none'" in report.headers["content-security-policy"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/runs/{run_id}/plan.zip").content))
    assert {"plan/assignments.csv", "plan/plan.xlsx", "plan/report.html"} <= set(archive.namelist())
    for name in ("run.json", "..%2Frun.json", "input.xlsx", "changes.csv"):
        assert client.get(f"/runs/{run_id}/files/{name}").status_code == 404


def test_explain_one_student(planned: Any) -> None:
    client, run_id, _ = planned
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/runs/{run_id}/files/assignments.csv").text))
    )
    student = rows[0]["student_id"]
    page = client.get(f"/runs/{run_id}/result", params={"student": student})
    found = re.search(r'<pre id="explanation">(.*?)</pre>', page.text, re.S)
    assert found is not None and student in found.group(1)
    unknown = client.get(f"/runs/{run_id}/result", params={"student": "<nobody>"})
    assert "steht nicht in der Eingabe" in unknown.text and "<nobody>" not in unknown.text


def test_replan_with_the_plan_locked(planned: Any) -> None:
    client, run_id, _ = planned
    page = client.post(
        f"/runs/{run_id}/replan", data={"form_token": form_token(client)}, follow_redirects=True
    )
    assert str(page.url).endswith("/settings")
    again = run_id_of(page.url)
    assert again != run_id and f'<option value="{run_id}" selected>' in page.text
    seen = plan(client, again, previous=run_id, locked="on")
    assert seen[-1][1]["status"] == "done"
    previous = list(csv.DictReader((data_dir(client) / "runs" / again / "previous.csv").open()))
    assert previous and {row["status"] for row in previous} == {"locked"}
    old = client.get(f"/runs/{run_id}/files/assignments.csv").text
    new = client.get(f"/runs/{again}/files/assignments.csv").text
    assert sorted(old.splitlines()) == sorted(new.splitlines())  # locked: nothing moved
    assert "Neuplanung" in client.get("/").text


def test_settings_refuse_a_bad_time_limit_and_an_unknown_previous_plan(
    make_client: Any, small_books: Any
) -> None:
    client = make_client()
    run_id = run_id_of(upload(client, small_books["good"]).url)
    token = form_token(client)
    for fields, message in (
        ({"time_limit": "zehn"}, "Die Zeitgrenze ist eine Zahl"),
        ({"time_limit": "0"}, "Die Zeitgrenze ist eine Zahl"),
        ({"previous": "20260101-000000-00000000"}, "Diesen früheren Plan gibt es nicht"),
    ):
        page = client.post(f"/runs/{run_id}/start", data={"form_token": token, **fields})
        assert page.status_code == 400 and message in page.text
    assert status(client, run_id, data_dir(client)) == "checked"


def test_late_registration_books_a_new_run_and_moves_nobody(planned: Any, small_books: Any) -> None:
    client, run_id, _ = planned
    token = form_token(client)
    page = client.post(
        f"/runs/{run_id}/late",
        data={"form_token": token},
        files={"file": ("nachmeldung.xlsx", small_books["late"])},
        follow_redirects=True,
    )
    assert str(page.url).endswith("/late")
    late = run_id_of(page.url)
    assert f'value="{LATE_ID}"' in page.text
    options = client.post(
        f"/runs/{late}/late/options", data={"form_token": token, "student": LATE_ID}
    )
    assert options.status_code == 200 and "wird gebucht" in options.text
    booked = client.post(
        f"/runs/{late}/late/book",
        data={"form_token": token, "student": LATE_ID},
        follow_redirects=True,
    )
    assert str(booked.url).endswith(f"/runs/{late}/result")
    assert f"gebucht {LATE_ID}" in booked.text
    changes = client.get(f"/runs/{late}/files/changes.csv").text
    assert LATE_ID in changes and "newly placed" in changes
    old = client.get(f"/runs/{run_id}/files/assignments.csv").text.splitlines()
    new = client.get(f"/runs/{late}/files/assignments.csv").text.splitlines()
    assert set(old) <= set(new) and any(LATE_ID in line for line in new)
    assert status(client, late, data_dir(client)) == "booked"
    # a student not in the upload cannot be booked
    again = client.post(f"/runs/{late}/late/book", data={"form_token": token, "student": "S1"})
    assert again.status_code == 409


def test_queue_stop_and_restart(make_client: Any, small_books: Any, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="kaoa_match.web")
    client = make_client()
    data = data_dir(client)
    first = run_id_of(upload(client, small_books["good"], name="Geheim Kreis.xlsx").url)
    second = run_id_of(upload(client, small_books["good"]).url)
    token = form_token(client)
    for run_id in (first, second):
        client.post(f"/runs/{run_id}/start", data={"form_token": token, "time_limit": "600"})
    progress = data / "runs" / first / "progress.jsonl"
    wait_for(lambda: progress.exists() and '"level"' in progress.read_text(), "a level")
    waiting = client.get(f"/runs/{second}/plan")
    assert 'Platz <span id="position">1</span>' in waiting.text
    assert "Aus der Warteschlange nehmen" in waiting.text
    client.post(f"/runs/{second}/stop", data={"form_token": token})
    assert status(client, second, data) == "checked"
    client.post(f"/runs/{first}/stop", data={"form_token": token})
    seen = events(client, first)
    assert seen[-1][1]["status"] == "stopped"
    summary = client.get(f"/runs/{first}/files/summary.json").json()
    assert summary["interrupted"] is True
    assert "der beste bis dahin gefundene Plan" in client.get(f"/runs/{first}/result").text
    log = caplog.text
    assert f"run {first} queued" in log and f"run {first}: stop requested" in log
    assert "Geheim" not in log  # runs are named by ID, not by what was uploaded
    # a restart: the runs are still there, a run left running is marked failed
    record = json.loads((data / "runs" / second / "run.json").read_text())
    (data / "runs" / second / "run.json").write_text(json.dumps(record | {"status": "running"}))
    restarted = make_client()
    assert first in restarted.get("/").text
    assert status(restarted, second, data) == "failed"


def test_unknown_runs_and_malformed_ids(make_client: Any) -> None:
    client = make_client()
    for path in ("/runs/20260101-000000-00000000", "/runs/x/result"):
        page = client.get(path)
        assert page.status_code == 404 and "Diesen Lauf gibt es nicht" in page.text
    for path in ("/runs/..%2F..%2Fetc/check", "/nowhere", "/static/../runs"):
        page = client.get(path)
        assert page.status_code == 404 and "gibt es nicht" in page.text
