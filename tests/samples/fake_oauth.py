"""A stand-in for Google's and GitHub's token and profile endpoints, so the OAuth samples can
complete against the sandbox. A test registers an authorization code with the identity it
stands for; the sandbox trades it like a real one."""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Identity:
    account_id: str
    email: str
    name: str = "OAuth Tester"


class FakeOAuth:
    def __init__(self) -> None:
        self.url = ""
        self._codes: dict[str, Identity] = {}  # code -> identity
        self._tokens: dict[str, Identity] = {}  # access token -> identity
        self._id_tokens: dict[str, Identity] = {}  # Google ID token -> identity

    def code_for(self, email: str) -> tuple[str, Identity]:
        """A fresh authorization code for a new provider account with this (verified) address."""
        identity = Identity(account_id=str(secrets.randbelow(10**9)), email=email)
        code = f"code-{secrets.token_hex(8)}"
        self._codes[code] = identity
        return code, identity

    def id_token_for(self, email: str) -> tuple[str, Identity]:
        """A Google ID token (as Google Sign-In hands it to an app) for a new account with this address."""
        identity = Identity(account_id=str(secrets.randbelow(10**9)), email=email)
        token = f"idt-{secrets.token_hex(8)}"
        self._id_tokens[token] = identity
        return token, identity

    def access_token_for(self, email: str) -> tuple[str, Identity]:
        """An access token the app already holds for a new provider account with this address."""
        identity = Identity(account_id=str(secrets.randbelow(10**9)), email=email)
        token = f"at-{secrets.token_hex(8)}"
        self._tokens[token] = identity
        return token, identity

    def sandbox_env(self) -> dict[str, str]:
        """The environment that configures both providers of a sandbox against this fake."""
        return {
            "SANDBOX_GOOGLE_CLIENT_ID": "samples", "SANDBOX_GOOGLE_CLIENT_SECRET": "samples",
            "SANDBOX_GOOGLE_TOKEN_URL": f"{self.url}/google/token",
            "SANDBOX_GOOGLE_USERINFO_URL": f"{self.url}/google/userinfo",
            "SANDBOX_GOOGLE_TOKENINFO_URL": f"{self.url}/google/tokeninfo",
            "SANDBOX_GITHUB_CLIENT_ID": "samples", "SANDBOX_GITHUB_CLIENT_SECRET": "samples",
            "SANDBOX_GITHUB_TOKEN_URL": f"{self.url}/github/token",
            "SANDBOX_GITHUB_USERINFO_URL": f"{self.url}/github/user",
            "SANDBOX_GITHUB_EMAILS_URL": f"{self.url}/github/emails",
        }

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, object]:
        if method == "POST" and path.endswith("/token"):
            code = (parse_qs(body.decode()).get("code") or [""])[0]
            identity = self._codes.pop(code, None)  # a code works once, as with the real providers
            if identity is None:
                return 400, {"error": "invalid_grant"}
            token = f"at-{secrets.token_hex(8)}"
            self._tokens[token] = identity
            return 200, {"access_token": token, "token_type": "bearer"}
        url = urlsplit(path)
        if url.path == "/google/tokeninfo":  # Google's ID token check: claims, the audience included
            id_token = (parse_qs(url.query).get("id_token") or [""])[0]
            found = self._id_tokens.get(id_token)
            if found is None:
                return 400, {"error": "invalid_token"}
            return 200, {"aud": "samples", "sub": found.account_id, "email": found.email,
                         "email_verified": "true", "name": found.name}
        identity = self._tokens.get(headers.get("authorization", "").removeprefix("Bearer ").strip())
        if identity is None:
            return 401, {"error": "invalid_token"}
        if path == "/google/userinfo":
            return 200, {"sub": identity.account_id, "email": identity.email, "email_verified": True,
                         "name": identity.name}
        if path == "/github/user":
            return 200, {"id": int(identity.account_id), "login": "tester", "name": identity.name, "email": None}
        if path == "/github/emails":
            return 200, [{"email": identity.email, "primary": True, "verified": True}]
        return 404, {"error": "not_found"}


@contextlib.contextmanager
def serve_fake_oauth() -> Iterator[FakeOAuth]:
    fake = FakeOAuth()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            status, payload = fake._answer(
                self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _reply  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
