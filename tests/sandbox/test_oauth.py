"""Social sign-in and account linking: `auth/oauth-not-configured` without credentials; with them,
a real authorization-code exchange against a local stand-in for the provider's endpoints."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandbox.settings import OAUTH_ENDPOINTS, OAuthProvider, oauth_from_env
from tests.sandbox.conftest import PASSWORD, Api, Live, unique_email


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


class FakeProvider:
    """Token and user-info endpoints in the shape Google and GitHub use. `codes` maps an
    authorization code to the profile it stands for."""

    def __init__(self) -> None:
        self.codes: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.access: dict[str, dict] = {}
        self.id_tokens: dict[str, dict] = {}  # Google ID token -> its claims (aud included)

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def reply(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                provider.requests.append(form)
                profile = provider.codes.pop(form.get("code", ""), None)
                if profile is None or form.get("client_secret") != "shh" or form.get("grant_type") != "authorization_code":
                    return self.reply(400, {"error": "invalid_grant"})
                token = f"at-{len(provider.access)}"
                provider.access[token] = profile
                self.reply(200, {"access_token": token, "token_type": "Bearer"})

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                if url.path == "/tokeninfo":  # Google's ID token check
                    claims = provider.id_tokens.get(parse_qs(url.query).get("id_token", [""])[0])
                    return self.reply(200, claims) if claims else self.reply(400, {"error": "invalid_token"})
                profile = provider.access.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
                if profile is None:
                    return self.reply(401, {"message": "Bad credentials"})
                if self.path == "/emails":
                    return self.reply(200, profile["emails"])
                self.reply(200, {k: v for k, v in profile.items() if k != "emails"})

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def provider(fresh) -> Iterator[tuple[Live, FakeProvider]]:
    fake = FakeProvider()
    with fake.serve() as base:
        oauth = {
            "google": OAuthProvider("google", "gid", "shh", f"{base}/token", f"{base}/userinfo",
                                    tokeninfo_url=f"{base}/tokeninfo"),
            "github": OAuthProvider("github", "ghid", "shh", f"{base}/token", f"{base}/user", f"{base}/emails"),
        }
        with fresh(oauth=oauth, oauth_app_redirect="http://localhost:3000/after-login") as sandbox:
            yield sandbox, fake


def test_not_configured_without_credentials(api: Api) -> None:
    body = {"code": "4/abc", "redirectUri": "http://localhost:3000/cb", "state": "s1"}
    r = api.post("/v1/auth/google/callback", json=body)
    assert r.status_code == 400 and error_code(r) == "auth/oauth-not-configured"
    assert "SANDBOX_GOOGLE_CLIENT_ID" in r.json()["error"]["message"]
    r = api.get("/v1/auth/github/callback", params={"code": "x", "state": "s"})
    assert r.status_code == 400 and error_code(r) == "auth/oauth-not-configured"
    acc = api.signup()
    r = api.post("/v1/auth/accounts", token=acc.token, json={"provider": "github", "code": "x"})
    assert r.status_code == 400 and error_code(r) == "auth/oauth-not-configured"


def test_credentials_come_from_the_environment() -> None:
    env = {"SANDBOX_GITHUB_CLIENT_ID": "id", "SANDBOX_GITHUB_CLIENT_SECRET": "secret",
           "SANDBOX_GOOGLE_CLIENT_ID": "only-half"}
    providers = oauth_from_env(env)
    assert list(providers) == ["github"]
    assert providers["github"].token_url == OAUTH_ENDPOINTS["github"]["token_url"]


def test_provider_endpoints_can_be_pointed_elsewhere() -> None:
    env = {"SANDBOX_GITHUB_CLIENT_ID": "id", "SANDBOX_GITHUB_CLIENT_SECRET": "secret",
           "SANDBOX_GITHUB_TOKEN_URL": "https://ghe.example.com/login/oauth/access_token",
           "SANDBOX_GITHUB_EMAILS_URL": "https://ghe.example.com/api/v3/user/emails"}
    github = oauth_from_env(env)["github"]
    assert github.token_url == "https://ghe.example.com/login/oauth/access_token"
    assert github.emails_url == "https://ghe.example.com/api/v3/user/emails"
    assert github.userinfo_url == OAUTH_ENDPOINTS["github"]["userinfo_url"]


def test_google_api_flow_creates_then_signs_in(provider: tuple[Live, FakeProvider]) -> None:
    sandbox, fake = provider
    api = sandbox.api
    email = unique_email("google")
    profile = {"sub": "1098765", "email": email, "email_verified": True, "name": "Google User"}
    fake.codes["code-1"] = profile
    body = {"code": "code-1", "redirectUri": "http://localhost:3000/cb", "state": "xyz"}
    r = api.post("/v1/auth/google/callback", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["is_new_user"] is True
    assert fake.requests[-1]["redirect_uri"] == "http://localhost:3000/cb"
    assert fake.requests[-1]["client_id"] == "gid"
    me = api.get("/v1/auth/me", token=r.json()["accessToken"]).json()
    assert me["email"] == email and me["emailVerified"] is True and me["name"] == "Google User"

    r = api.post("/v1/auth/google/callback", json=body)  # the code was spent at the provider
    assert r.status_code == 401 and error_code(r) == "auth/invalid-oauth-code"

    fake.codes["code-2"] = profile
    again = api.post("/v1/auth/google/callback", json={**body, "code": "code-2"}).json()
    assert again["is_new_user"] is False
    token = again["accessToken"]
    assert api.get("/v1/auth/me", token=token).json()["id"] == me["id"]
    assert [a["provider"] for a in api.get("/v1/auth/accounts", token=token).json()["items"]] == ["google"]

    r = api.post("/v1/auth/accounts/check", json={"type": "oauth", "provider": "google", "providerAccountId": "1098765"})
    assert r.json() == {"exists": True, "type": "oauth", "provider": "google"}
    r = api.delete("/v1/auth/accounts/google", token=token)
    assert r.status_code == 400 and error_code(r) == "auth/last-auth-method"


def test_redirect_flow_puts_tokens_in_the_fragment(provider: tuple[Live, FakeProvider]) -> None:
    sandbox, fake = provider
    email = unique_email("gh")
    fake.codes["gh-code"] = {"id": 583231, "login": "gildong", "name": None, "email": None,
                             "emails": [{"email": "other@example.com", "primary": False, "verified": True},
                                        {"email": email, "primary": True, "verified": True}]}
    r = sandbox.api.get("/v1/auth/github/callback", params={"code": "gh-code", "state": "st"}, follow_redirects=False)
    assert r.status_code == 302, r.text
    location = urlsplit(r.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://localhost:3000/after-login"
    tokens = {k: v[0] for k, v in parse_qs(location.fragment).items()}
    assert tokens["tokenType"] == "Bearer" and tokens["expiresIn"] == "3600"
    assert fake.requests[-1]["redirect_uri"] == f"{sandbox.url}/v1/auth/github/callback"
    me = sandbox.api.get("/v1/auth/me", token=tokens["accessToken"]).json()
    assert me["email"] == email and me["name"] == "gildong"


def test_redirect_flow_callback_is_opened_by_the_browser_without_the_key(provider: tuple[Live, FakeProvider]) -> None:
    """The provider sends the browser to the callback; a browser sends no X-API-Key."""
    sandbox, fake = provider
    email = unique_email("browser")
    fake.codes["browser-code"] = {"sub": "77001", "email": email, "email_verified": True, "name": "Browser"}
    r = httpx.get(f"{sandbox.url}/v1/auth/google/callback?code=browser-code&state=st-1", follow_redirects=False)
    assert r.status_code == 302, r.text
    location = urlsplit(r.headers["location"])
    assert location.path == "/after-login"
    token = parse_qs(location.fragment)["accessToken"][0]
    assert sandbox.api.get("/v1/auth/me", token=token).json()["email"] == email
    # The API flow is called by the app, which has its key: without one it is refused.
    r = httpx.post(f"{sandbox.url}/v1/auth/google/callback",
                   json={"code": "x", "redirectUri": "http://localhost:3000/cb", "state": "s"})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-api-key"


def test_link_list_and_unlink(provider: tuple[Live, FakeProvider]) -> None:
    sandbox, fake = provider
    api = sandbox.api
    acc = api.signup()
    fake.codes["link"] = {"id": 42, "login": "octo", "emails": [{"email": acc.email, "primary": True,
                                                                  "verified": True}]}
    r = api.post("/v1/auth/accounts", token=acc.token, json={"provider": "github", "code": "link", "state": "s"})
    assert r.status_code == 201 and r.json() == {}
    accounts = api.get("/v1/auth/accounts", token=acc.token).json()["items"]
    assert [(a["provider"], a["providerAccountId"]) for a in accounts] == [("email", acc.email), ("github", "42")]
    assert {a["userId"] for a in accounts} == {acc.id}

    # The same GitHub account cannot be linked twice, to anyone.
    other = api.signup()
    fake.codes["again"] = {"id": 42, "login": "octo", "emails": []}
    r = api.post("/v1/auth/accounts", token=other.token, json={"provider": "github", "code": "again"})
    assert r.status_code == 409 and error_code(r) == "auth/account-already-linked"
    fake.codes["bad"] = {"id": 43}
    r = api.post("/v1/auth/accounts", token=other.token, json={"provider": "github", "code": "wrong-code"})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-oauth-code"

    # Signing in with GitHub now reaches the same account.
    fake.codes["signin"] = {"id": 42, "login": "octo", "emails": []}
    r = api.post("/v1/auth/github/callback", json={"code": "signin", "redirectUri": "http://localhost:3000/cb",
                                                   "state": "s"})
    assert api.get("/v1/auth/me", token=r.json()["accessToken"]).json()["id"] == acc.id

    r = api.delete("/v1/auth/accounts/google", token=acc.token)
    assert r.status_code == 404 and error_code(r) == "auth/account-not-found"
    r = api.delete("/v1/auth/accounts/github", token=acc.token)
    assert r.status_code == 200 and r.json() == {"message": "Account unlinked successfully"}
    assert [a["provider"] for a in api.get("/v1/auth/accounts", token=acc.token).json()["items"]] == ["email"]


def test_unverified_provider_address_does_not_take_over_an_account(provider: tuple[Live, FakeProvider]) -> None:
    sandbox, fake = provider
    api = sandbox.api
    victim = api.signup()
    fake.codes["evil"] = {"sub": "666", "email": victim.email, "email_verified": False}
    r = api.post("/v1/auth/google/callback", json={"code": "evil", "redirectUri": "http://localhost:3000/cb",
                                                   "state": "s"})
    assert r.status_code == 500 and error_code(r) == "auth/oauth-callback-failed"
    assert api.signin(victim.email, PASSWORD).status_code == 200


def test_check_account_exists(api: Api) -> None:
    acc = api.signup()
    r = api.post("/v1/auth/accounts/check",
                 json={"type": "credentials", "provider": "email", "providerAccountId": acc.email.upper()})
    assert r.json() == {"exists": True, "type": "credentials", "provider": "email"}
    r = api.post("/v1/auth/accounts/check",
                 json={"type": "credentials", "provider": "email", "providerAccountId": unique_email()})
    assert r.json() == {"exists": False}
    r = api.post("/v1/auth/accounts/check",
                 json={"type": "oauth", "provider": "email", "providerAccountId": "1"})
    assert r.status_code == 400 and error_code(r) == "auth/unsupported-provider"
    r = api.post("/v1/auth/accounts/check", json={"type": "oauth", "provider": "twitter", "providerAccountId": "1"})
    assert r.status_code == 400 and error_code(r) == "auth/unsupported-provider"


def test_google_id_token_sign_in(provider: tuple[Live, FakeProvider]) -> None:
    """Google Sign-In: the app posts the ID token instead of a code; the sandbox has Google check it
    (tokeninfo) and accepts it only when it was issued to this project's client id."""
    sandbox, fake = provider
    api = sandbox.api
    email = unique_email("gsi")
    fake.id_tokens["idt-1"] = {"aud": "gid", "sub": "2233", "email": email, "email_verified": "true", "name": "G"}
    fake.id_tokens["idt-other"] = {"aud": "another-app", "sub": "2234", "email": email, "email_verified": "true"}
    body = {"idToken": "idt-1", "redirectUri": "http://localhost:3000/cb"}
    r = api.post("/v1/auth/google/callback", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["is_new_user"] is True
    assert api.get("/v1/auth/me", token=r.json()["accessToken"]).json()["email"] == email
    assert api.post("/v1/auth/google/callback", json=body).json()["is_new_user"] is False
    r = api.post("/v1/auth/google/callback", json={**body, "idToken": "idt-other"})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-oauth-code"
    r = api.post("/v1/auth/google/callback", json={**body, "idToken": "forged"})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-oauth-code"
    r = api.post("/v1/auth/github/callback", json=body)
    assert r.status_code == 401 and error_code(r) == "auth/invalid-oauth-code"
    r = api.post("/v1/auth/google/callback", json={"redirectUri": "http://localhost:3000/cb"})  # neither
    assert r.status_code == 400 and error_code(r) == "common/invalid-request"


def test_link_with_an_access_token(provider: tuple[Live, FakeProvider]) -> None:
    sandbox, fake = provider
    api = sandbox.api
    acc = api.signup()
    fake.access["gho-1"] = {"id": 77, "login": "octo", "emails": [{"email": acc.email, "primary": True,
                                                                    "verified": True}]}
    r = api.post("/v1/auth/accounts", token=acc.token, json={"provider": "github", "accessToken": "gho-1"})
    assert r.status_code == 201, r.text
    r = api.post("/v1/auth/accounts", token=acc.token, json={"provider": "github", "accessToken": "nope"})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-oauth-code"
    accounts = api.get("/v1/auth/accounts", token=acc.token).json()["items"]
    assert ("github", "77") in [(a["provider"], a["providerAccountId"]) for a in accounts]
