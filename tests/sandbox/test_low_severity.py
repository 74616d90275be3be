"""The low-severity findings, reproduced against `python -m sandbox`: a suspended user refreshing,
the last admin deleting itself, two tabs refreshing at once, the account check as an enumeration
oracle, MFA turned off with the password alone, invitation mail with anyone's free text, names
carrying NUL or a right-to-left override, guessable passwords the blocklist missed, and 401s without
`WWW-Authenticate`."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pyotp
import pytest

from tests.sandbox.conftest import PASSWORD, Api, process_sandbox, unique_email
from tests.sandbox.test_flows import refresh_at_once, sid


def code(r) -> str:
    return r.json()["error"]["code"]


@pytest.fixture(scope="module")
def admin(proc: Api):
    """The first account of the module's fresh database: the only admin."""
    return proc.signup()


def test_a_suspended_user_cannot_refresh(tmp_path: Path) -> None:
    db = tmp_path / "sb.db"
    with process_sandbox(db) as api:
        api.signup()
        user = api.signup()
        with sqlite3.connect(db) as raw:  # suspension is an operator action: no endpoint makes it
            raw.execute("UPDATE users SET banned = 1 WHERE id = ?", (user.id,))
        r = api.post("/v1/auth/refresh", json={"refreshToken": user.tokens["refreshToken"]})
        assert r.status_code == 401 and code(r) == "auth/invalid-refresh-token"


def test_two_tabs_refreshing_at_once_stay_signed_in_and_a_later_replay_ends_everything(tmp_path: Path) -> None:
    with process_sandbox(tmp_path / "sb.db", SANDBOX_REFRESH_REUSE_INTERVAL="1") as api:
        user = api.signup()
        tabs = refresh_at_once(api, user.tokens["refreshToken"], 2)
        assert [r.status_code for r in tabs] == [200, 200], [r.text for r in tabs]
        pairs = [r.json() for r in tabs]
        assert {sid(p) for p in pairs} == {sid(user.tokens)}
        newest = [api.post("/v1/auth/refresh", json={"refreshToken": p["refreshToken"]}) for p in pairs]
        assert [r.status_code for r in newest] == [200, 200]
        time.sleep(1.1)  # past the reuse interval: the first token presented again is a replay
        r = api.post("/v1/auth/refresh", json={"refreshToken": user.tokens["refreshToken"]})
        assert r.status_code == 401 and code(r) == "auth/invalid-refresh-token"
        for pair in (r.json() for r in newest):
            r = api.post("/v1/auth/refresh", json={"refreshToken": pair["refreshToken"]})
            assert r.status_code == 401 and code(r) == "auth/invalid-refresh-token"
            assert api.get("/v1/auth/me", token=pair["accessToken"]).status_code == 401


def test_the_last_admin_cannot_delete_itself(proc: Api, admin) -> None:
    assert proc.get("/v1/auth/me", token=admin.token).json()["role"] == "admin"
    r = proc.delete("/v1/auth/withdraw", token=admin.token)
    assert r.status_code == 403 and code(r) == "user/forbidden"
    r = proc.delete(f"/v1/users/{admin.id}", token=admin.token)
    assert r.status_code == 403 and code(r) == "user/forbidden"
    assert proc.get("/v1/auth/me", token=admin.token).status_code == 200


@pytest.mark.parametrize("name", ["Mallory\u0000", "Bob\u202egnp.exe", "Zero\u200bWidth", "Bell\u0007"])
def test_names_with_control_or_format_characters_are_refused(proc: Api, name: str) -> None:
    r = proc.post("/v1/auth/email/signup", json={"method": "password", "email": unique_email(), "password": PASSWORD,
                                                 "name": name})
    assert r.status_code == 400 and code(r) == "user/invalid-name"
    user = proc.signup()
    r = proc.patch(f"/v1/users/{user.id}/profile", token=user.token, json={"name": name})
    assert r.status_code == 400 and code(r) == "user/invalid-name"


