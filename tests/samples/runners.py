"""Run rendered code samples the way a reader would (bash + curl, node, python) and report the
HTTP status and body each one got.

The samples run exactly as rendered. Only the harness around them observes the exchange: a `curl`
shell function that adds `--write-out`, a recording `fetch` in node, and `runpy` reading the
`response` variable a Python sample leaves behind. To keep the suite fast, all the samples of one
tool run in one process (one bash, one node, one python), each with its own environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

HELPER = ROOT / "snippets" / "bkend.js"  # the one bkendFetch helper (the getting-started page shows it)
TIMEOUT = 300

# Every sample that ran and met the spec, for the session summary (`samples executed: N`). It lives
# here, not in conftest.py, because pytest loads conftest.py under a module name of its own.
EXECUTED: list[str] = []

# Each sample runs in a subshell with its own variables; curl reports status and redirect target.
CURL_JOB = """(
  set -euo pipefail
  {exports}
  curl() {{ command curl --silent --show-error --write-out '\\n%{{http_code}} %{{redirect_url}}' "$@"; }}
  cd {dir}
  . ./sample.sh
) > {dir}/out.txt 2> {dir}/err.txt; echo $? > {dir}/rc.txt
"""

NODE_HARNESS = """
import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

const jobs = JSON.parse(await readFile(process.argv[2], "utf8"));
const helper = await import(pathToFileURL(process.argv[3]));  // the same module the samples import
const realFetch = globalThis.fetch;
let last = null;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  last = { status: response.status, body: await response.clone().text(), location: response.headers.get("location") };
  return response;
};

const results = {};
for (const job of jobs) {
  last = null;
  for (const name of ["ACCESS_TOKEN", "REFRESH_TOKEN", "UPLOAD_FILE", "UPLOAD_TYPE"]) delete process.env[name];
  Object.assign(process.env, job.env);
  // what the getting-started page has the reader do once
  helper.configureBkend({ baseUrl: job.env.SANDBOX_URL, apiKey: job.env.BKEND_API_KEY });
  helper.clearTokens();
  if (job.env.ACCESS_TOKEN) helper.setTokens({ accessToken: job.env.ACCESS_TOKEN, refreshToken: job.env.REFRESH_TOKEN });
  // what <input type="file"> holds in a browser
  const file = job.env.UPLOAD_FILE
    ? new Blob([await readFile(job.env.UPLOAD_FILE)], { type: job.env.UPLOAD_TYPE }) : null;
  globalThis.document = { querySelector: () => ({ files: [file] }) };
  try {
    await import(pathToFileURL(job.sample));
    results[job.name] = last ?? { error: "the sample made no request" };
  } catch (error) {
    results[job.name] = { error: String(error?.stack ?? error), status: last?.status, body: last?.body };
  }
}
await writeFile(process.argv[4], JSON.stringify(results));
"""

PYTHON_HARNESS = """
import json, os, runpy, sys, traceback

jobs = json.load(open(sys.argv[1], encoding="utf-8"))
results = {}
for job in jobs:
    for name in ("ACCESS_TOKEN", "REFRESH_TOKEN", "UPLOAD_FILE", "UPLOAD_TYPE"):
        os.environ.pop(name, None)
    os.environ.update(job["env"])
    os.chdir(job["dir"])
    try:
        response = runpy.run_path(job["sample"], run_name="__main__")["response"]
        results[job["name"]] = {"status": response.status_code, "body": response.text,
                                "location": response.headers.get("location")}
    except BaseException:
        results[job["name"]] = {"error": traceback.format_exc()}
