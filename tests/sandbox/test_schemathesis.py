"""schemathesis over every operation of the spec against a running sandbox: no server errors,
only documented status codes and content types, and every response body matching its schema."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sandbox.spec import Spec
from tests.conftest import ROOT, SANDBOX_KEY, free_port, stop_process, wait_for_port

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = int(os.environ.get("SANDBOX_FUZZ_EXAMPLES", "5"))


@pytest.mark.slow
def test_schemathesis_reports_no_failures(tmp_path: Path, spec: Spec) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "sandbox.log"
    env = {**os.environ, "SANDBOX_RATE_LIMITS": "off", "SANDBOX_JWT_SECRET": secrets.token_hex(32)}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(port), "--db", str(tmp_path / "fuzz.db")],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_for_port(port, proc=proc)
            admin = {"email": "fuzz-admin@example.com", "password": "Fuzz-Adm1n-Passw0rd"}
            r = httpx.post(f"{url}/v1/auth/email/signup", headers={"X-API-Key": SANDBOX_KEY},
                           json={"method": "password", "name": "Admin", **admin})
            assert r.status_code == 201, r.text  # the first account: the admin the hooks act as
            report = tmp_path / "schemathesis.json"
            run = subprocess.run(
                [sys.executable, "-m", "schemathesis.cli", "run", str(ROOT / "spec" / "openapi.yaml"),
                 "--url", url, "-H", f"X-API-Key: {SANDBOX_KEY}", "--checks", CHECKS,
                 "--max-examples", str(MAX_EXAMPLES), "--seed", "20240525", "--generation-database", "none", "--no-shrink",
                 "--workers", "2",
                 "--report", "json", "--report-json-path", str(report)],
                # Its cache lands in the working folder: keep it out of the repository.
                cwd=tmp_path, capture_output=True, text=True, timeout=900,
                env={**env, "PYTHONPATH": str(ROOT), "SCHEMATHESIS_HOOKS": "tests.sandbox.st_hooks", "SANDBOX_URL": url,
                     "SANDBOX_KEY": SANDBOX_KEY, "SANDBOX_ADMIN_EMAIL": admin["email"],
                     "SANDBOX_ADMIN_PASSWORD": admin["password"]})
        finally:
            stop_process(proc, timeout=15)
    summary = json.loads(report.read_text()) if report.exists() else {}
    detail = f"{run.stdout[-6000:]}\n{run.stderr[-2000:]}\n--- sandbox log ---\n{log_path.read_text()[-3000:]}"
    assert run.returncode == 0, detail
    cases, ops = summary["test_cases"], summary["operations"]
    assert ops["tested"] == ops["total"] == len(spec.operations), detail
    assert cases["with_failures"] == 0 and cases["errored"] == 0 and not summary["failures"], detail
    print(f"\nschemathesis: {ops['tested']}/{ops['total']} operations, {cases['generated']} test cases, "
          f"{cases['with_failures']} with failures ({CHECKS}); phases "
          + ", ".join(f"{name}={phase['status']}" for name, phase in summary["phases"].items()))
