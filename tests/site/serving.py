"""`make serve` (scripts/serve.sh) in a copy of the project, for the tests that edit files under it:
started on free ports, and stopped the way Ctrl-C stops it, never leaving a process behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import ROOT, free_port, wait_for_port

# Ctrl-C stops mkdocs and the sandbox within a few seconds; a loaded machine gets much longer.
STOP_TIMEOUT = 60


@dataclass
class Served:
    project: Path  # the copy being served: edit files here
    docs: str  # http://127.0.0.1:<port>
    docs_port: int
    sandbox_port: int
    log: Path
    proc: subprocess.Popen


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (a zombie has closed its sockets: it does not count)."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():  # not Linux: the group exists while any member, zombie or not, does
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc_dir.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ")".
            state, _, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == pgid and state != "Z":
                return True
    return False


def _wait_for_group(pgid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)


def _default_sigint() -> None:
    # A test run started in the background (`cmd &` without job control) inherits SIGINT ignored, and
    # so would mkdocs: Ctrl-C could then never stop it. The script gets the terminal's default back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(proc: subprocess.Popen) -> None:
    """Ctrl-C the whole process group (bash, mkdocs, sandbox), then make sure nothing is left: a
    straggler is killed and always waited for, so no process outlives the test."""
    pgid = proc.pid  # start_new_session: the group id is the leader's pid
    if proc.poll() is None:
        os.killpg(pgid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=STOP_TIMEOUT)
    _wait_for_group(pgid, STOP_TIMEOUT)  # children of the script still shutting down
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
        _wait_for_group(pgid, STOP_TIMEOUT)  # a killed process closes its ports only once it is gone
    proc.wait()


@contextlib.contextmanager
def make_serve(tmp_path: Path) -> Iterator[Served]:
    work = tmp_path / "project"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "site", ".sandbox", "__pycache__", ".*cache"
        ),
    )
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / "node_modules").symlink_to(ROOT / "node_modules")  # hooks/mermaid_svg.py reads mermaid from it
    docs_port, sandbox_port = free_port(), free_port()
    env = {**os.environ, "DOCS_PORT": str(docs_port), "SANDBOX_PORT": str(sandbox_port)}
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
        try:
            wait_for_port(sandbox_port, timeout=60, proc=proc)
            wait_for_port(docs_port, timeout=300, proc=proc)
            docs = f"http://127.0.0.1:{docs_port}"
            # The port opens before the first build; an answer means it is built and files are
            # watched, so an edit from now on is seen.
            assert served(docs + "/", "</html>", timeout=300), log_path.read_text()
            yield Served(work, docs, docs_port, sandbox_port, log_path, proc)
        finally:
            stop(proc)


def served(url: str, text: str, timeout: float = 60) -> bool:
    """Whether `url` shows `text` within `timeout` seconds (a rebuild may be running)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if text in httpx.get(url, timeout=30).text:
                return True
        time.sleep(0.2)
    return False
