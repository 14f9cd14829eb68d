"""``python -m kaoa_match serve``: its options, its token, the hint without the extra."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import pytest

from kaoa_match.cli import main
from kaoa_match.web.server import is_loopback

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What uvicorn would have been started with (it is not started)."""
    calls: list[dict[str, Any]] = []

    def run(app: Any, **options: Any) -> None:
        calls.append({"app": app, **options})

    monkeypatch.setattr("kaoa_match.web.server.uvicorn.run", run)
    return calls


def test_serve_binds_to_this_machine_without_a_token(
    started: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--data", str(tmp_path / "data"), "--port", "8123"]) == 0
    [call] = started
    assert (call["host"], call["port"], call["access_log"]) == ("127.0.0.1", 8123, False)
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/ zu öffnen" in out and "token" not in out
    assert call["app"].state.config.token is None


def test_serve_elsewhere_generates_and_prints_a_token(
    started: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path / "data")]) == 0
    token = started[0]["app"].state.config.token
    assert token and len(token) >= 20
    assert f"http://0.0.0.0:8000/?token={token}" in capsys.readouterr().out
    main(["serve", "--host", "10.1.2.3", "--token", "given", "--data", str(tmp_path / "d")])
    assert started[1]["app"].state.config.token == "given"


def test_loopback_addresses() -> None:
    assert all(map(is_loopback, ("127.0.0.1", "::1", "localhost", "127.0.0.2")))
    assert not any(map(is_loopback, ("0.0.0.0", "::", "192.168.1.5", "kreis.example")))


def test_serve_without_the_web_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "kaoa_match.web.server", None)  # import fails
    assert main(["serve"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert 'pip install "kaoa_match[web]"' in err
