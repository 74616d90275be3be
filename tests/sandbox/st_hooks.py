"""schemathesis hooks for the sandbox run (loaded through SCHEMATHESIS_HOOKS=tests.sandbox.st_hooks).

Operations that need a bearer token get a real one: each operation signs up its own user (cached
until a 401 says the token died, e.g. after `signOut` or `withdrawAccount`); `/v1/users` operations
act as the admin the test created first. Path ids are pointed at real resources (the caller's own
user, a throwaway user for deletions and role changes, the token's session), so the fuzzer reaches
the success paths and their response schemas, not only 404s.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import threading
from typing import Any

import httpx
import schemathesis

BASE = os.environ.get("SANDBOX_URL", "http://127.0.0.1:8001")
KEY = os.environ.get("SANDBOX_KEY", "pk_sandbox_bkend_docs")
ADMIN_EMAIL = os.environ.get("SANDBOX_ADMIN_EMAIL", "")
ADMIN_PASSWORD = os.environ.get("SANDBOX_ADMIN_PASSWORD", "")
PASSWORD = "Fuzz-Passw0rd-Long"
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")

_http = httpx.Client(base_url=BASE, headers={"X-API-Key": KEY}, timeout=30.0)

# No randomness of our own: with `--seed`, what schemathesis generates is all that varies, so a
# seed pins the run. Addresses only need to be unique within one run (each run has a fresh database).
_serial = itertools.count(1)
_serial_lock = threading.Lock()


def _unique(prefix: str) -> str:
    with _serial_lock:
        return f"{prefix}-{next(_serial):06d}@example.com"


def _tokens_to_identity(tokens: dict[str, Any]) -> dict[str, str]:
    access = str(tokens["accessToken"])
    payload = access.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {"token": access, "user_id": str(claims["sub"]), "session_id": str(claims["sid"])}


def _new_user() -> dict[str, str]:
    email = _unique("fuzz")
    r = _http.post("/v1/auth/email/signup", json={"method": "password", "email": email, "password": PASSWORD,
                                                  "name": "Fuzz"})
    r.raise_for_status()
    return _tokens_to_identity(r.json())


def _admin() -> dict[str, str]:
    r = _http.post("/v1/auth/email/signin", json={"method": "password", "email": ADMIN_EMAIL,
                                                  "password": ADMIN_PASSWORD})
    r.raise_for_status()
    return _tokens_to_identity(r.json())


def _throwaway_user(admin_token: str) -> str:
    r = _http.post("/v1/users", headers={"Authorization": f"Bearer {admin_token}"},
                   json={"name": "Throwaway", "email": _unique("gone")})
    r.raise_for_status()
    return str(r.json()["id"])


def _label(case: Any) -> str:
    return f"{case.method} {case.operation.path}"


@schemathesis.auth(cache_by_key=lambda case, ctx: _label(case))
class SandboxAuth:
    def get(self, case: Any, ctx: Any) -> dict[str, str]:
        if case.operation.path.startswith("/v1/users"):
            return _admin()
        return _new_user()

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data['token']}"}
        params = case.path_parameters or {}
        if OBJECT_ID.match(str(params.get("userId", ""))):
            destructive = case.method in ("DELETE",) and case.operation.path == "/v1/users/{userId}"
            destructive = destructive or case.operation.path.endswith("/role")
            params["userId"] = _throwaway_user(data["token"]) if destructive else data["user_id"]
        # Half the generated session ids point at the real session: chosen by the generated id itself
        # (its last hex digit), so the seed decides.
        if OBJECT_ID.match(str(params.get("sessionId", ""))) and int(str(params["sessionId"])[-1], 16) % 2:
            params["sessionId"] = data["session_id"]
