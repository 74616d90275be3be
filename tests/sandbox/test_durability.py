"""The sandbox as a process: the command line, the database file (WAL, synchronous=FULL,
migrations), concurrent sign-ups racing for one address, and a `kill -9` in the middle of a burst."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from sandbox.store import SCHEMA_VERSION, Store
from tests.conftest import ROOT, SANDBOX_KEY, free_port, run_sandbox, stop_process, wait_for_port
from tests.sandbox.burst import SignupBurst, race_for_one_address, signup
from tests.sandbox.conftest import PASSWORD, unique_email

RELAXED = {"SANDBOX_RATE_LIMITS": "off"}


def client_for(url: str) -> httpx.Client:
    """One client shared by the threads (making one per thread costs more than the requests)."""
    return httpx.Client(base_url=url, headers={"X-API-Key": SANDBOX_KEY}, timeout=60,
                        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))


def test_command_line_prints_url_and_key_and_keeps_tokens_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "sandbox.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_") and k != "DATABASE_URL"}
    port = free_port()

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(port), "--db", str(db)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        wait_for_port(port, proc=proc)
        return proc

    def stop(proc: subprocess.Popen) -> None:
        stop_process(proc)
        assert proc.stdout is not None
        proc.stdout.close()

    proc = start()
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == f"bkend sandbox listening on http://127.0.0.1:{port}"
        assert SANDBOX_KEY in proc.stdout.readline()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": SANDBOX_KEY}) as client:
            token = signup(client, unique_email()).json()["accessToken"]
    finally:
        stop(proc)
    assert db.exists()  # created on first start, parent folder included

    # No SANDBOX_JWT_SECRET: the generated secret lives in the database, so tokens survive a restart.
    proc = start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": SANDBOX_KEY}) as client:
            assert client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        stop(proc)


def test_database_url_overrides_db(tmp_path: Path) -> None:
    other = tmp_path / "from-url.db"
    with run_sandbox(tmp_path / "ignored.db", extra_env={"DATABASE_URL": f"sqlite:///{other}"}) as sb:
        with httpx.Client(base_url=sb.url, headers={"X-API-Key": sb.key}) as client:
            assert signup(client, unique_email()).status_code == 201
    assert other.exists() and not (tmp_path / "ignored.db").exists()


def test_bad_configuration_fails_with_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "SANDBOX_RATE_LIMITS": "sometimes"}
    result = subprocess.run([sys.executable, "-m", "sandbox", "--port", str(free_port()), "--db",
                             str(tmp_path / "x.db")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SANDBOX_RATE_LIMITS" in result.stderr


def test_sqlite_settings_and_migrations(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    store = Store(f"sqlite:///{db}")
    assert store.migrate() == SCHEMA_VERSION
    assert store.migrate() == SCHEMA_VERSION  # idempotent
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        raw.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    store = Store(f"sqlite:///{db}")
    with pytest.raises(RuntimeError, match="newer than this sandbox"):
        store.migrate()
    store.close()


def test_fifty_concurrent_signups_with_one_email(tmp_path: Path) -> None:
    email = unique_email("race")
    with run_sandbox(tmp_path / "race.db", extra_env=RELAXED) as sb, client_for(sb.url) as client:
        responses = race_for_one_address(client, email)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 49, statuses
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"auth/email-already-exists"}
    with sqlite3.connect(tmp_path / "race.db") as raw:
        assert raw.execute("SELECT count(*) FROM users WHERE email = ?", (email,)).fetchone() == (1,)
    print(f"\n50 concurrent sign-ups with one e-mail: {statuses.count(201)} created, {statuses.count(409)} x 409")


def test_kill_9_during_a_burst_loses_no_acknowledged_signup(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    with run_sandbox(db, extra_env=RELAXED) as sb, client_for(sb.url) as client, SignupBurst(client) as burst:
        burst.wait_for(40, timeout=30)
        sb.process.send_signal(signal.SIGKILL)  # mid-burst: requests are in flight
        sb.process.wait(timeout=10)
    acknowledged, failed = burst.acknowledged, burst.failed
    assert len(acknowledged) >= 40
    assert failed > 0  # the kill really interrupted requests

    with sqlite3.connect(db) as raw:  # recovery from the WAL happens on open
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in raw.execute("SELECT email FROM users")}
    assert set(acknowledged) <= stored

    with run_sandbox(db, extra_env=RELAXED) as sb, client_for(sb.url) as client:
        def can_sign_in(email: str) -> int:
            return client.post("/v1/auth/email/signin",
                               json={"method": "password", "email": email, "password": PASSWORD}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(can_sign_in, acknowledged))
    assert results == [200] * len(acknowledged)
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    print(f"\nkill -9 mid-burst: {len(acknowledged)} acknowledged sign-ups, all present and able to sign in; "
          f"{failed} in-flight requests cut off; integrity_check ok")


def test_unique_index_settles_a_race_the_precheck_missed(tmp_path: Path) -> None:
    """Two transactions that both saw the address free: the second insert is refused cleanly."""
    from sandbox import errors, users
    from sandbox.errors import ApiError

    store = Store(f"sqlite:///{tmp_path / 'u.db'}")
    store.migrate()
    with store.write() as conn:
        users.create(conn, email="twin@example.com", name="First", now=time.time())
    with pytest.raises(ApiError) as caught, store.write() as conn:
        users.create(conn, email="twin@example.com", name="Second", now=time.time())
    assert caught.value.code == errors.EMAIL_ALREADY_EXISTS
    with store.read() as conn:
        assert users.by_email(conn, "twin@example.com").name == "First"
    store.close()


def test_schema_compiles_for_postgresql() -> None:
    """The same tables work on PostgreSQL (DATABASE_URL): the DDL compiles for its dialect."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    from sandbox.store import metadata

    dialect = postgresql.dialect()
    assert metadata.sorted_tables, "no tables to compile"
    for table in metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert ddl.strip().startswith(f"CREATE TABLE {table.name} (")
        # Every column made it into the PostgreSQL DDL, with a type.
        lines = {line.strip().split(" ")[0] for line in ddl.strip().splitlines()[1:-1]}
        assert {c.name for c in table.columns} <= lines, (table.name, ddl)
        for index in table.indexes:
            unique = "UNIQUE " if index.unique else ""
            index_ddl = str(CreateIndex(index).compile(dialect=dialect))
            assert index_ddl.startswith(f"CREATE {unique}INDEX {index.name} ON {table.name} ("), index_ddl
