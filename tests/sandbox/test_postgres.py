"""The flow tests of test_flows.py once more, on PostgreSQL (`DATABASE_URL=postgresql://...`): the
same in-process sandbox with its movable clock, on a server the tests start themselves (skipped with
the reason where PostgreSQL is not installed)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from sandbox.spec import Spec
from tests.sandbox import test_flows
from tests.sandbox.conftest import Live, make_settings, serve

# Every flow test except the one that opens the SQLite file itself (its PostgreSQL twin is below).
SQLITE_ONLY = {"test_passwords_are_stored_as_argon2id"}
globals().update({name: getattr(test_flows, name) for name in dir(test_flows)
                  if name.startswith("test_") and name not in SQLITE_ONLY})


@contextlib.contextmanager
def on_postgres(pg: Any, spec: Spec, tmp: Path, **overrides: Any) -> Iterator[Live]:
    settings = replace(make_settings(tmp / "unused.db", **overrides), database_url=pg.new_database())
    with serve(settings, spec) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def live(pg: Any, spec: Spec, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with on_postgres(pg, spec, tmp_path_factory.mktemp("pg")) as sandbox:
        yield sandbox


@pytest.fixture
def fresh(pg: Any, spec: Spec, tmp_path: Path) -> Any:
    return lambda **overrides: on_postgres(pg, spec, tmp_path, **overrides)


def test_passwords_are_stored_as_argon2id_in_postgres(live: Live) -> None:
    acc = live.api.signup()
    engine = create_engine(live.services.settings.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE email = :e"), {"e": acc.email}).scalar_one()
        assert conn.execute(text("SELECT version()")).scalar_one().startswith("PostgreSQL")
    engine.dispose()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
