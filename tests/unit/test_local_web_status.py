"""The local host serves the employee's status page, and the API at a simulated time on request."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telefonist.clock import utc_now

from telefonist_local.local_web import LocalWebApp


def _request(app: LocalWebApp, path: str, method: str = "GET", body: bytes = b"") -> tuple[str, bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    payload = b"".join(app(environ, start_response))
    return seen["status"], payload


def _api(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [utc_now().isoformat().encode()]


def _app(tmp_path: Path) -> LocalWebApp:
    (tmp_path / "status.html").write_text("<!doctype html><title>status</title>")
    return LocalWebApp(_api, operator_authorization="x", numbers=[], dist=tmp_path, identities={})


def test_the_status_page_and_its_config_are_served(tmp_path: Path) -> None:
    app = _app(tmp_path)
    status, body = _request(app, "/status/")
    assert status.startswith("200")
    assert b"<title>status</title>" in body
    assert _request(app, "/status")[0].startswith("301")
    assert json.loads(_request(app, "/status/config.json")[1]) == {"host": "local", "api_url": ""}


def test_the_api_runs_at_the_simulated_time_until_it_is_reset(tmp_path: Path) -> None:
    app = _app(tmp_path)
    at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert _request(app, "/local/clock", "PUT", json.dumps({"at": at.isoformat()}).encode())[0].startswith("200")
    seen = datetime.fromisoformat(_request(app, "/people")[1].decode())
    assert abs((seen - at).total_seconds()) < 5
    _request(app, "/local/clock", "PUT", b'{"at": null}')
    seen = datetime.fromisoformat(_request(app, "/people")[1].decode())
    assert abs((seen - datetime.now(UTC)).total_seconds()) < 5
    assert _request(app, "/local/clock", "PUT", b'{"at": "noon"}')[0].startswith("400")
