"""Starting the web page's server (uvicorn) for ``python -m kaoa_match serve``."""

from __future__ import annotations

import ipaddress
import logging
import secrets
from typing import TYPE_CHECKING

import uvicorn

from kaoa_match.web.app import WebConfig, create_app
from kaoa_match.web.uploads import MB, Limits

if TYPE_CHECKING:
    from pathlib import Path

LOOPBACK = ("localhost",)


def is_loopback(host: str) -> bool:
    """Only this machine can reach ``host`` (127.0.0.1, ::1, localhost)."""
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    host: str,
    port: int,
    data_dir: Path,
    token: str | None = None,
    max_upload_mb: float = 50,
    max_unpacked_mb: float = 500,
) -> str | None:
    """Run the server until Ctrl-C. Bound to anything but this machine it
    needs a token: ``token``, else one generated here. Returns the token used."""
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(18)
    limits = Limits(upload=int(max_upload_mb * MB), unpacked=int(max_unpacked_mb * MB))
    config = WebConfig(data_dir=data_dir.resolve(), token=token, limits=limits)
    app = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    print(f"kaoa_match: die Planungsseite ist unter {address} zu öffnen", flush=True)
    print(f"  Läufe liegen in {config.data_dir}; Strg-C beendet den Server.", flush=True)
    if token:
        print("  Nur mit diesem Schlüssel (token) in der Adresse erreichbar.", flush=True)
    # No access log: a URL may carry the token or a student's ID in a query.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
    return token
