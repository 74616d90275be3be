"""`make serve` runs the docs with live reload and the sandbox beside them; Ctrl-C stops both.

Runs scripts/serve.sh (what `make serve` runs once set up) in a copy of the project, so edits here
never touch the working tree.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import ROOT, SANDBOX_KEY, free_port, wait_for_port

PAGE = "authentication/email-signup"
# Another page that documents the same operation: a spec edit must reach pages nobody edited.
REFERENCE = "reference/auth-user-api"
# Ctrl-C stops mkdocs and the sandbox within a few seconds; a loaded machine gets much longer.
STOP_TIMEOUT = 60


def _port_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(proc: subprocess.Popen) -> None:
    """Ctrl-C the whole process group (bash, mkdocs, sandbox), then make sure nothing is left: a
    straggler is killed and always waited for, so no process outlives the test."""
    pgid = proc.pid  # start_new_session: the group id is the leader's pid
    if proc.poll() is None:
        os.killpg(pgid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    deadline = time.monotonic() + STOP_TIMEOUT
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)  # children of the script still shutting down
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
    proc.wait()


def _served(url: str, text: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if text in httpx.get(url, timeout=5).text:
                return True
        time.sleep(0.2)
    return False


@pytest.mark.browser
@pytest.mark.slow
def test_serve_reloads_page_and_spec_edits_then_stops_on_ctrl_c(page, tmp_path: Path) -> None:
    work = tmp_path / "project"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "site", ".sandbox", "__pycache__", ".*cache"
        ),
    )
    (work / ".venv").symlink_to(ROOT / ".venv")
    docs_port, sandbox_port = free_port(), free_port()
    env = {**os.environ, "DOCS_PORT": str(docs_port), "SANDBOX_PORT": str(sandbox_port)}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        ["bash", "scripts/serve.sh"],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(sandbox_port, timeout=60, proc=proc)
        wait_for_port(docs_port, timeout=120, proc=proc)
        health = httpx.get(
            f"http://127.0.0.1:{sandbox_port}/sandbox/health", headers={"X-API-Key": SANDBOX_KEY}
        )
        assert health.status_code == 200

        page.goto(f"http://127.0.0.1:{docs_port}/{PAGE}/")

        # A writer edits the Markdown: the open page shows it without a restart.
        markdown = work / "docs" / "ko" / f"{PAGE}.md"
        markdown.write_text(markdown.read_text(encoding="utf-8") + "\n\n라이브 리로드 확인용 문단입니다.\n")
        page.wait_for_selector("text=라이브 리로드 확인용 문단입니다.", timeout=30_000)

        # Someone edits the spec: the generated parts of the page follow.
        spec_file = work / "spec" / "openapi.yaml"
        spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
        summary = spec["paths"]["/v1/auth/email/signup"]["post"]["x-i18n"]["ko"]["summary"]
        assert summary in page.inner_text("article")
        spec_file.write_text(
            spec_file.read_text(encoding="utf-8").replace(summary, summary + " (스펙 수정 반영)"),
            encoding="utf-8",
        )
        page.wait_for_selector("text=스펙 수정 반영", timeout=30_000)
        # ...and so do the pages nobody edited, in both languages, and the published spec.
        base = f"http://127.0.0.1:{docs_port}"
        assert _served(f"{base}/{REFERENCE}/", "스펙 수정 반영")
        assert _served(f"{base}/openapi.yaml", "스펙 수정 반영")
        en_summary = spec["paths"]["/v1/auth/email/signup"]["post"]["summary"]
        spec_file.write_text(
            spec_file.read_text(encoding="utf-8").replace(
                f"summary: {en_summary}", f"summary: {en_summary} (spec edit)"
            ),
            encoding="utf-8",
        )
        assert _served(f"{base}/en/{PAGE}/", "(spec edit)")
        assert _served(f"{base}/en/{REFERENCE}/", "(spec edit)")
        # The page edit is still there after the rebuilds.
        assert "라이브 리로드 확인용 문단입니다." in httpx.get(f"{base}/{PAGE}/").text
    finally:
        try:
            _stop(proc)
        finally:
            log.close()
    assert _port_closed(docs_port) and _port_closed(sandbox_port), (tmp_path / "serve.log").read_text()
