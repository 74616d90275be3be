"""The seed flows end to end over HTTP: sign-up, sign-in, tokens, sessions, mail flows, MFA."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pyotp

from tests.sandbox.conftest import PASSWORD, Api, Live, unique_email


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_signup_signin_me_refresh_reuse_signout(api: Api) -> None:
    email = unique_email()
    r = api.post("/v1/auth/email/signup",
                 json={"method": "password", "email": f"  {email.upper()} ", "password": PASSWORD, "name": "홍길동"})
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    signup_tokens = r.json()
    assert signup_tokens["tokenType"] == "Bearer" and signup_tokens["expiresIn"] == 3600

    r = api.signin(email)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    tokens = r.json()

    me = api.get("/v1/auth/me", token=tokens["accessToken"])
    assert me.status_code == 200
    assert me.json()["email"] == email  # trimmed and lowercased
    assert me.json()["name"] == "홍길동" and me.json()["emailVerified"] is False

    r = api.post("/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert rotated["refreshToken"] != tokens["refreshToken"]
    assert api.get("/v1/auth/me", token=rotated["accessToken"]).status_code == 200

    # Signing out ends the sign-up session only.
    assert api.get("/v1/auth/me", token=signup_tokens["accessToken"]).status_code == 200
    r = api.post("/v1/auth/signout", token=signup_tokens["accessToken"])
    assert r.status_code == 200 and r.json() == {"message": "Signed out successfully"}
    r = api.get("/v1/auth/me", token=signup_tokens["accessToken"])
    assert r.status_code == 401 and error_code(r) == "auth/invalid-token"
    r = api.post("/v1/auth/refresh", json={"refreshToken": signup_tokens["refreshToken"]})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-refresh-token"
    assert api.get("/v1/auth/me", token=rotated["accessToken"]).status_code == 200

    # The spent refresh token presented again within the reuse interval (another tab refreshing at the
    # same moment): a new pair in the same session, and the first rotation's pair keeps working.
    r = api.post("/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert r.status_code == 200, r.text
    assert sid(r.json()) == sid(rotated) == sid(tokens)
    assert api.get("/v1/auth/me", token=rotated["accessToken"]).status_code == 200


def sid(pair: dict) -> str:
    return str(jwt.decode(pair["accessToken"], options={"verify_signature": False})["sid"])


def refresh_at_once(api: Api, refresh_token: str, tabs: int) -> list[httpx.Response]:
    """`tabs` refreshes with one refresh token, released together."""
    start = threading.Barrier(tabs)

    def tab(_: int) -> httpx.Response:
        start.wait()
        return api.post("/v1/auth/refresh", json={"refreshToken": refresh_token})

    with ThreadPoolExecutor(tabs) as pool:
        return list(pool.map(tab, range(tabs)))


def test_tabs_refreshing_at_once_all_stay_signed_in(api: Api) -> None:
    """Several tabs share one token pair and refresh at the same moment: each gets a working pair in
    the same session, where a strict single use revoked every session (issue #14)."""
    acc = api.signup()
    answers = refresh_at_once(api, acc.tokens["refreshToken"], 3)
    assert [r.status_code for r in answers] == [200] * 3, [r.text for r in answers]
    pairs = [r.json() for r in answers]
    assert len({p["refreshToken"] for p in pairs}) == 3 and {sid(p) for p in pairs} == {sid(acc.tokens)}
    for pair in pairs:
        assert api.get("/v1/auth/me", token=pair["accessToken"]).status_code == 200
        r = api.post("/v1/auth/refresh", json={"refreshToken": pair["refreshToken"]})
        assert r.status_code == 200, r.text
        assert api.get("/v1/auth/me", token=r.json()["accessToken"]).status_code == 200


def test_refresh_token_reused_after_the_interval_ends_every_session(live: Live) -> None:
    api = live.api
    acc = api.signup()
    other = api.signin(acc.email).json()
    rotated = api.post("/v1/auth/refresh", json={"refreshToken": acc.tokens["refreshToken"]}).json()
    live.clock.advance(10)  # SANDBOX_REFRESH_REUSE_INTERVAL's default
    # Presenting the spent refresh token now is treated as theft: every session of the user ends.
    r = api.post("/v1/auth/refresh", json={"refreshToken": acc.tokens["refreshToken"]})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-refresh-token"
    for pair in (rotated, other):
        r = api.post("/v1/auth/refresh", json={"refreshToken": pair["refreshToken"]})
        assert r.status_code == 401 and error_code(r) == "auth/invalid-refresh-token"
        r = api.get("/v1/auth/me", token=pair["accessToken"])
        assert r.status_code == 401 and error_code(r) == "auth/invalid-token"


def test_duplicate_email_and_same_answer_for_unknown_email_or_wrong_password(api: Api) -> None:
    acc = api.signup()
    r = api.post("/v1/auth/email/signup",
                 json={"method": "password", "email": acc.email.upper(), "password": PASSWORD, "name": "Again"})
    assert r.status_code == 409 and error_code(r) == "auth/email-already-exists"

    wrong = api.signin(acc.email, "Wrong-password-1")
    unknown = api.signin(unique_email("nobody"), PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert error_code(wrong) == "auth/invalid-credentials"


def test_password_is_nfkc_normalized(api: Api) -> None:
    # U+FF21 (fullwidth A) and "ﬁ" normalize to "A" and "fi" under NFKC.
    acc = api.signup(password="\uff21bc-\ufb01ne-Passw0rd")
    assert api.signin(acc.email, "Abc-fine-Passw0rd").status_code == 200


def test_signup_confirmation_via_outbox(api: Api) -> None:
    acc = api.signup()
    assert api.outbox(acc.email, "signup-confirmation") == []  # sent when the app asks, not at sign-up
    assert api.post("/v1/auth/signup/email/resend", json={"email": acc.email}).status_code == 200
    [message] = api.outbox(acc.email, "signup-confirmation")
    assert message["to"] == acc.email and message["token"] in message["link"]
    link = urlsplit(message["link"])
    assert link.path == "/v1/auth/signup/email/confirm"

    r = api.get(link.path, params=parse_qs(link.query))
    assert r.status_code == 200 and r.json() == {"verified": True, "email": acc.email}
    assert api.get("/v1/auth/me", token=acc.token).json()["emailVerified"] is True

    again = api.get(link.path, params=parse_qs(link.query))  # single use
    assert again.status_code == 404 and error_code(again) == "auth/verification-token-not-found"
    # A confirmed address gets the answer an unknown one gets, and no mail (no account enumeration).
    r = api.post("/v1/auth/signup/email/resend", json={"email": acc.email})
    assert r.status_code == 200 and r.json() == {"message": "Verification email sent", "email": acc.email}
    assert len(api.outbox(acc.email, "signup-confirmation")) == 1


def test_signup_confirmation_redirects_with_callback(api: Api) -> None:
    acc = api.signup()
    callback = "http://localhost:3000/verified"
    api.post("/v1/auth/signup/email/resend", json={"email": acc.email})
    r = api.post("/v1/auth/signup/email/resend", json={"email": acc.email, "callbackUrl": callback})
    assert r.status_code == 200 and r.json() == {"message": "Verification email sent", "email": acc.email}
    first, older = api.outbox(acc.email, "signup-confirmation")[:2]
    # The newest link replaced the one mailed before.
    stale = urlsplit(older["link"])
    r = api.get(stale.path, params={**parse_qs(stale.query), "callbackUrl": callback}, follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"].startswith(callback + "?verified=false")
    assert "error=auth%2Fverification-token-not-found" in r.headers["location"]

    link = urlsplit(first["link"])
    r = api.get(link.path, params=parse_qs(link.query), follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == f"{callback}?verified=true&email={acc.email.replace('@', '%40')}"

    # A redirect target the sandbox never mailed and does not trust is refused, not followed.
    r = api.get(link.path, params={**parse_qs(link.query), "callbackUrl": "https://evil.example.net/x"},
                follow_redirects=False)
    assert r.status_code == 400 and error_code(r) == "common/invalid-request"


def test_mailed_confirmation_link_opens_in_a_browser_without_the_key(api: Api) -> None:
    """The link is followed by a browser, which sends no X-API-Key: the mailed token identifies the
    project. Open the link exactly as the outbox gives it, with no headers of ours."""
    acc = api.signup()
    api.post("/v1/auth/signup/email/resend", json={"email": acc.email})
    [message] = api.outbox(acc.email, "signup-confirmation")
    r = httpx.get(message["link"], follow_redirects=False)
    assert r.status_code == 200, r.text
    assert r.json() == {"verified": True, "email": acc.email}

    callback = "http://localhost:3000/verified"
    api.post("/v1/auth/signup/email/resend", json={"email": (other := api.signup()).email, "callbackUrl": callback})
    link = api.outbox(other.email, "signup-confirmation")[0]["link"]
    r = httpx.get(link, follow_redirects=False)
    assert r.status_code == 302, r.text
    assert r.headers["location"] == f"{callback}?verified=true&email={other.email.replace('@', '%40')}"

    # The operations around it still need the key.
    r = httpx.post(f"{api.base_url}/v1/auth/signup/email/resend", json={"email": acc.email})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-api-key"


def test_unknown_address_gets_the_same_answer_and_no_mail(api: Api) -> None:
    email = unique_email("ghost")
    for path in ("/v1/auth/signup/email/resend", "/v1/auth/password/reset/request",
                 "/v1/auth/email/verify/resend"):
        r = api.post(path, json={"email": email})
        assert r.status_code == 200, (path, r.text)
    r = api.post("/v1/auth/email/signin",
                 json={"method": "magiclink", "email": email, "callbackUrl": "http://localhost:3000/cb"})
    assert r.status_code == 200
    assert api.outbox(email) == []


def test_password_reset_via_outbox(api: Api) -> None:
    acc = api.signup()
    other_session = api.signin(acc.email).json()
    r = api.post("/v1/auth/password/reset/request", json={"email": acc.email})
    assert r.status_code == 200
    assert r.json() == {"message": "If the email is registered, a password reset link has been sent"}
    [mail] = api.outbox(acc.email, "password-reset")

    r = api.post("/v1/auth/password/reset/confirm",
                 json={"email": acc.email, "token": mail["token"], "newPassword": PASSWORD})
    assert r.status_code == 400 and error_code(r) == "auth/same-as-previous-password"
    r = api.post("/v1/auth/password/reset/confirm",
                 json={"email": acc.email, "token": mail["token"], "newPassword": "short"})
    assert r.status_code == 400 and error_code(r) == "auth/invalid-password-format"
    r = api.post("/v1/auth/password/reset/confirm",
                 json={"email": unique_email(), "token": mail["token"], "newPassword": "Brand-new-Passw0rd"})
    assert r.status_code == 404 and error_code(r) == "auth/verification-token-not-found"  # bound to the address

    r = api.post("/v1/auth/password/reset/confirm",
                 json={"email": acc.email, "token": mail["token"], "newPassword": "Brand-new-Passw0rd"})
    assert r.status_code == 200 and r.json() == {"message": "Password has been reset successfully"}
    assert api.signin(acc.email).status_code == 401
    assert api.signin(acc.email, "Brand-new-Passw0rd").status_code == 200
    # Every session ended; the token works once.
    assert api.get("/v1/auth/me", token=other_session["accessToken"]).status_code == 401
    r = api.post("/v1/auth/password/reset/confirm",
                 json={"email": acc.email, "token": mail["token"], "newPassword": "Another-Passw0rd"})
    assert r.status_code == 404 and error_code(r) == "auth/verification-token-not-found"


def test_reset_token_expires(live: Live) -> None:
    api = live.api
    acc = api.signup()
    api.post("/v1/auth/password/reset/request", json={"email": acc.email})
    [mail] = api.outbox(acc.email, "password-reset")
    live.clock.advance(24 * 3600 + 1)
    r = api.post("/v1/auth/password/reset/confirm",
                 json={"email": acc.email, "token": mail["token"], "newPassword": "Brand-new-Passw0rd"})
    assert r.status_code == 401 and error_code(r) == "auth/verification-token-expired"


def test_change_password_ends_every_session(api: Api) -> None:
    acc = api.signup()
    other = api.signin(acc.email).json()
    r = api.post("/v1/auth/password/change", token=acc.token,
                 json={"currentPassword": "Not-the-password", "newPassword": "Changed-Passw0rd"})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-password"
    r = api.post("/v1/auth/password/change", token=acc.token,
                 json={"currentPassword": PASSWORD, "newPassword": PASSWORD})
    assert r.status_code == 400 and error_code(r) == "auth/same-as-previous-password"
    r = api.post("/v1/auth/password/change", token=acc.token,
                 json={"currentPassword": PASSWORD, "newPassword": "Changed-Passw0rd"})
    assert r.status_code == 200 and r.json() == {"message": "Password changed successfully"}
    assert api.get("/v1/auth/me", token=acc.token).status_code == 401
    assert api.get("/v1/auth/me", token=other["accessToken"]).status_code == 401
    assert api.signin(acc.email, "Changed-Passw0rd").status_code == 200


def test_weak_password_is_refused(api: Api) -> None:
    r = api.post("/v1/auth/email/signup",
                 json={"method": "password", "email": unique_email(), "password": "password123", "name": "W"})
    assert r.status_code == 400 and error_code(r) == "auth/weak-password"


def test_magic_link_sign_up_and_sign_in(api: Api) -> None:
    email = unique_email("magic")
    callback = "http://localhost:3000/auth/callback"
    r = api.post("/v1/auth/email/signup", json={"method": "magiclink", "email": email, "callbackUrl": callback})
    assert r.status_code == 201 and r.json()["email"] == email
    [mail] = api.outbox(email, "magic-link")
    assert mail["link"] == f"{callback}?token={mail['token']}"

    done = {"token": mail["token"]}
    r = api.post("/v1/auth/email/callback", json=done)
    assert r.status_code == 200, r.text
    assert r.json()["is_new_user"] is True
    me = api.get("/v1/auth/me", token=r.json()["accessToken"]).json()
    assert me["email"] == email and me["emailVerified"] is True
    r = api.post("/v1/auth/email/callback", json=done)
    assert r.status_code == 404 and error_code(r) == "auth/verification-token-not-found"

    r = api.post("/v1/auth/email/signin", json={"method": "magiclink", "email": email, "callbackUrl": callback})
    assert r.status_code == 200
    newest = api.outbox(email, "magic-link")[0]
    assert newest["token"] != mail["token"]
    r = api.post("/v1/auth/email/callback", json={"token": newest["token"]})
    assert r.status_code == 200 and r.json()["is_new_user"] is False

    # A magic-link sign-up with a registered address mails a sign-in link instead (no 409).
    r = api.post("/v1/auth/email/signup", json={"method": "magiclink", "email": email, "callbackUrl": callback})
    assert r.status_code == 201
    again = api.outbox(email, "magic-link")[0]
    r = api.post("/v1/auth/email/callback", json={"token": again["token"]})
    assert r.status_code == 200 and r.json()["is_new_user"] is False


def test_magic_link_expires_after_15_minutes(live: Live) -> None:
    api = live.api
    email = unique_email("magic")
    api.post("/v1/auth/email/signup",
             json={"method": "magiclink", "email": email, "callbackUrl": "http://localhost:3000/cb"})
    [mail] = api.outbox(email, "magic-link")
    live.clock.advance(15 * 60 + 1)
    r = api.post("/v1/auth/email/callback", json={"token": mail["token"]})
    assert r.status_code == 401 and error_code(r) == "auth/verification-token-expired"


def test_contact_email_verification_via_outbox(api: Api) -> None:
    acc = api.signup()
    contact = unique_email("contact")
    r = api.post("/v1/auth/email/verify/send",  # no access token needed
                 json={"email": contact, "callbackUrl": "http://localhost:3000/verify"})
    assert r.status_code == 200 and r.json()["email"] == contact
    r = api.post("/v1/auth/email/verify/resend", json={"email": contact})
    assert r.status_code == 200
    first, second = api.outbox(contact, "email-verification")[:2][::-1]
    assert first["token"] != second["token"]
    assert second["link"].startswith("http://localhost:3000/verify?token=")

    stale = api.post("/v1/auth/email/verify/confirm", json={"email": contact, "token": first["token"]})
    assert stale.status_code == 404 and error_code(stale) == "auth/verification-token-not-found"
    r = api.post("/v1/auth/email/verify/confirm", json={"email": contact, "token": second["token"]})
    assert r.status_code == 200 and r.json() == {"message": "Email verified successfully", "verified": True}
    # The sign-in address of an account is verified for that account, again without an access token.
    r = api.post("/v1/auth/email/verify/send", json={"email": acc.email})
    assert r.status_code == 200
    token = api.outbox(acc.email, "email-verification")[0]["token"]
    assert api.post("/v1/auth/email/verify/confirm", json={"email": acc.email, "token": token}).status_code == 200
    assert api.get("/v1/auth/me", token=acc.token).json()["emailVerified"] is True
    # Verified now: sending and resending answer as for any address and mail nothing (no enumeration).
    mailed = len(api.outbox(acc.email, "email-verification"))
    for path in ("/v1/auth/email/verify/send", "/v1/auth/email/verify/resend"):
        r = api.post(path, json={"email": acc.email})
        assert (r.status_code, r.json()) == (200, {"message": "Verification email sent", "email": acc.email})
    assert len(api.outbox(acc.email, "email-verification")) == mailed
    r = api.post("/v1/auth/email/verify/confirm", json={"email": acc.email, "token": token})
    assert r.status_code == 404 and error_code(r) == "auth/verification-token-not-found"


def test_mfa_enable_confirm_and_sign_in_with_code(live: Live) -> None:
    api, clock = live.api, live.clock
    acc = api.signup()
    r = api.post("/v1/auth/mfa/enable", token=acc.token, json={"password": "wrong-password"})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-credentials"
    r = api.post("/v1/auth/mfa/confirm", token=acc.token, json={"code": "123456"})
    assert r.status_code == 400 and error_code(r) == "auth/mfa-not-enabled"

    r = api.post("/v1/auth/mfa/enable", token=acc.token, json={"password": PASSWORD})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    setup = r.json()
    assert setup["qrCodeUrl"].startswith("otpauth://totp/") and len(setup["backupCodes"]) == 10
    totp = pyotp.TOTP(setup["secret"])

    # Not on until confirmed.
    assert api.signin(acc.email).status_code == 200
    r = api.post("/v1/auth/mfa/confirm", token=acc.token, json={"code": totp.at(clock.now() + 300)})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-mfa-code"
    r = api.post("/v1/auth/mfa/confirm", token=acc.token, json={"code": totp.at(clock.now())})
    assert r.status_code == 200 and r.json() == {"backupCodes": setup["backupCodes"]}
    assert api.get("/v1/auth/me", token=acc.token).json()["mfaEnabled"] is True
    r = api.post("/v1/auth/mfa/enable", token=acc.token, json={"password": PASSWORD})
    assert r.status_code == 409 and error_code(r) == "auth/mfa-already-enabled"

    r = api.signin(acc.email)
    assert r.status_code == 403 and error_code(r) == "auth/mfa-required"
    r = api.signin(acc.email, mfaCode="000000" if totp.at(clock.now()) != "000000" else "111111")
    assert r.status_code == 401 and error_code(r) == "auth/invalid-mfa-code"

    clock.advance(30)  # the confirm code's time step is spent; use the next one
    code = totp.at(clock.now())
    r = api.signin(acc.email, mfaCode=code)
    assert r.status_code == 200, r.text
    replay = api.signin(acc.email, mfaCode=code)
    assert replay.status_code == 401 and error_code(replay) == "auth/invalid-mfa-code"

    backup = setup["backupCodes"][0]
    assert api.signin(acc.email, mfaCode=backup).status_code == 200
    r = api.signin(acc.email, mfaCode=backup)
    assert r.status_code == 401 and error_code(r) == "auth/invalid-mfa-code"

    # A magic link alone is one factor: an MFA account has to use the password and a code.
    r = api.post("/v1/auth/email/signin",
                 json={"method": "magiclink", "email": acc.email, "callbackUrl": "http://localhost:3000/cb"})
    token = api.outbox(acc.email, "magic-link")[0]["token"]
    r = api.post("/v1/auth/email/callback", json={"token": token})
    assert r.status_code == 403 and error_code(r) == "auth/mfa-required"

    # Turning MFA off takes the password and a current code (x-decisions mfa-disable-second-factor).
    r = api.post("/v1/auth/mfa/disable", token=acc.token, json={"password": PASSWORD})
    assert r.status_code == 400 and error_code(r) == "common/invalid-request" and "code" in r.json()["error"]["message"]
    r = api.post("/v1/auth/mfa/disable", token=acc.token, json={"password": PASSWORD, "code": backup})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-mfa-code"
    assert api.get("/v1/auth/me", token=acc.token).json()["mfaEnabled"] is True
    r = api.post("/v1/auth/mfa/disable", token=acc.token, json={"password": PASSWORD, "code": setup["backupCodes"][1]})
    assert r.status_code == 200 and r.json() == {}
    assert api.signin(acc.email).status_code == 200
    r = api.post("/v1/auth/mfa/disable", token=acc.token, json={"password": PASSWORD, "code": setup["backupCodes"][2]})
    assert r.status_code == 400 and error_code(r) == "auth/mfa-not-enabled"


def test_magic_link_completion_with_mfa(live: Live) -> None:
    """An MFA account finishes a magic-link sign-in with the token and a code: without the code the
    answer is mfa-required and the token stays usable; a wrong code is a failed attempt."""
    api, clock = live.api, live.clock
    acc = api.signup()
    setup = api.post("/v1/auth/mfa/enable", token=acc.token, json={"password": PASSWORD}).json()
    totp = pyotp.TOTP(setup["secret"])
    assert api.post("/v1/auth/mfa/confirm", token=acc.token, json={"code": totp.at(clock.now())}).status_code == 200
    clock.advance(30)  # the confirm code's time step is spent

    api.post("/v1/auth/email/signin",
             json={"method": "magiclink", "email": acc.email, "callbackUrl": "http://localhost:3000/cb"})
    token = api.outbox(acc.email, "magic-link")[0]["token"]
    complete = {"token": token}
    r = api.post("/v1/auth/email/callback", json=complete)
    assert r.status_code == 403 and error_code(r) == "auth/mfa-required"
    wrong = "000000" if totp.at(clock.now()) != "000000" else "111111"
    r = api.post("/v1/auth/email/callback", json={**complete, "mfaCode": wrong})
    assert r.status_code == 401 and error_code(r) == "auth/invalid-mfa-code"
    r = api.post("/v1/auth/email/callback", json={**complete, "mfaCode": totp.at(clock.now())})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    me = api.get("/v1/auth/me", token=r.json()["accessToken"]).json()
    assert me["id"] == acc.id and me["emailVerified"] is True
    # The token worked once.
    clock.advance(30)
    r = api.post("/v1/auth/email/callback", json={**complete, "mfaCode": totp.at(clock.now())})
    assert r.status_code == 404 and error_code(r) == "auth/verification-token-not-found"


def test_sessions_list_and_revoke(api: Api) -> None:
    acc = api.signup()
    phone = api.post("/v1/auth/email/signin",
                     json={"method": "password", "email": acc.email, "password": PASSWORD},
                     headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
                                            "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/604.1"}
                     ).json()
    r = api.get("/v1/auth/sessions", token=acc.token)
    assert r.status_code == 200
    sessions = r.json()["items"]
    assert r.json()["pagination"] == {"page": 1, "limit": 10, "total": 2, "totalPages": 1,
                                      "hasNext": False, "hasPrev": False}
    assert {s["userId"] for s in sessions} == {acc.id}
    mobile = next(s for s in sessions if s["deviceInfo"] == "Safari on iPhone")
    assert mobile["ipAddress"] == "127.0.0.1"
    r = api.get("/v1/auth/sessions?page=2&limit=1", token=acc.token)
    assert len(r.json()["items"]) == 1 and r.json()["pagination"]["hasPrev"] is True

    r = api.delete(f"/v1/auth/sessions/{mobile['id']}", token=acc.token)
    assert r.status_code == 200 and r.json() == {"message": "Session revoked successfully"}
    assert api.get("/v1/auth/me", token=phone["accessToken"]).status_code == 401
    r = api.post("/v1/auth/refresh", json={"refreshToken": phone["refreshToken"]})
    assert r.status_code == 401
    r = api.delete(f"/v1/auth/sessions/{mobile['id']}", token=acc.token)
    assert r.status_code == 404 and error_code(r) == "auth/session-not-found"
    # Someone else's session is "not found" too.
    stranger = api.signup()
    stranger_sid = api.get("/v1/auth/sessions", token=stranger.token).json()["items"][0]["id"]
    r = api.delete(f"/v1/auth/sessions/{stranger_sid}", token=acc.token)
    assert r.status_code == 404
    assert len(api.get("/v1/auth/sessions", token=acc.token).json()["items"]) == 1


def test_session_ends_after_seven_idle_days(live: Live) -> None:
    api = live.api
    acc = api.signup()
    live.clock.advance(6 * 24 * 3600)
    r = api.post("/v1/auth/refresh", json={"refreshToken": acc.tokens["refreshToken"]})
    assert r.status_code == 200
    live.clock.advance(7 * 24 * 3600 + 1)
    r = api.post("/v1/auth/refresh", json={"refreshToken": r.json()["refreshToken"]})
    assert r.status_code == 401 and error_code(r) == "auth/session-expired"


def test_switch_organization_rotates_the_refresh_token(api: Api) -> None:
    acc = api.signup()
    org = "6651d5f6c9b1f2a3d4e5f904"
    r = api.post("/v1/auth/switch-organization", token=acc.token, json={"organizationId": org})
    assert r.status_code == 200, r.text
    scoped = r.json()
    assert jwt.decode(scoped["accessToken"], options={"verify_signature": False})["org"] == org
    assert api.get("/v1/auth/me", token=scoped["accessToken"]).status_code == 200
    r = api.post("/v1/auth/refresh", json={"refreshToken": scoped["refreshToken"]})
    assert r.status_code == 200
    assert jwt.decode(r.json()["accessToken"], options={"verify_signature": False})["org"] == org


def test_withdraw_deletes_the_account(api: Api) -> None:
    acc = api.signup()
    r = api.delete("/v1/auth/withdraw", token=acc.token)
    assert r.status_code == 200 and r.json() == {"message": "Account deleted successfully"}
    r = api.get("/v1/auth/me", token=acc.token)
    assert r.status_code == 404 and error_code(r) == "auth/user-not-found"
    assert api.get("/v1/auth/sessions", token=acc.token).status_code == 401
    assert api.signin(acc.email).status_code == 401
    # The address is free again.
    assert api.post("/v1/auth/email/signup", json={"method": "password", "email": acc.email, "password": PASSWORD,
                                                  "name": "Back"}).status_code == 201


def test_outbox_lists_newest_first_and_clears(fresh) -> None:
    with fresh() as sandbox:
        api = sandbox.api
        first, second = unique_email("one"), unique_email("two")
        for email in (first, second):
            api.post("/v1/auth/email/signup",
                     json={"method": "magiclink", "email": email, "callbackUrl": "http://localhost:3000/cb"})
        items = api.get("/sandbox/outbox").json()["items"]
        assert [m["to"] for m in items] == [second, first]
        assert items[0]["text"].startswith("Open this link within 15 minutes to sign in: http://localhost:3000/cb?")
        assert [m["to"] for m in api.get("/sandbox/outbox", params={"limit": 1}).json()["items"]] == [second]
        assert [m["to"] for m in api.get("/sandbox/outbox", params={"email": first.upper()}).json()["items"]] == [
            first]
        r = api.delete("/sandbox/outbox")
        assert r.status_code == 200 and r.json() == {"deleted": 2}
        assert api.get("/sandbox/outbox").json() == {"items": []}


def test_passwords_are_stored_as_argon2id(live: Live) -> None:
    acc = live.api.signup()
    with sqlite3.connect(live.db_path) as raw:
        (stored,) = raw.execute("SELECT password_hash FROM users WHERE email = ?", (acc.email,)).fetchone()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert acc.password not in stored
