"""For each operation, the state its sample needs and the real values to render it with.

A preparer talks to the sandbox with the test's own client (not the sample): it signs users up,
reads mailed tokens from the outbox, enables MFA, links accounts, creates invitations... and
returns the values the sample is rendered with (`macros.samples.sample_request` overrides) plus
the credentials the sample reads (`ACCESS_TOKEN`). Every call prepares fresh state, because
samples change it (sign-out, one-time tokens, deletions).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp

from macros.spec import Spec
from tests.samples.fake_oauth import FakeOAuth
from tests.sandbox.conftest import Account, Api, unique_email

# The smallest valid PNG (1x1, transparent): what the upload samples send.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000157a2f9f30000000049454e44ae426082"
)


@dataclass
class Case:
    values: dict[str, Any] = field(default_factory=dict)  # sample_request overrides
    token: str | None = None  # ACCESS_TOKEN
    refresh: str | None = None  # the pair's refresh token (the bkendFetch helper stores both)
    upload: bytes | None = None  # the file a raw-body sample sends


@dataclass
class Ctx:
    api: Api
    spec: Spec
    oauth: FakeOAuth
    admin: Account
    password: str  # the password of the spec's examples; prepared users have it

    def example(self, op_id: str, name: str | None) -> dict[str, Any]:
        _, value = self.spec.request_example(self.spec.operation(op_id), name)
        return copy.deepcopy(value)

    def user(self) -> Account:
        return self.api.signup(password=self.password)

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
        return response.json()

    def mailed(self, email: str, kind: str) -> dict[str, Any]:
        items = self.api.outbox(email, kind)
        assert items, f"no {kind} mail for {email} in the outbox"
        return items[0]

    def mfa_user(self) -> tuple[Account, list[str]]:
        """A user with MFA on, and its unused backup codes."""
        user = self.user()
        setup = self.ok(self.api.post("/v1/auth/mfa/enable", token=user.token, json={"password": self.password}))
        confirmed = self.ok(self.api.post("/v1/auth/mfa/confirm", token=user.token,
                                          json={"code": pyotp.TOTP(setup["secret"]).now()}))
        return user, list(confirmed["backupCodes"])

    def link(self, user: Account, provider: str) -> None:
        code, _ = self.oauth.code_for(unique_email(provider))
        self.ok(self.api.post("/v1/auth/accounts", token=user.token, json={"provider": provider, "code": code}), 201)

    def invitation(self, inviter: Account) -> tuple[dict[str, Any], str]:
        """A pending invitation and the address it was sent to."""
        body = {**self.example("createInvitation", None), "email": unique_email("invitee")}
        return self.ok(self.api.post("/v1/auth/invitations", token=inviter.token, json=body), 201), body["email"]

    def upload_url(self, user: Account) -> dict[str, Any]:
        body = self.example("createAvatarUploadUrl", None)
        return self.ok(self.api.post(f"/v1/users/{user.id}/avatar/upload-url", token=user.token, json=body))


Preparer = Callable[[Ctx, str | None], Case]
PREPARE: dict[str, Preparer] = {}


def prepares(*op_ids: str) -> Callable[[Preparer], Preparer]:
    def register(fn: Preparer) -> Preparer:
        for op_id in op_ids:
            PREPARE[op_id] = fn
        return fn

    return register


def signed_in(user: Account, **values: Any) -> Case:
    return Case(values=values, token=user.token, refresh=user.tokens["refreshToken"])


# -- sign-up, sign-in, mail --------------------------------------------------------------------


@prepares("emailSignUp")
def _sign_up(ctx: Ctx, example: str | None) -> Case:
    return Case({"body": {**ctx.example("emailSignUp", example), "email": unique_email("signup")}})


def _signer(ctx: Ctx, body: dict[str, Any]) -> Account:
    """A user for a sign-in example: one with MFA on (and a backup code in `mfaCode`) when the
    example sends `mfaCode`."""
    if "mfaCode" not in body:
        return ctx.user()
    user, codes = ctx.mfa_user()
    body["mfaCode"] = codes[0]
    return user


@prepares("emailSignIn")
def _sign_in(ctx: Ctx, example: str | None) -> Case:
    body = ctx.example("emailSignIn", example)
    body["email"] = _signer(ctx, body).email
    return Case({"body": body})


@prepares("completeMagicLink")
def _complete_magic_link(ctx: Ctx, example: str | None) -> Case:
    """Ask for a magic link, take its token from the mail; an MFA example gets an MFA user."""
    body = ctx.example("completeMagicLink", example)
    user = _signer(ctx, body)
    ctx.ok(ctx.api.post("/v1/auth/email/signin", json={
        "method": "magiclink", "email": user.email, "callbackUrl": "http://127.0.0.1:8000/signed-in"}))
    body["token"] = ctx.mailed(user.email, "magic-link")["token"]
    return Case({"body": body})


@prepares("resendSignUpEmail")
def _resend_sign_up(ctx: Ctx, example: str | None) -> Case:
    return Case({"body": {**ctx.example("resendSignUpEmail", example), "email": ctx.user().email}})


@prepares("confirmSignUpEmail")
def _confirm_sign_up(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    ctx.ok(ctx.api.post("/v1/auth/signup/email/resend", json={"email": user.email}))
    token = ctx.mailed(user.email, "signup-confirmation")["token"]
    return Case({"query": {"token": token, "email": user.email}})


def _contact_address(ctx: Ctx, user: Account) -> str:
    """Ask to verify a second address of the user; the mail lands in the outbox."""
    email = unique_email("contact")
    ctx.ok(ctx.api.post("/v1/auth/email/verify/send", json={"email": email}))
    return email


@prepares("sendEmailVerification")
def _send_verification(ctx: Ctx, example: str | None) -> Case:
    return Case({"body": {**ctx.example("sendEmailVerification", example), "email": unique_email("contact")}})


@prepares("confirmEmailVerification")
def _confirm_verification(ctx: Ctx, example: str | None) -> Case:
    email = _contact_address(ctx, ctx.user())
    token = ctx.mailed(email, "email-verification")["token"]
    return Case({"body": {**ctx.example("confirmEmailVerification", example), "email": email, "token": token}})


@prepares("resendEmailVerification")
def _resend_verification(ctx: Ctx, example: str | None) -> Case:
    email = _contact_address(ctx, ctx.user())
    return Case({"body": {**ctx.example("resendEmailVerification", example), "email": email}})


# -- social sign-in and linking ----------------------------------------------------------------


@prepares("oauthCallback")
def _oauth_callback(ctx: Ctx, example: str | None) -> Case:
    body = ctx.example("oauthCallback", example)
    if "idToken" in body:
        body["idToken"], _ = ctx.oauth.id_token_for(unique_email("social"))
    else:
        body["code"], _ = ctx.oauth.code_for(unique_email("social"))
    return Case({"body": body})


@prepares("oauthCallbackRedirect")
def _oauth_redirect(ctx: Ctx, example: str | None) -> Case:
    code, _ = ctx.oauth.code_for(unique_email("social"))
    return Case({"query": {"code": code}})


@prepares("linkAccount")
def _link(ctx: Ctx, example: str | None) -> Case:
    body = ctx.example("linkAccount", example)
    if "accessToken" in body:
        body["accessToken"], _ = ctx.oauth.access_token_for(unique_email(body["provider"]))
    elif "idToken" in body:
        body["idToken"], _ = ctx.oauth.id_token_for(unique_email(body["provider"]))
    else:
        body["code"], _ = ctx.oauth.code_for(unique_email(body["provider"]))
    return signed_in(ctx.user(), body=body)


@prepares("unlinkAccount")
def _unlink(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    provider = next(p for p in ctx.spec.operation("unlinkAccount").parameters if p["name"] == "provider")["example"]
    ctx.link(user, provider)
    return signed_in(user)


@prepares("checkAccountExists")
def _check_account(ctx: Ctx, example: str | None) -> Case:
    body = ctx.example("checkAccountExists", example)
    if body["type"] == "credentials":
        body["providerAccountId"] = ctx.user().email
    return Case({"body": body})


# -- the signed-in user, sessions, passwords, MFA -----------------------------------------------


@prepares("getMe", "signOut", "listSessions", "switchOrganization", "changePassword", "enableMfa",
          "listLinkedAccounts", "listInvitations", "withdrawAccount")
def _fresh_user(ctx: Ctx, example: str | None) -> Case:
    return signed_in(ctx.user())


@prepares("refreshToken")
def _refresh(ctx: Ctx, example: str | None) -> Case:
    return Case({"body": {"refreshToken": ctx.user().tokens["refreshToken"]}})


@prepares("revokeSession")
def _revoke_session(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    second = ctx.ok(ctx.api.signin(user.email, ctx.password))  # a second session to revoke
    sessions = ctx.ok(ctx.api.get("/v1/auth/sessions", token=user.token))["items"]
    other = session_of(second["accessToken"])
    assert other in [s["id"] for s in sessions]
    return signed_in(user, path={"sessionId": other})


def session_of(access_token: str) -> str:
    """The session id (`sid` claim) of a sandbox access token."""
    payload = access_token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"])


@prepares("requestPasswordReset")
def _request_reset(ctx: Ctx, example: str | None) -> Case:
    return Case({"body": {**ctx.example("requestPasswordReset", example), "email": ctx.user().email}})


@prepares("confirmPasswordReset")
def _confirm_reset(ctx: Ctx, example: str | None) -> Case:
    email = ctx.user().email
    ctx.ok(ctx.api.post("/v1/auth/password/reset/request", json={"email": email}))
    token = ctx.mailed(email, "password-reset")["token"]
    return Case({"body": {**ctx.example("confirmPasswordReset", example), "email": email, "token": token}})


@prepares("confirmMfa")
def _confirm_mfa(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    setup = ctx.ok(ctx.api.post("/v1/auth/mfa/enable", token=user.token, json={"password": ctx.password}))
    return signed_in(user, body={"code": pyotp.TOTP(setup["secret"]).now()})


@prepares("disableMfa")
def _disable_mfa(ctx: Ctx, example: str | None) -> Case:
    user, codes = ctx.mfa_user()
    body = ctx.example("disableMfa", example)
    if "code" in body:
        body["code"] = codes[0]
    return signed_in(user, body=body)


# -- invitations -------------------------------------------------------------------------------


@prepares("createInvitation")
def _invite(ctx: Ctx, example: str | None) -> Case:
    body = {**ctx.example("createInvitation", example), "email": unique_email("invitee")}
    return signed_in(ctx.user(), body=body)


@prepares("getInvitation", "revokeInvitation")
def _invitation_by_id(ctx: Ctx, example: str | None) -> Case:
    inviter = ctx.user()
    invitation, _ = ctx.invitation(inviter)
    return signed_in(inviter, path={"invitationId": invitation["id"]})


@prepares("acceptInvitation", "rejectInvitation")
def _answer_invitation(ctx: Ctx, example: str | None) -> Case:
    _, email = ctx.invitation(ctx.user())
    token = ctx.mailed(email, "invitation")["token"]
    return Case({"body": {"token": token, "email": email}})


# -- users (admin) and a user's own resources ----------------------------------------------------


@prepares("listUsers")
def _admin(ctx: Ctx, example: str | None) -> Case:
    return signed_in(ctx.admin)


@prepares("createUser")
def _create_user(ctx: Ctx, example: str | None) -> Case:
    return signed_in(ctx.admin, body={**ctx.example("createUser", example), "email": unique_email("created")})


@prepares("getUser", "deleteUser", "updateUser", "updateUserRole")
def _admin_on_user(ctx: Ctx, example: str | None) -> Case:
    return signed_in(ctx.admin, path={"userId": ctx.user().id})


@prepares("getUserProfile", "updateUserProfile", "createAvatarUploadUrl", "getUserPreferences",
          "updateUserPreferences", "getUserNotifications", "updateUserNotifications", "getUserOnboarding",
          "updateUserOnboarding", "getUserPublicSettings")
def _own(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    return signed_in(user, path={"userId": user.id})


@prepares("updateUserPublicSettings")
def _publish(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    body = ctx.example("updateUserPublicSettings", example)
    if body.get("slug"):  # slugs are unique per project
        body["slug"] = f"{body['slug']}-{user.id[-8:]}"
    return signed_in(user, path={"userId": user.id}, body=body)


def _uploaded_avatar(ctx: Ctx, user: Account) -> str:
    target = ctx.upload_url(user)
    response = ctx.api.http.put(target["url"], content=PNG, headers={"Content-Type": "image/png"})
    assert response.status_code == 200, response.text
    return target["key"]


@prepares("updateUserAvatar")
def _set_avatar(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    return signed_in(user, path={"userId": user.id}, body={"s3Key": _uploaded_avatar(ctx, user)})


@prepares("deleteUserAvatar")
def _delete_avatar(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    key = _uploaded_avatar(ctx, user)
    ctx.ok(ctx.api.patch(f"/v1/users/{user.id}/avatar", token=user.token, json={"s3Key": key}))
    return signed_in(user, path={"userId": user.id})


# -- sandbox-only ------------------------------------------------------------------------------


@prepares("getSandboxHealth", "listOutbox", "clearOutbox")
def _nothing(ctx: Ctx, example: str | None) -> Case:
    return Case()


@prepares("uploadSandboxObject")
def _upload(ctx: Ctx, example: str | None) -> Case:
    user = ctx.user()
    target = urlsplit(ctx.upload_url(user)["url"])
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    key = target.path.rsplit("/", 1)[1]
    content_type = ctx.example("createAvatarUploadUrl", None)["contentType"]
    return Case({"path": {"key": key}, "query": query, "upload": ("avatar.png", content_type)}, upload=PNG)


@prepares("getSandboxObject")
def _uploaded_file(ctx: Ctx, example: str | None) -> Case:
    """The file behind the `image` URL the avatar endpoint returns."""
    user = ctx.user()
    set_avatar = ctx.api.patch(f"/v1/users/{user.id}/avatar", token=user.token,
                               json={"s3Key": _uploaded_avatar(ctx, user)})
    image = ctx.ok(set_avatar)["image"]
    return Case({"path": {"key": image.rsplit("/", 1)[1]}})
