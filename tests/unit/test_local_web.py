"""The local host of the web pages (telefonist_local.local_web): files, config, simulated calls, the API behind."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from telefonist_local.local_web import LocalWebApp, SimulatedCall


def _request(app: LocalWebApp, path: str, method: str = "GET", body: bytes = b"") -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    payload = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], payload


def _api(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"api:" + environ["PATH_INFO"].encode()]


def _fake_call(dialed: str, caller: str) -> SimulatedCall:
    return SimulatedCall("c-1", dialed, caller, True, {"tenant_id": "acme", "how_to_answer": "Hej"}, [])


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "operator.html").write_text("<!doctype html><title>op</title>")
    (tmp_path / "assets" / "operator-abc.js").write_text("console.log(1)")
    (tmp_path.parent / "secret.txt").write_text("not for the browser")
    return tmp_path


def _app(dist: Path) -> LocalWebApp:
    return LocalWebApp(
        _api, operator_authorization="Bearer local:-:operators", numbers=["+46852000001"], dist=dist, call=_fake_call
    )


def test_the_operator_page_and_its_assets_are_served_with_a_strict_policy(dist: Path) -> None:
    status, headers, body = _request(_app(dist), "/operator/")
    assert status.startswith("200")
    assert body.startswith(b"<!doctype html>")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    status, headers, _ = _request(_app(dist), "/assets/operator-abc.js")
    assert status.startswith("200")
    assert headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in headers["Cache-Control"]


def test_paths_outside_the_built_pages_are_not_served(dist: Path) -> None:
    status, _, body = _request(_app(dist), "/assets/../../secret.txt")
    assert status.startswith("404")
    assert b"not for the browser" not in body


def test_missing_build_says_how_to_make_it(tmp_path: Path) -> None:
    status, _, body = _request(_app(tmp_path / "nothing"), "/operator/")
    assert status.startswith("503")
    assert "make web" in json.loads(body)["message"]


def test_config_tells_the_page_it_runs_in_the_local_host(dist: Path) -> None:
    _, _, body = _request(_app(dist), "/operator/config.json")
    config = json.loads(body)
    assert config["host"] == "local"
    assert config["authorization"] == "Bearer local:-:operators"
    assert config["numbers"] == ["+46852000001"]


def test_a_simulated_call_returns_the_contact_as_connect_would(dist: Path) -> None:
    body = json.dumps({"dialed_number": "+46852000001", "caller_number": "+46701234567"}).encode()
    status, _, payload = _request(_app(dist), "/local/calls", "POST", body)
    call = json.loads(payload)
    assert status.startswith("200")
    assert call["contact_id"] == "c-1"
    assert call["caller_number"] == "+46701234567"
    assert call["attributes"]["how_to_answer"] == "Hej"


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"dialed_number": "  "}'])
def test_a_call_without_a_dialed_number_is_refused(dist: Path, body: bytes) -> None:
    status, _, payload = _request(_app(dist), "/local/calls", "POST", body)
    assert status.startswith("400")
    assert "dialed_number" in json.loads(payload)["message"]


def test_everything_else_goes_to_the_api(dist: Path) -> None:
    _, _, body = _request(_app(dist), "/operator/tenants/acme/directory")
    assert body == b"api:/operator/tenants/acme/directory"


def test_the_pages_are_served_from_the_repositorys_web_dist(monkeypatch: pytest.MonkeyPatch) -> None:
    from telefonist_local.local_web import built_pages

    monkeypatch.delenv("TELEFONIST_WEB_DIST", raising=False)
    assert built_pages() == Path(__file__).resolve().parents[2] / "web" / "dist"
    monkeypatch.setenv("TELEFONIST_WEB_DIST", "/tmp/elsewhere")
    assert built_pages() == Path("/tmp/elsewhere")
