"""Who may act on which user (`routes_users.target`, the roles of `context.Principal`) in-process,
every combination of role, target and method. Fast on purpose: `make mutate` runs these for each
mutant of the permission checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import Headers

from sandbox import errors, users
from sandbox.app import build_services
from sandbox.clock import FakeClock
from sandbox.context import Call, Principal, Services
from sandbox.errors import ApiError
from sandbox.routes_users import target
from sandbox.spec import Spec
from tests.sandbox.conftest import make_settings

GUEST_READ_ONLY = "Role `guest` is read-only: it cannot change user resources."


@pytest.fixture
def services(tmp_path: Path, spec: Spec) -> Iterator[Services]:
    s = build_services(make_settings(tmp_path / "perm.db"), FakeClock(1_800_000_000), spec=spec)
    yield s
    s.store.close()


@pytest.fixture
def people(services: Services) -> dict[str, str]:
    ids = {}
    with services.store.write() as conn:
        for role in ("admin", "user", "guest"):
            ids[role] = str(users.create(conn, email=f"{role}@example.com", name=role, now=1_800_000_000,
                                         role=role).id)
    return ids


def call(services: Services, spec: Spec, role: str, me: str, user_id: str, operation: str) -> Call:
    return Call(services=services, op=spec.operations[operation], path={"userId": user_id}, query={}, body=None,
                raw_body=b"", content_type="", headers=Headers(), ip="127.0.0.1", user_agent="", base_url="",
                auth=Principal(me, "sid", role))


def outcome(services: Services, c: Call, **kwargs: Any) -> str | tuple[str, str | None]:
    with services.store.read() as conn:
        try:
            return str(target(conn, c, **kwargs).id)
        except ApiError as exc:
            return exc.code, exc.message


def test_roles() -> None:
    assert [Principal("u", "s", r).is_admin for r in ("admin", "user", "guest", "Admin")] == [True, False, False, False]
    assert [Principal("u", "s", r).read_only for r in ("admin", "user", "guest", "Guest")] == [False, False, True, False]


def test_a_user_acts_on_themselves_only(services: Services, spec: Spec, people: dict[str, str]) -> None:
    me, admin = people["user"], people["admin"]
    assert outcome(services, call(services, spec, "user", me, me, "getUser")) == me
    assert outcome(services, call(services, spec, "user", me, me, "updateUser")) == me
    assert outcome(services, call(services, spec, "user", me, admin, "getUser")) == (errors.FORBIDDEN, None)
    # Permission before existence: an unknown id looks the same as someone else's.
    assert outcome(services, call(services, spec, "user", me, "0" * 24, "getUser")) == (errors.FORBIDDEN, None)
    assert outcome(services, call(services, spec, "user", me, me, "updateUserRole"), admin_only=True) == (
        errors.FORBIDDEN, None)


def test_an_admin_acts_on_anyone(services: Services, spec: Spec, people: dict[str, str]) -> None:
    admin, other = people["admin"], people["user"]
    assert outcome(services, call(services, spec, "admin", admin, other, "updateUser")) == other
    assert outcome(services, call(services, spec, "admin", admin, other, "updateUserRole"), admin_only=True) == other
    assert outcome(services, call(services, spec, "admin", admin, "0" * 24, "getUser")) == (errors.USER_NOT_FOUND, None)


def test_a_guest_only_reads_its_own(services: Services, spec: Spec, people: dict[str, str]) -> None:
    guest = people["guest"]
    assert outcome(services, call(services, spec, "guest", guest, guest, "getUser")) == guest
    assert outcome(services, call(services, spec, "guest", guest, guest, "updateUser")) == (
        errors.FORBIDDEN, GUEST_READ_ONLY)
    assert outcome(services, call(services, spec, "guest", guest, guest, "deleteUser")) == (
        errors.FORBIDDEN, GUEST_READ_ONLY)
    assert outcome(services, call(services, spec, "guest", guest, people["user"], "getUser")) == (
        errors.FORBIDDEN, None)
