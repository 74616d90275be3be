"""Runtime configuration: command-line values plus the SANDBOX_* environment variables."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "spec" / "openapi.yaml"
DEFAULT_DB = ROOT / ".sandbox" / "sandbox.db"
# `loopback`: pages on 127.0.0.1, localhost or [::1], any port (sandbox/cors.py); bearer tokens only
DEFAULT_CORS_ORIGINS = ("loopback",)


class SettingsError(ValueError):
    """A configuration value the sandbox cannot start with."""


@dataclass(frozen=True)
class OAuthProvider:
    """A social login provider the sandbox can exchange codes with (only when credentials are set)."""

    name: str
    client_id: str
    client_secret: str
    token_url: str
    userinfo_url: str
    emails_url: str | None = None  # GitHub hides private e-mails behind a second call
    tokeninfo_url: str | None = None  # Google checks an ID token (Google Sign-In) here


# Public endpoints of the providers. SANDBOX_<NAME>_TOKEN_URL / _USERINFO_URL / _EMAILS_URL override
# them (a GitHub Enterprise server, or the local fake provider the tests run).
OAUTH_ENDPOINTS: dict[str, dict[str, str | None]] = {
    "google": {
        "token_url": "https://oauth2.googleapis.com/token",
        "userinfo_url": "https://openidconnect.googleapis.com/v1/userinfo",
        "emails_url": None,
        "tokeninfo_url": "https://oauth2.googleapis.com/tokeninfo",
    },
    "github": {
        "token_url": "https://github.com/login/oauth/access_token",
        "userinfo_url": "https://api.github.com/user",
        "emails_url": "https://api.github.com/user/emails",
        "tokeninfo_url": None,
    },
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8001
    jwt_secret: str | None = None  # None: a random secret persisted in the database
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    rate_limit_scale: float | None = 1.0  # None: rate limits off; 10: ten times the allowance
    oauth: Mapping[str, OAuthProvider] = field(default_factory=dict)
    spec_path: Path = DEFAULT_SPEC
    max_body_bytes: int = 64 * 1024
    max_upload_bytes: int = 5 * 1024 * 1024
    upload_quota_bytes: int = 200 * 1024 * 1024  # all stored uploads together
    validate_responses: bool = False  # tests: check every response against the spec
    # Where the OAuth redirect flow sends the browser, with the token pair in the URL fragment.
    oauth_app_redirect: str = "http://127.0.0.1:8000/"
    # Apps (origins or origin + path prefix) mailed links and redirects may point to, beyond loopback
    # and the docs origins.
    redirect_urls: tuple[str, ...] = ()
    # Host names served beyond loopback and the bound address (DNS-rebinding guard).
    allowed_hosts: tuple[str, ...] = ()
    # Proxies whose X-Forwarded-For / -Proto is believed; none by default, so a client cannot pick
    # the IP its rate limits and sessions are recorded under.
    trusted_proxies: tuple[str, ...] = ()
    workers: int = 1  # processes serving one database (--workers)
    header_timeout: float = 10.0  # seconds for a request head to arrive (slowloris)
    body_timeout: float = 30.0  # seconds for a request body to arrive
    max_connections: int = 1000  # open connections per process; more evict the slowest heads
    max_concurrency: int = 200  # requests in flight per process; more get 503
    # Seconds after a refresh token is rotated during which presenting it again gets a new pair in the
    # same session (two tabs refreshing at once) instead of counting as reuse (GoTrue's reuse interval).
    refresh_reuse_interval: float = 10.0

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        db_path: Path | str | None = None,
        host: str = "127.0.0.1",
        port: int = 8001,
        workers: int = 1,
    ) -> Settings:
        env = os.environ if environ is None else environ
        database_url = env.get("DATABASE_URL") or sqlite_url(Path(db_path) if db_path else DEFAULT_DB)
        return cls(
            database_url=database_url,
            host=host,
            port=port,
            jwt_secret=env.get("SANDBOX_JWT_SECRET") or None,
            cors_origins=parse_origins(env.get("SANDBOX_CORS_ORIGINS", "")),
            rate_limit_scale=parse_rate_limits(env.get("SANDBOX_RATE_LIMITS", "")),
            oauth=oauth_from_env(env),
            validate_responses=env.get("SANDBOX_VALIDATE_RESPONSES", "") == "1",
            oauth_app_redirect=env.get("SANDBOX_OAUTH_REDIRECT_URL") or "http://127.0.0.1:8000/",
            redirect_urls=parse_list(env.get("SANDBOX_REDIRECT_URLS", "")),
            allowed_hosts=parse_list(env.get("SANDBOX_ALLOWED_HOSTS", "")),
            trusted_proxies=parse_list(env.get("SANDBOX_TRUSTED_PROXIES", "")),
            upload_quota_bytes=parse_mebibytes("SANDBOX_UPLOAD_QUOTA", env.get("SANDBOX_UPLOAD_QUOTA", ""), 200),
            workers=workers,
            header_timeout=parse_positive(env, "SANDBOX_HEADER_TIMEOUT", 10.0),
            body_timeout=parse_positive(env, "SANDBOX_BODY_TIMEOUT", 30.0),
            max_connections=int(parse_positive(env, "SANDBOX_MAX_CONNECTIONS", 1000)),
            max_concurrency=int(parse_positive(env, "SANDBOX_MAX_CONCURRENCY", 200)),
            refresh_reuse_interval=parse_non_negative(env, "SANDBOX_REFRESH_REUSE_INTERVAL", 10.0),
        )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def parse_origins(value: str) -> tuple[str, ...]:
    """Comma-separated origins; `*` allows any origin, `loopback` any loopback page; empty: `loopback`."""
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    return origins or DEFAULT_CORS_ORIGINS


def parse_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_positive(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    try:
        number = float(value) if value else default
    except ValueError:
        number = -1
    if not 0 < number < math.inf:  # also refuses NaN
        raise SettingsError(f"{name} must be a positive number, not {value!r}")
    return number


def parse_non_negative(env: Mapping[str, str], name: str, default: float) -> float:
    """A number of seconds where 0 turns the feature off."""
    value = env.get(name, "").strip()
    with contextlib.suppress(ValueError):
        if value and float(value) == 0:
            return 0.0
    return parse_positive({name: value}, name, default)


def parse_mebibytes(name: str, value: str, default: int) -> int:
    return int(parse_positive({name: value}, name, default) * 1024 * 1024)


def parse_rate_limits(value: str) -> float | None:
    """`off` disables rate limiting; a positive number scales every allowance; empty means 1."""
    value = value.strip().lower()
    if not value:
        return 1.0
    if value in {"off", "0", "false", "no"}:
        return None
    try:
        scale = float(value)
    except ValueError:
        raise SettingsError(f"SANDBOX_RATE_LIMITS must be 'off' or a positive number, not {value!r}") from None
    if scale <= 0:
        raise SettingsError(f"SANDBOX_RATE_LIMITS must be 'off' or a positive number, not {value!r}")
    return scale


def oauth_from_env(env: Mapping[str, str]) -> dict[str, OAuthProvider]:
    """A provider is configured when both SANDBOX_<NAME>_CLIENT_ID and _CLIENT_SECRET are set."""
    providers: dict[str, OAuthProvider] = {}
    for name, endpoints in OAUTH_ENDPOINTS.items():
        prefix = f"SANDBOX_{name.upper()}_"
        client_id = env.get(prefix + "CLIENT_ID", "")
        secret = env.get(prefix + "CLIENT_SECRET", "")
        if client_id and secret:
            providers[name] = OAuthProvider(
                name=name,
                client_id=client_id,
                client_secret=secret,
                token_url=env.get(prefix + "TOKEN_URL") or str(endpoints["token_url"]),
                userinfo_url=env.get(prefix + "USERINFO_URL") or str(endpoints["userinfo_url"]),
                emails_url=env.get(prefix + "EMAILS_URL") or endpoints["emails_url"],
                tokeninfo_url=env.get(prefix + "TOKENINFO_URL") or endpoints["tokeninfo_url"],
            )
    return providers
