"""A throwaway PostgreSQL server for the sandbox's tests: Debian's `postgresql` binaries (which
`make test` installs when missing), a cluster in a temporary folder on a free 127.0.0.1 port, one
fresh database per sandbox, everything removed at the end.

initdb and postgres refuse to run as root; as root the cluster is created and run as `nobody` (the
folder is handed to it), otherwise as the current user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import free_port

RUN_AS = "nobody"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (PG_BINDIR overrides), or None."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_reason() -> str | None:
    if binaries() is None:
        return ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): `make test` installs "
                "Debian's postgresql package when run as root; elsewhere install it or set PG_BINDIR")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as an unprivileged user"
    return None


@dataclass
class Cluster:
    port: int
    bindir: Path
    folder: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = f"sandbox_{secrets.token_hex(6)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def psql(self, sql: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            cursor = conn.execute(sql)  # type: ignore[arg-type]
            return str(cursor.fetchone()[0]) if cursor.description else ""


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", RUN_AS, "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def cluster() -> Iterator[Cluster]:
    bindir = binaries()
    assert bindir is not None
    folder = Path(tempfile.mkdtemp(prefix="sandbox-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, RUN_AS)
        os.chmod(folder, 0o700)
    port = free_port()
    log = folder / "postgres.log"
    subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                              "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True, cwd=folder)
    options = (f"-p {port} -h 127.0.0.1 -k {folder} -c max_connections=400 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off")
    started = subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                                        "-o", options, "start"]), capture_output=True, text=True, cwd=folder)
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr}{log.read_text() if log.exists() else ''}")
    try:
        yield Cluster(port, bindir, folder)
    finally:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)