@pytest.mark.parametrize("password", ["aaaaaaaa", "qwerty12", "Password1!", "PASSWORD123!!", "abababab", "qwerty!!"])
def test_guessable_passwords_are_refused(proc: Api, password: str) -> None:
    r = proc.post("/v1/auth/email/signup", json={"method": "password", "email": unique_email(), "password": password,
                                                 "name": "Weak"})
    assert r.status_code == 400 and code(r) == "auth/weak-password"


def test_401s_carry_a_bearer_challenge(proc: Api) -> None:
    r = proc.get("/v1/auth/me")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    r = proc.get("/v1/auth/me", token="not.a.jwt")
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["www-authenticate"]


def test_reset_and_magic_link_requests_take_as_long_for_unknown_addresses(proc: Api) -> None:
    known = proc.signup().email

    def median_ms(path: str, body: dict) -> float:
        times = []
        for _ in range(7):
            r = proc.post(path, json=body)
            assert r.status_code == 200
            times.append(r.elapsed.total_seconds() * 1000)
        return sorted(times)[3]

    for path, extra in (("/v1/auth/password/reset/request", {}),
                        ("/v1/auth/email/signin", {"method": "magiclink", "callbackUrl": "http://localhost:3000/cb"})):
        mailed = median_ms(path, {"email": known, **extra})
        nobody = median_ms(path, {"email": unique_email("nobody"), **extra})
        assert nobody >= 100 and mailed >= 100  # both wait for the floor
        assert abs(mailed - nobody) < 25, (path, mailed, nobody)


def test_the_account_check_is_limited_per_ip_in_the_database(tmp_path: Path) -> None:
    """Callable with the publishable key alone, it tells who has an account: 20 checks per IP per 15
    minutes, counted in the database (a restart does not reset them)."""
    db = tmp_path / "sb.db"
    body = {"type": "credentials", "provider": "email", "providerAccountId": "someone@example.com"}
    with process_sandbox(db, SANDBOX_RATE_LIMITS="1") as api:
        answers = [api.post("/v1/auth/accounts/check", json=body) for _ in range(21)]
        assert [r.status_code for r in answers] == [200] * 20 + [429]
        assert code(answers[-1]) == "auth/too-many-requests" and int(answers[-1].headers["retry-after"]) > 0
        assert api.signup().id  # other operations from the same IP are not held up
    with process_sandbox(db, SANDBOX_RATE_LIMITS="1") as api:
        r = api.post("/v1/auth/accounts/check", json=body)
        assert r.status_code == 429 and code(r) == "auth/too-many-requests"


def mfa_user(api: Api):  # noqa: ANN201 - an Account
    user = api.signup()
    setup = api.post("/v1/auth/mfa/enable", token=user.token, json={"password": PASSWORD}).json()
    r = api.post("/v1/auth/mfa/confirm", token=user.token, json={"code": pyotp.TOTP(setup["secret"]).now()})
    assert r.status_code == 200, r.text
    return user, setup["backupCodes"]


def test_mfa_cannot_be_turned_off_with_the_password_alone(tmp_path: Path) -> None:
    with process_sandbox(tmp_path / "sb.db", SANDBOX_RATE_LIMITS="1") as api:
        user, backup = mfa_user(api)
        r = api.post("/v1/auth/mfa/disable", token=user.token, json={"password": PASSWORD})
        assert r.status_code == 400 and code(r) == "common/invalid-request"
        assert api.get("/v1/auth/me", token=user.token).json()["mfaEnabled"] is True
        # A wrong code is a failed attempt, like one at sign-in: ten of them pause the checks.
        wrong = [api.post("/v1/auth/mfa/disable", token=user.token, json={"password": PASSWORD, "code": "zzzzzzzz"})
                 for _ in range(10)]
        assert {(r.status_code, code(r)) for r in wrong} == {(401, "auth/invalid-mfa-code")}
        r = api.post("/v1/auth/mfa/disable", token=user.token, json={"password": PASSWORD, "code": backup[0]})
        assert r.status_code == 429 and code(r) == "auth/too-many-login-attempts"
        assert api.get("/v1/auth/me", token=user.token).json()["mfaEnabled"] is True
        # Another account, from the same address: the password and a backup code turn it off.
        other, codes = mfa_user(api)
        r = api.post("/v1/auth/mfa/disable", token=other.token, json={"password": PASSWORD, "code": codes[0]})
        assert r.status_code == 200 and r.json() == {}
        assert api.get("/v1/auth/me", token=other.token).json()["mfaEnabled"] is False


