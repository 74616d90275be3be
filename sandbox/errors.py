"""The error codes the sandbox answers with, and the exception that carries one to the response.

Statuses and default messages are NOT typed here: they come from the spec's `x-error-codes`
(see `spec.ErrorCatalog`); the app refuses to start if a code below is missing from the spec.
"""

from __future__ import annotations

from collections.abc import Mapping

# common (any operation)
INVALID_REQUEST = "common/invalid-request"
NOT_FOUND = "common/not-found"
METHOD_NOT_ALLOWED = "common/method-not-allowed"
PAYLOAD_TOO_LARGE = "common/payload-too-large"
INTERNAL_ERROR = "common/internal-error"
REQUEST_TIMEOUT = "common/request-timeout"
SERVICE_UNAVAILABLE = "common/service-unavailable"
INVALID_API_KEY = "auth/invalid-api-key"
TOO_MANY_REQUESTS = "auth/too-many-requests"

# auth
INVALID_EMAIL = "auth/invalid-email"
INVALID_PASSWORD_FORMAT = "auth/invalid-password-format"
WEAK_PASSWORD = "auth/weak-password"
EMAIL_ALREADY_EXISTS = "auth/email-already-exists"
INVALID_CREDENTIALS = "auth/invalid-credentials"
INVALID_PASSWORD = "auth/invalid-password"
ACCOUNT_BANNED = "auth/account-banned"
EMAIL_NOT_VERIFIED = "auth/email-not-verified"
UNAUTHORIZED = "auth/unauthorized"
TOKEN_EXPIRED = "auth/token-expired"
INVALID_TOKEN = "auth/invalid-token"
INVALID_REFRESH_TOKEN = "auth/invalid-refresh-token"
SESSION_EXPIRED = "auth/session-expired"
SESSION_NOT_FOUND = "auth/session-not-found"
SAME_AS_PREVIOUS_PASSWORD = "auth/same-as-previous-password"
VERIFICATION_TOKEN_NOT_FOUND = "auth/verification-token-not-found"
VERIFICATION_TOKEN_EXPIRED = "auth/verification-token-expired"
ALREADY_VERIFIED = "auth/already-verified"
MAGICLINK_DISABLED = "auth/magiclink-disabled"
MFA_REQUIRED = "auth/mfa-required"
MFA_ALREADY_ENABLED = "auth/mfa-already-enabled"
MFA_NOT_ENABLED = "auth/mfa-not-enabled"
INVALID_MFA_CODE = "auth/invalid-mfa-code"
ACCOUNT_ALREADY_LINKED = "auth/account-already-linked"
LAST_AUTH_METHOD = "auth/last-auth-method"
ACCOUNT_NOT_FOUND = "auth/account-not-found"
AUTH_USER_NOT_FOUND = "auth/user-not-found"
INVITATION_NOT_FOUND = "auth/invitation-not-found"
INVITATION_EXPIRED = "auth/invitation-expired"
INVITATION_ALREADY_ACCEPTED = "auth/invitation-already-accepted"
UNSUPPORTED_PROVIDER = "auth/unsupported-provider"
OAUTH_NOT_CONFIGURED = "auth/oauth-not-configured"
INVALID_OAUTH_CODE = "auth/invalid-oauth-code"
OAUTH_CALLBACK_FAILED = "auth/oauth-callback-failed"
TOO_MANY_LOGIN_ATTEMPTS = "auth/too-many-login-attempts"
TOO_MANY_CODE_REQUESTS = "auth/too-many-code-requests"

# user
USER_NOT_FOUND = "user/not-found"
USER_UNAUTHORIZED = "user/unauthorized"
FORBIDDEN = "user/forbidden"
INVALID_ROLE = "user/invalid-role"
INVALID_NAME = "user/invalid-name"
INVALID_NICKNAME = "user/invalid-nickname"
SLUG_ALREADY_EXISTS = "user/slug-already-exists"

# sandbox
INVALID_SIGNATURE = "sandbox/invalid-signature"
OBJECT_NOT_FOUND = "sandbox/object-not-found"


def all_codes() -> set[str]:
    return {v for k, v in globals().items() if k.isupper() and isinstance(v, str) and "/" in v}


class ApiError(Exception):
    """An error answered in the spec's envelope; status and default message come from the spec."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message or ''}")
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