json.dump(results, open(sys.argv[2], "w", encoding="utf-8"))
"""


@dataclass
class Job:
    name: str
    source: str
    env: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)  # written next to the sample


@dataclass
class Outcome:
    status: int | None
    body: str
    location: str | None
    error: str | None = None  # the sample failed to run (exception, non-zero exit)

    def json(self) -> object:
        return json.loads(self.body)


FILES = {"curl": "sample.sh", "javascript": "sample.js", "bkendfetch": "sample.js", "python": "sample.py"}


def run_batch(tool: str, jobs: list[Job], workdir: Path) -> dict[str, Outcome]:
    """Run every job's sample (all for `tool`) and return what each one got, by job name."""
    if not jobs:
        return {}
    workdir.mkdir(parents=True, exist_ok=True)
    dirs: dict[str, Path] = {}
    for i, job in enumerate(jobs):
        d = workdir / f"{i:03d}"
        d.mkdir()
        (d / FILES[tool]).write_text(job.source + "\n", encoding="utf-8")
        for name, data in job.files.items():
            (d / name).write_bytes(data)
        if "UPLOAD_FILE" in job.env:  # the harness reads it from its own folder
            job.env = {**job.env, "UPLOAD_FILE": str(d / job.env["UPLOAD_FILE"])}
        dirs[job.name] = d
    if tool == "curl":
        return _run_curl(jobs, dirs, workdir)
    if tool in ("javascript", "bkendfetch"):
        return _run_node(jobs, dirs, workdir)
    if tool == "python":
        return _run_python(jobs, dirs, workdir)
    raise ValueError(f"unknown tool {tool!r}")


def _subprocess(cmd: list[str], cwd: Path) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=os.environ.copy())
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stderr}\n{result.stdout}")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def _run_curl(jobs: list[Job], dirs: dict[str, Path], workdir: Path) -> dict[str, Outcome]:
    script = workdir / "run.sh"
    parts = []
    for job in jobs:
        exports = "; ".join(f"export {k}={_quote(v)}" for k, v in job.env.items())
        parts.append(CURL_JOB.format(exports=exports, dir=_quote(str(dirs[job.name]))))
    script.write_text("\n".join(parts), encoding="utf-8")
    _subprocess(["bash", str(script)], workdir)
    out: dict[str, Outcome] = {}
    for job in jobs:
        d = dirs[job.name]
        rc = int((d / "rc.txt").read_text().strip())
        text = (d / "out.txt").read_text(encoding="utf-8", errors="replace")  # a body may be binary
        if rc != 0:
            out[job.name] = Outcome(None, text, None, f"exit {rc}: {(d / 'err.txt').read_text()}")
            continue
        body, _, tail = text.rpartition("\n")
        status, _, location = tail.strip().partition(" ")
        out[job.name] = Outcome(int(status), body, location or None)
    return out


def _collect(results: dict[str, dict]) -> dict[str, Outcome]:
    return {
        name: Outcome(r.get("status"), r.get("body") or "", r.get("location"), r.get("error"))
        for name, r in results.items()
    }


def _run_node(jobs: list[Job], dirs: dict[str, Path], workdir: Path) -> dict[str, Outcome]:
    # One copy of the helper, imported by every sample as ./bkend.js: node resolves the symlinks to
    # the one file, so the samples share the module instance the harness configures.
    (workdir / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    (workdir / "bkend.js").write_text(HELPER.read_text(encoding="utf-8"), encoding="utf-8")
    for d in dirs.values():
        (d / "bkend.js").symlink_to(workdir / "bkend.js")
    manifest = [{"name": j.name, "sample": str(dirs[j.name] / "sample.js"), "env": j.env} for j in jobs]
    (workdir / "jobs.json").write_text(json.dumps(manifest), encoding="utf-8")
    (workdir / "harness.js").write_text(NODE_HARNESS, encoding="utf-8")
    _subprocess(["node", "harness.js", "jobs.json", "./bkend.js", "results.json"], workdir)
    return _collect(json.loads((workdir / "results.json").read_text(encoding="utf-8")))


def _run_python(jobs: list[Job], dirs: dict[str, Path], workdir: Path) -> dict[str, Outcome]:
    manifest = [
        {"name": j.name, "sample": str(dirs[j.name] / "sample.py"), "dir": str(dirs[j.name]), "env": j.env}
        for j in jobs
    ]
    (workdir / "jobs.json").write_text(json.dumps(manifest), encoding="utf-8")
    (workdir / "harness.py").write_text(PYTHON_HARNESS, encoding="utf-8")
    results = workdir / "results.json"  # absolute: the harness changes folder for each sample
    _subprocess([sys.executable, "harness.py", str(workdir / "jobs.json"), str(results)], workdir)
    return _collect(json.loads(results.read_text(encoding="utf-8")))
