"""Handlers for /v1/auth: sign-up, sign-in, e-mail verification, sessions, passwords, MFA and
account linking. Each one validates what the spec cannot express, then calls the domain modules."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, and_, delete, select, update

from . import errors, mail, mfa, oauth, onetime, redirects, sessions, users
from .clock import to_millis
from .context import Call, Reply, Services, created, ok, pagination, redirect
from .errors import ApiError
from .operations import handles
from .passwords import PasswordFormatError, WeakPasswordError, hash_password, verify_password
from .ratelimit import ACCOUNT_CHECKS_PER_IP, AUTH_PER_IP, LOGIN_FAILURES, MAIL_PER_ADDRESS, attempt_key
from .store import IntegrityError, contact_emails, linked_accounts, new_id, refresh_tokens
from .store import sessions as sessions_t
from .store import users as users_t

# --- helpers ---------------------------------------------------------------------------------


def new_password(services: Services, raw: Any, email: str | None) -> str:
    """The policy's verdict on a new password, in the spec's codes."""
    try:
        return services.policy.check(raw if isinstance(raw, str) else "", email=email)
    except PasswordFormatError as exc:
        raise ApiError(errors.INVALID_PASSWORD_FORMAT, str(exc)) from None
    except WeakPasswordError as exc:
        raise ApiError(errors.WEAK_PASSWORD, str(exc)) from None


def confirm_link(call: Call, token: str, email: str, callback_url: str | None) -> str:
    params = {"token": token, "email": email}
    if callback_url:
        params["callbackUrl"] = callback_url
    return f"{call.base_url}/v1/auth/signup/email/confirm?{urlencode(params)}"


def send_signup_confirmation(conn: Connection, call: Call, user: Any, callback_url: str | None) -> None:
    s = call.services
    redirects.require(s.redirects, callback_url)
    now = s.clock.now()
    lifetime = s.lifetime("emailVerification")
    token = onetime.issue(conn, purpose=onetime.SIGNUP_CONFIRM, email=user.email, user_id=user.id, now=now,
                          lifetime=lifetime, callback_url=callback_url)
    mail.send(conn, to=user.email, kind=mail.SIGNUP_CONFIRMATION, token=token,
              link=confirm_link(call, token, user.email, callback_url), now=now, lifetime=lifetime)


def send_magic_link(conn: Connection, call: Call, user: Any, callback_url: str) -> None:
    s = call.services
    redirects.require(s.redirects, callback_url)
    now = s.clock.now()
    lifetime = s.lifetime("magicLink")
    token = onetime.issue(conn, purpose=onetime.MAGIC_LINK, email=user.email, user_id=user.id, now=now,
                          lifetime=lifetime, callback_url=callback_url)
    link = mail.with_query(callback_url, token=token)
    mail.send(conn, to=user.email, kind=mail.MAGIC_LINK, token=token, link=link, now=now, lifetime=lifetime)


def me(conn: Connection, call: Call) -> Any:
    """The signed-in user's row. It can vanish after the token was checked (a concurrent deletion);
    the answer is then the one the token check gives."""
    user = users.by_id(conn, call.user.user_id)
    if user is None:
        raise sessions.user_gone_error(call.op.x_errors)
    return user


def address_verified(conn: Connection, user: Any, email: str) -> bool:
    if email == user.email:
        return bool(user.email_verified)
    return conn.execute(
        select(contact_emails.c.email).where(and_(contact_emails.c.user_id == user.id, contact_emails.c.email == email))
    ).first() is not None


def now_ms(call: Call) -> int:
    return to_millis(call.services.clock.now())


# Mailing a token (a durable write) takes longer than finding no account: requests that must not
# reveal whether an address has an account all answer after the same floor (5.3 vs 3.3 ms before).
ENUMERATION_FLOOR = 0.1  # seconds


@contextmanager
def even_time(started: float) -> Iterator[None]:
    """Leave the block no earlier than ENUMERATION_FLOOR after `started`, whatever happened in it."""
    try:
        yield
    finally:
        time.sleep(max(0.0, ENUMERATION_FLOOR - (time.perf_counter() - started)))


# --- sign-up and sign-in --------------------------------------------------------------------


@handles("emailSignUp")
def email_sign_up(call: Call) -> Reply:
    s = call.services
    s.limiter.hit(AUTH_PER_IP, call.ip)
    email = users.normalize_email(call.field("email"))
    first_is_admin = bool(s.spec.sandbox.get("firstUserIsAdmin", True))
    if call.field("method") == "magiclink":
        callback = call.field("callbackUrl")
        redirects.require(s.redirects, callback)
        s.limiter.hit(MAIL_PER_ADDRESS, email)
        with s.store.write() as conn:
            # bkend: an address that already has an account gets a sign-in link, without branching
            user = users.by_email(conn, email)
            if user is None:
                user = users.create(conn, email=email, name=None, now=s.clock.now(), first_is_admin=first_is_admin)
            if not user.banned:
                send_magic_link(conn, call, user, callback)
        return created({"message": "Magic link sent successfully", "email": email})

    name = users.clean_name(call.field("name"))
    password = new_password(s, call.field("password"), email)
    with s.store.read() as conn:  # the answer reveals a taken address anyway: skip the slow hash
        if users.by_email(conn, email) is not None:
            raise ApiError(errors.EMAIL_ALREADY_EXISTS)
    hashed = hash_password(password)  # slow: outside the write transaction
    with s.store.write() as conn:
        user = users.create(conn, email=email, name=name, now=s.clock.now(), password_hash=hashed,
                            first_is_admin=first_is_admin)
        # bkend: the confirmation mail goes out when the app asks for it (resendSignUpEmail)
        new = sessions.start(conn, s, user_id=user.id, ip=call.ip, user_agent=call.user_agent)
    return created(sessions.token_response(s, user.id, new))


@handles("emailSignIn")
def email_sign_in(call: Call) -> Reply:
    s = call.services
    s.limiter.hit(AUTH_PER_IP, call.ip)
    email = users.normalize_email(call.field("email"))
    if call.field("method") == "magiclink":
        redirects.require(s.redirects, call.field("callbackUrl"))
        s.limiter.hit(MAIL_PER_ADDRESS, email)
        with even_time(time.perf_counter()), s.store.write() as conn:
            user = users.by_email(conn, email)
            if user is not None and not user.banned:
                send_magic_link(conn, call, user, call.field("callbackUrl"))
        return ok({"message": "If the email is registered, a sign-in link has been sent", "email": email})
    return ok(password_sign_in(call, email))


class _WrongCode(Exception):
    """Raised inside a transaction to roll it back; the failure is counted after it."""


def check_attempts(call: Call, account: str) -> None:
    call.services.limiter.check(LOGIN_FAILURES, attempt_key(account, call.ip))


def count_failure(call: Call, account: str) -> None:
    """One more failed password/MFA check for this account from this IP (outside any transaction:
    the count must survive the failing request's rollback)."""
    call.services.limiter.hit(LOGIN_FAILURES, attempt_key(account, call.ip), owner=account)


def clear_failures(call: Call, account: str) -> None:
    call.services.limiter.reset(LOGIN_FAILURES, attempt_key(account, call.ip))


def password_sign_in(call: Call, email: str) -> dict:
    s = call.services
    check_attempts(call, email)
    with s.store.read() as conn:
        user = users.by_email(conn, email)
    if not verify_password(user.password_hash if user else None, str(call.field("password") or "")):
        count_failure(call, email)
        raise ApiError(errors.INVALID_CREDENTIALS)
    if user.banned:
        raise ApiError(errors.ACCOUNT_BANNED)
    code = call.field("mfaCode")
    try:
        with s.store.write() as conn:
            if user.mfa_enabled:
                if not code:
                    raise ApiError(errors.MFA_REQUIRED)
                fresh = users.by_id(conn, user.id)
                if not mfa.check_code(conn, fresh, str(code), s.clock.now(), now_ms(call)):
                    raise _WrongCode
            new = sessions.start(conn, s, user_id=user.id, ip=call.ip, user_agent=call.user_agent)
    except _WrongCode:
        count_failure(call, email)
        raise ApiError(errors.INVALID_MFA_CODE) from None
    clear_failures(call, email)
    return sessions.token_response(s, user.id, new)


@handles("completeMagicLink")
def complete_magic_link(call: Call) -> Reply:
    """A mailed link is one factor: an account with MFA also sends `mfaCode` (a sandbox rule). Every
    failure rolls the transaction back, so the token is spent only by a sign-in that succeeds."""
    s = call.services
    s.limiter.hit(AUTH_PER_IP, call.ip)
    token = str(call.field("token"))
    code = call.field("mfaCode")
    with s.store.read() as conn:
        email = onetime.peek(conn, purpose=onetime.MAGIC_LINK, email=None, secret=token, now=s.clock.now()).email
    if code is not None:
        check_attempts(call, email)
    try:
        with s.store.write() as conn:
            onetime.redeem(conn, purpose=onetime.MAGIC_LINK, email=email, secret=token, now=s.clock.now())
            user = users.by_email(conn, email)
            if user is None:
                raise ApiError(errors.VERIFICATION_TOKEN_NOT_FOUND)
            if user.banned:
                raise ApiError(errors.ACCOUNT_BANNED)
            if user.mfa_enabled:
                if code is None:
                    raise ApiError(errors.MFA_REQUIRED, "This account has MFA on: send `mfaCode` with the token.")
                if not mfa.check_code(conn, user, str(code), s.clock.now(), now_ms(call)):
                    raise _WrongCode
            conn.execute(update(users_t).where(users_t.c.id == user.id).values(email_verified=True))
            is_new = not sessions.ever_signed_in(conn, user.id)
            new = sessions.start(conn, s, user_id=user.id, ip=call.ip, user_agent=call.user_agent)
    except _WrongCode:
        count_failure(call, email)
        raise ApiError(errors.INVALID_MFA_CODE) from None
    if code is not None:
        clear_failures(call, email)
    return ok({**sessions.token_response(s, user.id, new), "is_new_user": is_new})


# --- sign-up confirmation and e-mail verification ----------------------------------------


@handles("resendSignUpEmail")
def resend_sign_up_email(call: Call) -> Reply:
    s = call.services
    email = users.normalize_email(call.field("email"))
    callback = call.field("callbackUrl")
    redirects.require(s.redirects, callback)
    s.limiter.hit(MAIL_PER_ADDRESS, email)
    with s.store.write() as conn:
        user = users.by_email(conn, email)
        # The same answer for unknown, pending and confirmed addresses (no account enumeration).
        if user is not None and not user.email_verified:
            send_signup_confirmation(conn, call, user, callback)
    return ok({"message": "Verification email sent", "email": email})


@handles("confirmSignUpEmail")
def confirm_sign_up_email(call: Call) -> Reply:
    s = call.services
    raw_email = str(call.query.get("email", ""))
    callback = call.query.get("callbackUrl")
    redirects.require(s.redirects, callback)
    try:
        email = users.normalize_email(raw_email)
        with s.store.write() as conn:
            spent = onetime.redeem(conn, purpose=onetime.SIGNUP_CONFIRM, email=email,
                                   secret=str(call.query.get("token", "")), now=s.clock.now())
            user = users.by_id(conn, spent.user_id) if spent.user_id else None
            if user is None:
                raise ApiError(errors.VERIFICATION_TOKEN_NOT_FOUND)
            if user.email_verified:
                raise ApiError(errors.ALREADY_VERIFIED)
            conn.execute(update(users_t).where(users_t.c.id == user.id).values(email_verified=True,
                                                                               updated_at=now_ms(call)))
    except ApiError as exc:
        if callback:
            return redirect(mail.with_query(callback, verified="false", email=raw_email, error=exc.code))
        raise
    if callback:
        return redirect(mail.with_query(callback, verified="true", email=email))
    return ok({"verified": True, "email": email})


@handles("sendEmailVerification")
def send_email_verification(call: Call) -> Reply:
    s = call.services
    email = users.normalize_email(call.field("email"))
    callback = call.field("callbackUrl")
    redirects.require(s.redirects, callback)
    s.limiter.hit(MAIL_PER_ADDRESS, email)
    with s.store.write() as conn:
        # No access token (bkend): the sign-in address of an account is verified for that account;
        # any other address only proves its owner reads it.
        user = users.by_email(conn, email)
        # Verified already: the same answer and no mail, so the answer tells no one who has an
        # account (x-decisions verification-mail-enumeration).
        if user is None or not address_verified(conn, user, email):
            issue_verification(conn, call, user.id if user is not None else None, email, callback)
    return ok({"message": "Verification email sent", "email": email})


def issue_verification(conn: Connection, call: Call, user_id: str | None, email: str, callback: str | None) -> None:
    s = call.services
    redirects.require(s.redirects, callback)
    now = s.clock.now()
    lifetime = s.lifetime("emailVerification")
    token = onetime.issue(conn, purpose=onetime.EMAIL_VERIFY, email=email, user_id=user_id, now=now,
                          lifetime=lifetime, callback_url=callback)
    link = mail.with_query(callback, token=token, email=email) if callback else None
    mail.send(conn, to=email, kind=mail.EMAIL_VERIFICATION, token=token, link=link, now=now, lifetime=lifetime)


@handles("confirmEmailVerification")
def confirm_email_verification(call: Call) -> Reply:
    s = call.services
    email = users.normalize_email(call.field("email"))
    with s.store.write() as conn:
        spent = onetime.redeem(conn, purpose=onetime.EMAIL_VERIFY, email=email, secret=str(call.field("token")),
                               now=s.clock.now())
        user = users.by_id(conn, spent.user_id) if spent.user_id else None
        if user is None:  # an address of no account: the token proved that its owner reads it
            return ok({"message": "Email verified successfully", "verified": True})
        if address_verified(conn, user, email):
            raise ApiError(errors.ALREADY_VERIFIED)
        if email == user.email:
            conn.execute(update(users_t).where(users_t.c.id == user.id).values(email_verified=True,
                                                                               updated_at=now_ms(call)))
        else:
            conn.execute(contact_emails.insert().values(user_id=user.id, email=email, verified_at=now_ms(call)))
    return ok({"message": "Email verified successfully", "verified": True})


@handles("resendEmailVerification")
def resend_email_verification(call: Call) -> Reply:
    s = call.services
    email = users.normalize_email(call.field("email"))
    redirects.require(s.redirects, call.field("callbackUrl"))
    s.limiter.hit(MAIL_PER_ADDRESS, email)
    with s.store.write() as conn:
        pending = onetime.latest(conn, purpose=onetime.EMAIL_VERIFY, email=email)
        user = users.by_id(conn, pending.user_id) if pending is not None and pending.user_id else None
        verified = user is not None and address_verified(conn, user, email)
        if pending is not None and not verified:  # otherwise the same answer, no mail (as above)
            issue_verification(conn, call, user.id if user is not None else None, email,
                               call.field("callbackUrl") or pending.callback_url)
    return ok({"message": "Verification email sent", "email": email})


# --- social sign-in -----------------------------------------------------------------------


def oauth_sign_in(call: Call, provider: str, proof: oauth.Proof, redirect_uri: str | None) -> dict:
    """Sign in (or up) with a provider identity; the answer carries `is_new_user`."""
    s = call.services
    config = oauth.provider_config(s.settings.oauth, provider)
    identity = oauth.identify(config, proof, redirect_uri)
    now = s.clock.now()
    is_new = False
    with s.store.write() as conn:
        linked = conn.execute(
            select(linked_accounts.c.user_id).where(
                and_(linked_accounts.c.provider == provider,
                     linked_accounts.c.provider_account_id == identity.account_id)
            )
        ).first()
        user = users.by_id(conn, linked.user_id) if linked else None
        if user is None:
            if not identity.email:
                raise ApiError(errors.OAUTH_CALLBACK_FAILED, f"{provider} did not share an e-mail address.")
            user = users.by_email(conn, identity.email)
            if user is not None and not identity.email_verified:
                # Linking on an unverified address would let anyone claim the account.
                raise ApiError(errors.OAUTH_CALLBACK_FAILED,
                               f"{provider} has not verified {identity.email}; sign in another way and link it.")
            if user is None:
                user = users.create(conn, email=identity.email, name=identity.name, now=now,
                                    email_verified=identity.email_verified,
                                    first_is_admin=bool(s.spec.sandbox.get("firstUserIsAdmin", True)))
                is_new = True
            elif not user.email_verified:
                user = claim_unverified(conn, user, to_millis(now))
            link_identity(conn, user.id, identity, now)
        if user.banned:
            raise ApiError(errors.ACCOUNT_BANNED)
        new = sessions.start(conn, s, user_id=user.id, ip=call.ip, user_agent=call.user_agent)
    return {**sessions.token_response(s, user.id, new), "is_new_user": is_new}


def claim_unverified(conn: Connection, user: Any, at: int) -> Any:
    """The address's proven owner (the provider verified it) reaches an account nobody has proven
    yet: whoever created it may be an attacker who registered the address first (pre-account
    takeover). Like Firebase, the owner gets the account and every credential the unproven party
    set ends: password, MFA, other linked providers, contact addresses, sessions, pending mail."""
    conn.execute(update(users_t).where(users_t.c.id == user.id).values(
        email_verified=True, password_hash=None, password_changed_at=None, credentials_linked_at=None,
        mfa_enabled=False, mfa_secret=None, mfa_pending_secret=None, mfa_pending_codes=None,
        mfa_last_step=None, updated_at=at))
    mfa.store_backup_codes(conn, user.id, [])
    conn.execute(delete(linked_accounts).where(linked_accounts.c.user_id == user.id))
    conn.execute(delete(contact_emails).where(contact_emails.c.user_id == user.id))
    onetime.void_for_user(conn, user.id, at)
    sessions.revoke_all(conn, user.id, at, "account-claimed")
    return users.by_id(conn, user.id)


def link_identity(conn: Connection, user_id: str, identity: oauth.Identity, now: float) -> None:
    try:
        with conn.begin_nested():
            conn.execute(linked_accounts.insert().values(
                id=new_id(), user_id=user_id, provider=identity.provider,
                provider_account_id=identity.account_id, email=identity.email, linked_at=to_millis(now)))
    except IntegrityError:
        raise ApiError(errors.ACCOUNT_ALREADY_LINKED) from None


@handles("oauthCallback")
def oauth_callback(call: Call) -> Reply:
    call.services.limiter.hit(AUTH_PER_IP, call.ip)
    return ok(oauth_sign_in(call, call.path["provider"], proof_of(call), call.field("redirectUri")))


def proof_of(call: Call) -> oauth.Proof:
    """What the app holds from the provider: an authorization code, a Google ID token, an access token."""
    def text(name: str) -> str | None:
        value = call.field(name)
        return str(value) if value is not None else None
    return oauth.Proof(code=text("code"), id_token=text("idToken"), access_token=text("accessToken"))


@handles("oauthCallbackRedirect")
def oauth_callback_redirect(call: Call) -> Reply:
    call.services.limiter.hit(AUTH_PER_IP, call.ip)
    provider = call.path["provider"]
    own_uri = f"{call.base_url}/v1/auth/{provider}/callback"
    tokens = oauth_sign_in(call, provider, oauth.Proof(code=str(call.query["code"])), own_uri)
    fragment = urlencode({k: str(v) for k, v in tokens.items()})
    return redirect(f"{call.services.settings.oauth_app_redirect}#{fragment}")


# --- the signed-in user and sessions ------------------------------------------------------


@handles("getMe")
def get_me(call: Call) -> Reply:
    return ok(users.user_json(call.user.user_row))  # read with the session, in the same lookup


@handles("refreshToken")
def refresh_token(call: Call) -> Reply:
    call.services.limiter.hit(AUTH_PER_IP, call.ip)
    return ok(sessions.rotate(call.services, str(call.field("refreshToken"))))


@handles("signOut")
def sign_out(call: Call) -> Reply:
    with call.services.store.write() as conn:
        sessions.revoke(conn, call.user.session_id, now_ms(call), "sign-out")
    return ok({"message": "Signed out successfully"})


@handles("listSessions")
def list_sessions(call: Call) -> Reply:
    page, limit = page_query(call)
    with call.services.store.read() as conn:
        items, total = sessions.list_for_user(conn, call.user.user_id, now_ms(call), page, limit)
    return ok({"items": items, "pagination": pagination(page, limit, total)})


def page_query(call: Call) -> tuple[int, int]:
    return int(call.query.get("page") or 1), int(call.query.get("limit") or 10)


@handles("revokeSession")
def revoke_session(call: Call) -> Reply:
    target = call.path["sessionId"]
    with call.services.store.write() as conn:
        owned = conn.execute(
            select(sessions_t.c.id).where(and_(sessions_t.c.id == target, sessions_t.c.user_id == call.user.user_id))
        ).first()
        if owned is None or not sessions.revoke(conn, target, now_ms(call), "revoked"):
            raise ApiError(errors.SESSION_NOT_FOUND)
    return ok({"message": "Session revoked successfully"})


@handles("switchOrganization")
def switch_organization(call: Call) -> Reply:
    return ok(sessions.switch_organization(call.services, call.user, str(call.field("organizationId"))))


# --- passwords ------------------------------------------------------------------------------


@handles("requestPasswordReset")
def request_password_reset(call: Call) -> Reply:
    s = call.services
    started = time.perf_counter()
    email = users.normalize_email(call.field("email"))
    s.limiter.hit(MAIL_PER_ADDRESS, email)
    with even_time(started), s.store.write() as conn:
        user = users.by_email(conn, email)
        if user is not None and not user.banned:
            now = s.clock.now()
            lifetime = s.lifetime("passwordReset")
            token = onetime.issue(conn, purpose=onetime.PASSWORD_RESET, email=email, user_id=user.id, now=now,
                                  lifetime=lifetime)
            mail.send(conn, to=email, kind=mail.PASSWORD_RESET, token=token, link=None, now=now, lifetime=lifetime)
    return ok({"message": "If the email is registered, a password reset link has been sent"})


@handles("confirmPasswordReset")
def confirm_password_reset(call: Call) -> Reply:
    s = call.services
    s.limiter.hit(AUTH_PER_IP, call.ip)
    email = users.normalize_email(call.field("email"))
    token = str(call.field("token"))
    password = new_password(s, call.field("newPassword"), email)
    # Check the token before comparing passwords, so the endpoint is no oracle for the current one.
    with s.store.read() as conn:
        onetime.peek(conn, purpose=onetime.PASSWORD_RESET, email=email, secret=token, now=s.clock.now())
        user = users.by_email(conn, email)
    if user is None:
        raise ApiError(errors.VERIFICATION_TOKEN_NOT_FOUND)
    if user.password_hash and verify_password(user.password_hash, password):
        raise ApiError(errors.SAME_AS_PREVIOUS_PASSWORD)
    hashed = hash_password(password)
    with s.store.write() as conn:
        onetime.redeem(conn, purpose=onetime.PASSWORD_RESET, email=email, secret=token, now=s.clock.now())
        set_password(conn, user, hashed, now_ms(call))
        # Mail to the address proves it is theirs.
        conn.execute(update(users_t).where(users_t.c.id == user.id).values(email_verified=True))
        sessions.revoke_all(conn, user.id, now_ms(call), "password-reset")
    s.limiter.forget(LOGIN_FAILURES, email)  # the mailbox's owner is back: no IP stays paused
    return ok({"message": "Password has been reset successfully"})


def set_password(conn: Connection, user: Any, hashed: str, at: int) -> None:
    conn.execute(
        update(users_t)
        .where(users_t.c.id == user.id)
        .values(password_hash=hashed, password_changed_at=at, updated_at=at,
                credentials_linked_at=user.credentials_linked_at or at)
    )


@handles("changePassword")
def change_password(call: Call) -> Reply:
    s = call.services
    s.limiter.hit(AUTH_PER_IP, call.ip)
    with s.store.read() as conn:
        user = me(conn, call)
    password = new_password(s, call.field("newPassword"), user.email)
    check_attempts(call, user.email)
    if not verify_password(user.password_hash, str(call.field("currentPassword"))):
        count_failure(call, user.email)
        raise ApiError(errors.INVALID_PASSWORD)
    if verify_password(user.password_hash, password):
        raise ApiError(errors.SAME_AS_PREVIOUS_PASSWORD)
    hashed = hash_password(password)
    with s.store.write() as conn:
        set_password(conn, user, hashed, now_ms(call))
        sessions.revoke_all(conn, user.id, now_ms(call), "password-change")  # bkend: every session ends
    return ok({"message": "Password changed successfully"})


# --- MFA ------------------------------------------------------------------------------------


def check_own_password(call: Call, user: Any, field: str = "password") -> None:
    check_attempts(call, user.email)
    if not verify_password(user.password_hash, str(call.field(field) or "")):
        count_failure(call, user.email)
        raise ApiError(errors.INVALID_CREDENTIALS)  # bkend's MFA guide


@handles("enableMfa")
def enable_mfa(call: Call) -> Reply:
    s = call.services
    with s.store.read() as conn:
        user = me(conn, call)
    check_own_password(call, user)
    if user.mfa_enabled:
        raise ApiError(errors.MFA_ALREADY_ENABLED)
    secret = mfa.new_secret()
    codes = mfa.new_backup_codes()
    with s.store.write() as conn:
        conn.execute(update(users_t).where(users_t.c.id == user.id).values(mfa_pending_secret=secret,
                                                                           mfa_pending_codes=codes))
    return ok({"secret": secret, "qrCodeUrl": mfa.qr_code_url(secret, user.email), "backupCodes": codes})


@handles("confirmMfa")
def confirm_mfa(call: Call) -> Reply:
    s = call.services
    with s.store.write() as conn:
        user = me(conn, call)
        if user.mfa_enabled:
            raise ApiError(errors.MFA_ALREADY_ENABLED)
        if not user.mfa_pending_secret:
            raise ApiError(errors.MFA_NOT_ENABLED)
        secret = user.mfa_pending_secret
        if not mfa.check_code(conn, user, str(call.field("code")), s.clock.now(), now_ms(call), secret=secret):
            raise ApiError(errors.INVALID_MFA_CODE)
        codes = list(user.mfa_pending_codes or [])
        mfa.store_backup_codes(conn, user.id, codes)
        conn.execute(update(users_t).where(users_t.c.id == user.id).values(
            mfa_enabled=True, mfa_secret=secret, mfa_pending_secret=None, mfa_pending_codes=None,
            updated_at=now_ms(call)))
    return ok({"backupCodes": codes})


@handles("disableMfa")
def disable_mfa(call: Call) -> Reply:
    """The password and a current second factor (x-decisions `mfa-disable-second-factor`): a stolen
    password alone cannot take MFA off. A wrong code counts like one at sign-in."""
    s = call.services
    with s.store.read() as conn:
        user = me(conn, call)
    check_own_password(call, user)
    if not user.mfa_enabled:
        raise ApiError(errors.MFA_NOT_ENABLED)
    try:
        with s.store.write() as conn:
            fresh = me(conn, call)
            if not mfa.check_code(conn, fresh, str(call.field("code")), s.clock.now(), now_ms(call)):
                raise _WrongCode
            mfa.store_backup_codes(conn, user.id, [])
            conn.execute(update(users_t).where(users_t.c.id == user.id).values(
                mfa_enabled=False, mfa_secret=None, mfa_pending_secret=None, mfa_pending_codes=None,
                mfa_last_step=None, updated_at=now_ms(call)))
    except _WrongCode:
        count_failure(call, user.email)
        raise ApiError(errors.INVALID_MFA_CODE) from None
    clear_failures(call, user.email)
    return ok({})


# --- account linking ------------------------------------------------------------------------


@handles("linkAccount")
def link_account(call: Call) -> Reply:
    s = call.services
    provider = str(call.field("provider"))
    config = oauth.provider_config(s.settings.oauth, provider)
    identity = oauth.identify(config, proof_of(call), None)
    with s.store.write() as conn:
        user = me(conn, call)
        link_identity(conn, user.id, identity, s.clock.now())
    return created({})


@handles("listLinkedAccounts")
def list_linked_accounts(call: Call) -> Reply:
    page, limit = page_query(call)
    with call.services.store.read() as conn:
        every = users.linked_accounts_json(conn, me(conn, call))
    items = every[(page - 1) * limit: page * limit]
    return ok({"items": items, "pagination": pagination(page, limit, len(every))})


@handles("unlinkAccount")
def unlink_account(call: Call) -> Reply:
    provider = call.path["provider"]
    with call.services.store.write() as conn:
        user = me(conn, call)
        row = conn.execute(
            select(linked_accounts.c.id).where(
                and_(linked_accounts.c.user_id == user.id, linked_accounts.c.provider == provider))
        ).first()
        if row is None:
            raise ApiError(errors.ACCOUNT_NOT_FOUND)
        if users.auth_methods(conn, user) <= 1:
            raise ApiError(errors.LAST_AUTH_METHOD)
        conn.execute(delete(linked_accounts).where(linked_accounts.c.id == row.id))
    return ok({"message": "Account unlinked successfully"})


@handles("checkAccountExists")
def check_account_exists(call: Call) -> Reply:
    call.services.limiter.hit(ACCOUNT_CHECKS_PER_IP, call.ip)  # an enumeration oracle: bounded per IP
    kind, provider, account = call.field("type"), call.field("provider"), str(call.field("providerAccountId"))
    if (kind == "credentials") != (provider == "email"):
        if kind == "oauth":
            raise ApiError(errors.UNSUPPORTED_PROVIDER, "type `oauth` needs provider `google` or `github`.")
        raise ApiError(errors.INVALID_REQUEST, "type `credentials` goes with provider `email`.")
    with call.services.store.read() as conn:
        if kind == "credentials":
            user = users.by_email(conn, account.strip().lower())
            exists = user is not None and bool(user.password_hash)
        else:
            exists = conn.execute(
                select(linked_accounts.c.id).where(
                    and_(linked_accounts.c.provider == provider, linked_accounts.c.provider_account_id == account))
            ).first() is not None
    return ok({"exists": True, "type": kind, "provider": provider} if exists else {"exists": False})


# --- account deletion -----------------------------------------------------------------------


@handles("withdrawAccount")
def withdraw_account(call: Call) -> Reply:
    with call.services.store.write() as conn:
        users.require_another_admin(conn, me(conn, call))
        delete_account(conn, call.user.user_id)
    return ok({"message": "Account deleted successfully"})


def delete_account(conn: Connection, user_id: str) -> None:
    """Everything that belongs to the user goes with it (sessions and refresh tokens cascade)."""
    session_ids = select(sessions_t.c.id).where(sessions_t.c.user_id == user_id)
    conn.execute(delete(refresh_tokens).where(refresh_tokens.c.session_id.in_(session_ids)))
    conn.execute(delete(users_t).where(users_t.c.id == user_id))
