"""Social sign-in: the authorization-code exchange with Google or GitHub.

Only when the provider's client id and secret are configured (SANDBOX_GOOGLE_CLIENT_ID/SECRET,
SANDBOX_GITHUB_CLIENT_ID/SECRET); otherwise callers get `auth/oauth-not-configured`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from . import errors
from .errors import ApiError
from .settings import OAuthProvider

SUPPORTED = ("google", "github")
TIMEOUT = 10.0


@dataclass(frozen=True)
class Proof:
    """What the app holds from the provider: an authorization code, a Google ID token (Google
    Sign-In), or an access token it already has. At least one is present."""

    code: str | None = None
    id_token: str | None = None
    access_token: str | None = None


@dataclass(frozen=True)
class Identity:
    provider: str
    account_id: str
    email: str | None
    email_verified: bool
    name: str | None


def provider_config(providers: dict[str, OAuthProvider] | Any, name: str) -> OAuthProvider:
    if name not in SUPPORTED:
        raise ApiError(errors.UNSUPPORTED_PROVIDER)
    config = providers.get(name)
    if config is None:
        raise ApiError(
            errors.OAUTH_NOT_CONFIGURED,
            f"{name} sign-in is not configured on this sandbox: set SANDBOX_{name.upper()}_CLIENT_ID and "
            f"SANDBOX_{name.upper()}_CLIENT_SECRET.",
        )
    return config


def identify(config: OAuthProvider, proof: Proof, redirect_uri: str | None) -> Identity:
    """Who the user is at the provider, from whichever proof the app sent."""
    if proof.code:
        return exchange(config, proof.code, redirect_uri)
    if proof.id_token:
        if config.name != "google" or not config.tokeninfo_url:
            raise ApiError(errors.INVALID_OAUTH_CODE, "An ID token is accepted for Google only; send `code`.")
        return _from_id_token(config, proof.id_token)
    if proof.access_token:
        return _from_access_token(config, proof.access_token)
    raise ApiError(errors.INVALID_REQUEST, "Send `code` or `idToken`.")


def _from_id_token(config: OAuthProvider, id_token: str) -> Identity:
    """Google checks the ID token's signature and expiry (its tokeninfo endpoint); the audience must be
    this project's client id, or the token was issued to another app."""
    try:
        with httpx.Client(timeout=TIMEOUT, headers={"Accept": "application/json"}) as client:
            reply = client.get(str(config.tokeninfo_url), params={"id_token": id_token})
    except httpx.HTTPError as exc:
        raise ApiError(errors.OAUTH_CALLBACK_FAILED, f"The {config.name} token check failed: {exc}.") from exc
    claims = _json(reply)
    if reply.status_code >= 400 or not isinstance(claims, dict) or claims.get("aud") != config.client_id:
        raise ApiError(errors.INVALID_OAUTH_CODE, "The ID token is invalid, expired or issued to another client.")
    claims = {**claims, "email_verified": str(claims.get("email_verified")).lower() == "true"}
    return _identity(config.name, claims, None)


def _from_access_token(config: OAuthProvider, access: str) -> Identity:
    try:
        with httpx.Client(timeout=TIMEOUT, headers={"Accept": "application/json"}) as client:
            return _read_profile(client, config, access)
    except httpx.HTTPError as exc:
        raise ApiError(errors.OAUTH_CALLBACK_FAILED, f"The {config.name} profile request failed: {exc}.") from exc


def _read_profile(client: httpx.Client, config: OAuthProvider, access: str) -> Identity:
    """Who holds this provider access token (GitHub's private e-mails come from a second call)."""
    auth = {"Authorization": f"Bearer {access}"}
    reply = client.get(config.userinfo_url, headers=auth)
    if reply.status_code in (401, 403):
        raise ApiError(errors.INVALID_OAUTH_CODE, "The provider refused the access token.")
    profile = _json(reply)
    emails = _json(client.get(config.emails_url, headers=auth)) if config.emails_url else None
    if not isinstance(profile, dict):
        raise ApiError(errors.OAUTH_CALLBACK_FAILED, f"{config.name} returned no profile.")
    return _identity(config.name, profile, emails)


def exchange(config: OAuthProvider, code: str, redirect_uri: str | None) -> Identity:
    """Trade the code for an access token, then read who the user is."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": config.client_id,
        "client_secret": config.client_secret,
    }
    if redirect_uri:
        form["redirect_uri"] = redirect_uri
    try:
        with httpx.Client(timeout=TIMEOUT, headers={"Accept": "application/json"}) as client:
            token_reply = client.post(config.token_url, data=form)
            token = _json(token_reply)
            access = token.get("access_token") if isinstance(token, dict) else None
            if token_reply.status_code >= 400 or not access:
                raise ApiError(errors.INVALID_OAUTH_CODE)
            return _read_profile(client, config, str(access))
    except httpx.HTTPError as exc:
        raise ApiError(errors.OAUTH_CALLBACK_FAILED, f"The {config.name} exchange failed: {exc}.") from exc


def _json(reply: httpx.Response) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None


def _identity(provider: str, profile: dict[str, Any], emails: Any) -> Identity:
    if provider == "google":
        account_id = profile.get("sub")
        email = profile.get("email")
        verified = bool(profile.get("email_verified"))
        name = profile.get("name")
    else:  # github: the primary verified address comes from /user/emails
        account_id = profile.get("id")
        name = profile.get("name") or profile.get("login")
        email, verified = profile.get("email"), False
        if isinstance(emails, list):
            primary = next((e for e in emails if isinstance(e, dict) and e.get("primary")), None)
            if primary:
                email, verified = primary.get("email"), bool(primary.get("verified"))
    if account_id is None:
        raise ApiError(errors.OAUTH_CALLBACK_FAILED, f"{provider} returned a profile without an id.")
    return Identity(
        provider=provider,
        account_id=str(account_id),
        email=str(email).strip().lower() if email else None,
        email_verified=verified,
        name=str(name) if name else None,
    )
