"""The expected error catalog: the facts sheet's table and the codes this spec adds."""

from __future__ import annotations

# The error table of the API facts sheet (code -> HTTP status). The spec must carry each one with
# exactly this status; test_spec_api_facts.py cross-checks this table against the sheet itself.
API_FACTS_ERRORS: dict[str, int] = {
    "auth/invalid-email": 400,
    "auth/invalid-password-format": 400,
    "auth/weak-password": 400,
    "auth/email-already-exists": 409,
    "auth/invalid-credentials": 401,
    "auth/invalid-password": 401,
    "auth/account-banned": 403,
    "auth/email-not-verified": 403,
    "auth/unauthorized": 401,
    "auth/token-expired": 401,
    "auth/invalid-token": 401,
    "auth/invalid-refresh-token": 401,
    "auth/session-expired": 401,
    "auth/session-not-found": 404,
    "auth/same-as-previous-password": 400,
    "auth/verification-token-not-found": 404,
    "auth/verification-token-expired": 401,
    "auth/already-verified": 400,
    "auth/magiclink-disabled": 400,
    "auth/mfa-required": 403,
    "auth/mfa-already-enabled": 409,
    "auth/mfa-not-enabled": 400,
    "auth/invalid-mfa-code": 401,
    "auth/account-already-linked": 409,
    "auth/last-auth-method": 400,
    "auth/account-not-found": 404,
    "auth/user-not-found": 404,
    "auth/invitation-not-found": 404,
    "auth/invitation-expired": 410,
    "auth/invitation-already-accepted": 400,
    "auth/unsupported-provider": 400,
    "auth/oauth-not-configured": 400,
    "auth/invalid-oauth-code": 401,
    "auth/oauth-callback-failed": 500,
    "auth/template-not-found": 404,
    "auth/too-many-requests": 429,
    "auth/too-many-login-attempts": 429,
    "auth/too-many-code-requests": 429,
    "user/not-found": 404,
    "user/unauthorized": 401,
    "user/forbidden": 403,
    "user/invalid-role": 400,
    "user/invalid-name": 400,
    "user/invalid-nickname": 400,
}

# Codes this spec adds (recorded in x-decisions); `common` ones are documented on every operation.
ADDED_ERRORS: dict[str, tuple[int, bool]] = {
    "auth/invalid-api-key": (401, True),
    "common/invalid-request": (400, True),
    "common/payload-too-large": (413, True),
    "common/not-found": (404, False),
    "common/method-not-allowed": (405, False),
    "common/internal-error": (500, False),
    "sandbox/invalid-signature": (403, False),
    "user/slug-already-exists": (409, False),
}
