"""CORS as a first-time reader meets it: the default admits docs served from any loopback port, the
start banner says which origins are allowed, and a refused preflight is logged with the fix."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sandbox.cors import describe
from sandbox.settings import DEFAULT_CORS_ORIGINS, Settings, parse_origins
from tests.conftest import ROOT, free_port, stop_process, wait_for_port

PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, x-api-key"}


def test_an_unset_variable_means_loopback_on_any_port() -> None:
    assert parse_origins("") == DEFAULT_CORS_ORIGINS == ("loopback",)
    assert Settings.from_env({}).cors_origins == ("loopback",)
    assert parse_origins("loopback, https://preview.example.com/") == ("loopback", "https://preview.example.com")


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8000", "http://127.0.0.1:43117", "http://localhost:5173", "http://[::1]:9000"]
)
def test_the_default_admits_loopback_pages_on_any_port(fresh, origin: str) -> None:
    with fresh(cors_origins=DEFAULT_CORS_ORIGINS) as sandbox:
        r = httpx.options(f"{sandbox.url}/v1/auth/email/signin", headers={**PREFLIGHT, "Origin": origin})
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == origin
        assert "access-control-allow-credentials" not in r.headers


@pytest.mark.parametrize(
    "origin", ["https://evil.example.net", "http://127.0.0.1.evil.example.net", "http://localhost.example:80"]
)
def test_the_default_refuses_other_origins_and_logs_the_fix(
    fresh, origin: str, caplog: pytest.LogCaptureFixture
) -> None:
    with fresh(cors_origins=DEFAULT_CORS_ORIGINS) as sandbox, caplog.at_level(logging.WARNING, "sandbox"):
        r = httpx.options(f"{sandbox.url}/v1/auth/email/signin", headers={**PREFLIGHT, "Origin": origin})
    assert r.status_code == 400
    assert r.json()["error"] == {"code": "common/invalid-request", "message": "Disallowed CORS origin."}
    assert "access-control-allow-origin" not in r.headers
    assert f"SANDBOX_CORS_ORIGINS=loopback,{origin}" in caplog.text


def test_a_listed_origin_replaces_the_default(fresh) -> None:
    with fresh(cors_origins=("https://preview.example.com",)) as sandbox:
        url = f"{sandbox.url}/v1/auth/email/signin"
        ok = httpx.options(url, headers={**PREFLIGHT, "Origin": "https://preview.example.com"})
        assert ok.headers["access-control-allow-origin"] == "https://preview.example.com"
        refused = httpx.options(url, headers={**PREFLIGHT, "Origin": "http://127.0.0.1:8000"})
        assert refused.status_code == 400


def test_the_start_banner_names_the_allowed_origins(tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "out.log"
    env = {"PATH": "/usr/bin:/bin", "SANDBOX_CORS_ORIGINS": "", "SANDBOX_RATE_LIMITS": "off"}
    with out.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(port), "--db", str(tmp_path / "s.db")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, proc=proc)
        finally:
            stop_process(proc)
    banner = out.read_text()
    assert f"browser origins allowed (SANDBOX_CORS_ORIGINS): {describe(('loopback',))}" in banner
    assert "http://127.0.0.1:*" in banner
    assert describe(("*",)) == "any origin (*)"
