"""`make serve` runs the docs with live reload and the sandbox beside them; Ctrl-C stops both.

Runs scripts/serve.sh (what `make serve` runs once set up) in a copy of the project, so edits here
never touch the working tree.
"""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import SANDBOX_KEY
from tests.site.serving import make_serve, served

PAGE = "authentication/email-signup"
# Another page that documents the same operation: a spec edit must reach pages nobody edited.
REFERENCE = "reference/auth-user-api"


def _port_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.browser
@pytest.mark.slow
def test_serve_reloads_page_and_spec_edits_then_stops_on_ctrl_c(page, tmp_path: Path) -> None:
    with make_serve(tmp_path) as serve:
        work, base = serve.project, serve.docs
        health = httpx.get(
            f"http://127.0.0.1:{serve.sandbox_port}/sandbox/health", headers={"X-API-Key": SANDBOX_KEY}
        )
        assert health.status_code == 200

        page.goto(f"{base}/{PAGE}/")

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
        assert served(f"{base}/{REFERENCE}/", "스펙 수정 반영")
        assert served(f"{base}/openapi.yaml", "스펙 수정 반영")
        en_summary = spec["paths"]["/v1/auth/email/signup"]["post"]["summary"]
        spec_file.write_text(
            spec_file.read_text(encoding="utf-8").replace(
                f"summary: {en_summary}", f"summary: {en_summary} (spec edit)"
            ),
            encoding="utf-8",
        )
        assert served(f"{base}/en/{PAGE}/", "(spec edit)")
        assert served(f"{base}/en/{REFERENCE}/", "(spec edit)")
        # The page edit is still there after the rebuilds.
        assert "라이브 리로드 확인용 문단입니다." in httpx.get(f"{base}/{PAGE}/").text
    assert serve.proc.returncode is not None
    log = serve.log.read_text()
    assert _port_closed(serve.docs_port) and _port_closed(serve.sandbox_port), log