INVITATION = {"resourceType": "organization", "resourceId": "6651d5f6c9b1f2a3d4e5f904", "resourceName": "Acme",
              "name": "Kim", "resourceRole": "member"}


def test_a_guest_cannot_send_invitations(proc: Api, admin) -> None:
    guest = proc.signup()
    r = proc.patch(f"/v1/users/{guest.id}/role", token=admin.token, json={"role": "guest"})
    assert r.status_code == 200, r.text
    invitee = unique_email("invitee")
    r = proc.post("/v1/auth/invitations", token=guest.token, json={**INVITATION, "email": invitee})
    assert r.status_code == 403 and code(r) == "user/forbidden"
    assert proc.outbox(invitee) == []


def test_invitation_mail_quotes_the_senders_words_defanged_and_names_the_sender(proc: Api) -> None:
    sender = proc.signup()
    invitee = unique_email("invitee")
    body = {**INVITATION, "email": invitee,
            "resourceName": "Security notice\n\nbkend Support: your account is locked",
            "inviterName": "bkend Team\u202e, sign in at https://bkend-login.example/reset",
            "resourceRole": "member (see www.evil.example)"}
    assert proc.post("/v1/auth/invitations", token=sender.token, json=body).status_code == 201
    [mail] = proc.outbox(invitee, "invitation")
    words = mail["subject"] + "\n" + mail["text"]
    assert "https://" not in words and "bkend-login.example" not in words and "www.evil.example" not in words
    assert "hxxps[://]bkend-login[.]example/reset" in words and "www[.]evil[.]example" in words
    assert "\u202e" not in words and "\n\n" not in words
    assert mail["subject"] == f"{sender.email} invited you to Security notice bkend Support: your account is locked"
    first_line = mail["text"].splitlines()[0]
    assert first_line.startswith(f"bkend Team , sign in at hxxps[://]bkend-login[.]example/reset ({sender.email}) "
                                 "invited you to join Security notice bkend Support: your account is locked as ")
    assert mail["text"].splitlines()[-1] == (f"The names in this message were written by {sender.email}; "
                                             "links in them are disabled.")


def test_invitations_are_limited_per_sender_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "sb.db"
    with process_sandbox(db, SANDBOX_RATE_LIMITS="1") as api:
        sender = api.signup()
        sent = [api.post("/v1/auth/invitations", token=sender.token, json={**INVITATION, "email": unique_email()})
                for _ in range(21)]
        assert [r.status_code for r in sent] == [201] * 20 + [429]
        assert code(sent[-1]) == "auth/too-many-requests" and int(sent[-1].headers["retry-after"]) > 0
        other = api.signup()  # another sender is not held up
        r = api.post("/v1/auth/invitations", token=other.token, json={**INVITATION, "email": unique_email()})
        assert r.status_code == 201
    with process_sandbox(db, SANDBOX_RATE_LIMITS="1") as api:
        r = api.signin(sender.email)
        r = api.post("/v1/auth/invitations", token=r.json()["accessToken"], json={**INVITATION, "email": unique_email()})
        assert r.status_code == 429 and code(r) == "auth/too-many-requests"
