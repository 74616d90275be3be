"""The database: tables (SQLAlchemy Core), engine set-up, transactions and schema migrations.

Everything else talks to the database through `Store.read()` / `Store.write()` and portable Core
statements, so `DATABASE_URL=postgresql://...` works without code changes; SQLite (a file, WAL,
`synchronous=FULL`) is the zero-setup default.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import secrets
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

__all__ = ["IntegrityError", "Store", "new_id"]

metadata = MetaData()

ID = 24  # 12 random bytes as lowercase hex
EMAIL = 320
HASH = 64  # sha-256 hex

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("email", String(EMAIL), nullable=False, unique=True),  # trimmed + lowercased
    Column("email_verified", Boolean, nullable=False, default=False),
    Column("password_hash", Text),  # argon2id; NULL for magic-link / social-only accounts
    Column("password_changed_at", BigInteger),
    Column("credentials_linked_at", BigInteger),  # when the account first got a password
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("banned", Boolean, nullable=False, default=False),
    Column("nickname", String(100)),
    Column("mobile", String(32)),
    Column("gender", String(16)),
    Column("bio", Text),
    Column("social_links", JSON),
    Column("image", Text),
    Column("avatar_key", String(128)),
    Column("mfa_enabled", Boolean, nullable=False, default=False),
    Column("mfa_secret", String(64)),
    Column("mfa_pending_secret", String(64)),
    Column("mfa_pending_codes", JSON),  # shown again at confirm, hashed into backup_codes then
    Column("mfa_last_step", BigInteger),  # last accepted TOTP time step: a code works once
    Column("preferences", JSON),
    Column("notifications", JSON),
    Column("onboarding", JSON),
    Column("public_slug", String(100), unique=True),
    Column("public_is_public", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("organization_id", String(ID)),
    Column("user_agent", Text),
    Column("ip", String(64)),
    Column("created_at", BigInteger, nullable=False),
    Column("last_accessed_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),  # absolute end (refresh-token lifetime)
    Column("revoked_at", BigInteger),
    Column("revoke_reason", String(32)),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(HASH), primary_key=True),
    Column("session_id", String(ID), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),  # single use: a second presentation is reuse
)

one_time_tokens = Table(
    "one_time_tokens",
    metadata,
    Column("token_hash", String(HASH), primary_key=True),
    Column("purpose", String(32), nullable=False),
    Column("email", String(EMAIL), nullable=False),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE")),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),
    Column("callback_url", Text),  # bound at issue: a confirm link only redirects where it was asked to
    Index("ix_one_time_tokens_email_purpose", "email", "purpose"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("seq", BigInteger, nullable=False),  # newest-first ordering that ties never confuse
    Column("to_email", String(EMAIL), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("token", Text, nullable=False),
    Column("link", Text),
    Column("created_at", BigInteger, nullable=False),
)

backup_codes = Table(
    "backup_codes",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("code_hash", String(HASH), primary_key=True),
    Column("used_at", BigInteger),
)

linked_accounts = Table(
    "linked_accounts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("provider", String(32), nullable=False),
    Column("provider_account_id", String(255), nullable=False),
    Column("email", String(EMAIL)),
    Column("linked_at", BigInteger, nullable=False),
    UniqueConstraint("provider", "provider_account_id", name="uq_linked_provider_account"),
    UniqueConstraint("user_id", "provider", name="uq_linked_user_provider"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("token_hash", String(HASH), nullable=False, unique=True),
    Column("resource_type", String(32), nullable=False),
    Column("resource_id", String(64), nullable=False),
    Column("resource_name", String(200), nullable=False),
    Column("resource_role", String(32), nullable=False),
    Column("email", String(EMAIL), nullable=False, index=True),
    Column("name", String(200)),
    Column("inviter_id", String(ID), nullable=False),  # kept after the inviter's account is deleted
    Column("inviter_name", String(200)),
    Column("status", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("responded_at", BigInteger),
    Index("ix_invitations_resource", "resource_type", "resource_id"),
)

contact_emails = Table(
    "contact_emails",
    metadata,
    # contact addresses a user proved to own (POST /v1/auth/email/verify/confirm)
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("email", String(EMAIL), primary_key=True),
    Column("verified_at", BigInteger, nullable=False),
)

uploads = Table(
    "uploads",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("content_type", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("uploaded_at", BigInteger),
    Column("size", Integer),
    Column("data", LargeBinary),
)

rate_limits = Table(
    "rate_limits",
    metadata,
    # one GCRA bucket per (rule, key): shared by every worker, kept across restarts (ratelimit.py)
    Column("rule", String(32), primary_key=True),
    Column("key", String(400), primary_key=True),
    Column("owner", String(EMAIL), index=True),  # the account a key belongs to, if any
    Column("tat", BigInteger, nullable=False),  # theoretical arrival time, ms
)


MIGRATION_LOCK = 0x5A4E_DB0C  # PostgreSQL advisory lock id held while migrating
RAW_CONNECTIONS = 4  # driver connections kept for `fetch_one`

_PROCESS_PART = secrets.token_bytes(5)
_counter = itertools.count(secrets.randbelow(1 << 24))
_counter_lock = threading.Lock()


def new_id() -> str:
    """A resource id: 24 lowercase hex characters, laid out like a MongoDB ObjectId (4-byte time,
    5 bytes per process, 3-byte counter), so ids created later sort later even within one second."""
    with _counter_lock:
        count = next(_counter) & 0xFFFFFF
    return (int(time.time()).to_bytes(4, "big") + _PROCESS_PART + count.to_bytes(3, "big")).hex()


# --- migrations -----------------------------------------------------------------------------
# Each entry moves the schema from version N-1 to N inside one transaction. Version 1 creates the
# tables above; later versions append ALTERs here (never edit a shipped entry).


def _v1_create_tables(conn: Connection) -> None:
    metadata.create_all(conn)


def _v2_rate_limits(conn: Connection) -> None:
    rate_limits.create(conn, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_create_tables, _v2_rate_limits]
SCHEMA_VERSION = len(MIGRATIONS)


# --- engine -----------------------------------------------------------------------------------


def driver_url(url: str) -> str:
    """`postgresql://` (and the older `postgres://`) means the psycopg 3 driver the sandbox ships."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = driver_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 15},
        pool_size=10,
        max_overflow=30,
        pool_timeout=30,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 driver: we emit it ourselves (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # an acknowledged write survives power loss
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that later upgrades can fail
        # with SQLITE_BUSY at once in WAL mode instead of waiting for the busy timeout.
        immediate = conn.get_execution_options().get("sandbox_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Prepared:
    """A SELECT compiled once for the store's dialect, for the per-request hot path (`fetch_one`)."""

    def __init__(self, engine: Engine, stmt: Select) -> None:
        compiled = stmt.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self.order = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.row: Any = namedtuple("Row", [c.key for c in stmt.selected_columns])  # type: ignore[misc]
        # the column types' own conversions (JSON text, SQLite's 0/1 booleans), as Core would apply
        self.convert = [c.type.result_processor(engine.dialect, None) for c in stmt.selected_columns]

    def params(self, values: dict[str, Any]) -> Any:
        return tuple(values[name] for name in self.order) if self.order is not None else values

    def make_row(self, raw: Any) -> Any:
        return self.row._make([f(v) if f is not None and v is not None else v
                               for f, v in zip(self.convert, raw, strict=True)])


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        self._raw: queue.LifoQueue[Any] = queue.LifoQueue()
        self._raw_made = 0
        self._raw_lock = threading.Lock()

    def prepare(self, stmt: Select) -> Prepared:
        return Prepared(self.engine, stmt)

    def fetch_one(self, prepared: Prepared, **values: Any) -> Any:
        """One row of a prepared SELECT on a raw driver connection in autocommit mode: no pool
        checkout, no BEGIN/ROLLBACK, no statement compilation (ten times cheaper than `read()` for
        the lookup every bearer request makes). Each statement sees everything committed before it."""
        conn = self._raw_connection()
        try:
            cursor = conn.cursor()
            cursor.execute(prepared.sql, prepared.params(values))
            row = cursor.fetchone()
            cursor.close()
        except Exception:
            conn.close()  # a broken connection is not reused
            with self._raw_lock:
                self._raw_made -= 1
            raise
        self._raw.put(conn)
        return None if row is None else prepared.make_row(row)

    def _raw_connection(self) -> Any:
        with contextlib.suppress(queue.Empty):  # none free: make one below, or wait for one
            return self._raw.get_nowait()
        with self._raw_lock:
            make = self._raw_made < RAW_CONNECTIONS
            if make:
                self._raw_made += 1
        if not make:
            return self._raw.get(timeout=30)
        proxied = self.engine.raw_connection()  # runs the connect-time set-up (pragmas)
        if not self.is_sqlite:
            proxied.driver_connection.autocommit = True  # type: ignore[union-attr]
        return proxied

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One atomic transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.connect() as conn:
            conn.execution_options(sandbox_write=True)
            with conn.begin():
                yield conn

    def migrate(self) -> int:
        """Apply pending migrations; returns the schema version now in force."""
        with self.write() as conn:
            if not self.is_sqlite:  # several workers or machines may start at once (SQLite: BEGIN IMMEDIATE)
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            version = 0
            if inspect(conn).has_table("meta"):
                row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
                version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"database schema version {version} is newer than this sandbox ({SCHEMA_VERSION})"
                )
            for step in MIGRATIONS[version:]:
                step(conn)
            if version == 0:
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif version < SCHEMA_VERSION:
                conn.execute(
                    update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
                )
        return SCHEMA_VERSION

    def insert_ignore(self, table: Table, **values: Any) -> Any:
        """INSERT that leaves an existing row with the same key alone (both dialects)."""
        if self.is_sqlite:
            return sqlite_insert(table).values(**values).on_conflict_do_nothing()
        return pg_insert(table).values(**values).on_conflict_do_nothing()

    def get_meta(self, conn: Connection, key: str) -> str | None:
        row = conn.execute(select(meta.c.value).where(meta.c.key == key)).first()
        return None if row is None else str(row[0])

    def meta_value(self, key: str, make: Callable[[], str]) -> str:
        """Read a persisted value, creating it once (first writer wins, also across processes)."""
        with self.write() as conn:
            conn.execute(self.insert_ignore(meta, key=key, value=make()))
            value = self.get_meta(conn, key)
            assert value is not None
            return value

    def integrity_check(self) -> str:
        """SQLite's own consistency check ("ok" when clean); other databases report "ok"."""
        if not self.is_sqlite:
            return "ok"
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    def close(self) -> None:
        while True:
            try:
                self._raw.get_nowait().close()
            except queue.Empty:
                break
        self.engine.dispose()
